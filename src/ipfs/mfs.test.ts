import { afterEach, describe, expect, test } from 'bun:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight, type Helia } from 'helia'
import { importer } from 'ipfs-unixfs-importer'
import { CID } from 'multiformats/cid'
import { kuboImportOptions } from './import-options.ts'
import { FILES_ROOT_KEY, MutableFileTree } from './mfs.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../utils/errors.ts'

const EMPTY_DIR = 'QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn'
const HELLO = 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o'

const helias: Helia[] = []
afterEach(async () => { await Promise.all(helias.splice(0).map(h => h.stop())) })

async function setup(): Promise<{ helia: Helia, tree: MutableFileTree }> {
  const helia = createHeliaLight({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() })
  await helia.start()
  helias.push(helia)
  return { helia, tree: new MutableFileTree({ blockstore: helia.blockstore, datastore: helia.datastore }) }
}

const text = (s: string) => new TextEncoder().encode(s)
async function * chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? text(p) : p
}
async function bytesOf(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const out: Uint8Array[] = []
  for await (const c of source) out.push(c)
  return new Uint8Array(Buffer.concat(out))
}
const readText = async (tree: MutableFileTree, path: string, opts = {}) => new TextDecoder().decode(await bytesOf(await tree.read(path, opts)))
const names = async (tree: MutableFileTree, path: string) => (await tree.ls(path)).map(e => e.name)

async function addToIpfs(helia: Helia, files: Record<string, string>): Promise<CID> {
  let root: CID | undefined
  const entries = Object.entries(files).map(([path, content]) => ({ path, content: text(content) }))
  for await (const e of importer(entries, helia.blockstore, { ...kuboImportOptions(), wrapWithDirectory: true })) root = e.cid
  return root!
}

describe('the mutable file tree', () => {
  test('starts as kubo\'s empty directory and keeps its root under /local/filesroot', async () => {
    const { helia, tree } = await setup()
    expect((await tree.root()).toString()).toBe(EMPTY_DIR)
    expect(CID.decode(await helia.datastore.get(FILES_ROOT_KEY)).toString()).toBe(EMPTY_DIR)
    expect(await tree.ls('/')).toEqual([])
    expect(await tree.stat('/')).toMatchObject({ type: 'directory', size: 0, cumulativeSize: 4, blocks: 0 })
  })

  test('keeps its root across instances over the same stores', async () => {
    const { helia, tree } = await setup()
    await tree.write('/a.txt', chunks('kept'), { create: true })
    const again = new MutableFileTree({ blockstore: helia.blockstore, datastore: helia.datastore })
    expect((await again.root()).equals(await tree.root())).toBe(true)
    expect(await readText(again, '/a.txt')).toBe('kept')
  })

  test('mkdir makes one directory, -p makes parents and accepts an existing one', async () => {
    const { tree } = await setup()
    await expect(tree.mkdir('/a/b/c')).rejects.toBeInstanceOf(NotFoundError)
    await tree.mkdir('/a/b/c', { parents: true })
    expect(await names(tree, '/a')).toEqual(['b'])
    expect((await tree.stat('/a/b/c')).type).toBe('directory')
    const root = await tree.root()
    await expect(tree.mkdir('/a/b')).rejects.toBeInstanceOf(ConflictError)
    await tree.mkdir('/a/b', { parents: true })
    await tree.mkdir('/', { parents: true })
    expect((await tree.root()).equals(root)).toBe(true)
  })

  test('write makes the same CID as kubo\'s ipfs add and reads back', async () => {
    const { tree } = await setup()
    await tree.write('/hello.txt', chunks('hello ', 'world\n'), { create: true })
    expect((await tree.stat('/hello.txt')).cid.toString()).toBe(HELLO)
    expect(await readText(tree, '/hello.txt')).toBe('hello world\n')
    expect(await readText(tree, '/hello.txt', { offset: 6, count: 5 })).toBe('world')
  })

  test('write without --create refuses a missing file and changes nothing', async () => {
    const { tree } = await setup()
    const root = await tree.root()
    await expect(tree.write('/nope.txt', chunks('x'))).rejects.toBeInstanceOf(NotFoundError)
    await expect(tree.write('/no/dir.txt', chunks('x'), { create: true })).rejects.toBeInstanceOf(NotFoundError)
    expect((await tree.root()).equals(root)).toBe(true)
    await tree.write('/made/by/parents.txt', chunks('p'), { create: true, parents: true })
    expect(await readText(tree, '/made/by/parents.txt')).toBe('p')
  })

  test('write at an offset replaces bytes in the middle, past the end fills with zeros', async () => {
    const { tree } = await setup()
    await tree.write('/f', chunks('0123456789'), { create: true })
    await tree.write('/f', chunks('ab'), { offset: 3 })
    expect(await readText(tree, '/f')).toBe('012ab56789')
    await tree.write('/f', chunks('XYZ'), { offset: 12 })
    expect(await readText(tree, '/f')).toBe('012ab56789\0\0XYZ')
    await tree.write('/f', chunks('new'), { truncate: true })
    expect(await readText(tree, '/f')).toBe('new')
    await tree.write('/f', chunks('abcdef'), { count: 2, offset: 1 })
    expect(await readText(tree, '/f')).toBe('nab')
  })

  test('write splices into a file of many blocks', async () => {
    const { tree } = await setup()
    const big = new Uint8Array(700_000).map((_, i) => i % 251)
    await tree.write('/big', chunks(big), { create: true })
    await tree.write('/big', chunks('HELLO'), { offset: 300_000 })
    const back = await bytesOf(await tree.read('/big'))
    const expected = big.slice()
    expected.set(text('HELLO'), 300_000)
    expect(back.length).toBe(700_000)
    expect(Buffer.from(back).equals(Buffer.from(expected))).toBe(true)
    expect((await tree.stat('/big')).blocks).toBe(3)
  })

  test('refuses bad paths, writes to directories and reads of directories', async () => {
    const { tree } = await setup()
    await tree.mkdir('/d')
    const root = await tree.root()
    await expect(tree.write('relative', chunks('x'), { create: true })).rejects.toBeInstanceOf(InvalidInputError)
    await expect(tree.write('/a/../b', chunks('x'), { create: true })).rejects.toBeInstanceOf(InvalidInputError)
    await expect(tree.write('/d', chunks('x'), { create: true })).rejects.toBeInstanceOf(ConflictError)
    await expect(tree.write('/', chunks('x'), { create: true })).rejects.toBeInstanceOf(ConflictError)
    await expect(tree.write('/d/x', chunks('x'), { create: true, offset: -1 })).rejects.toBeInstanceOf(InvalidInputError)
    await expect(tree.read('/d')).rejects.toBeInstanceOf(InvalidInputError)
    await expect(tree.read('/missing')).rejects.toBeInstanceOf(NotFoundError)
    expect((await tree.root()).equals(root)).toBe(true)
    await tree.write('/d/f', chunks('abc'), { create: true })
    await expect(tree.read('/d/f', { offset: 4 })).rejects.toBeInstanceOf(InvalidInputError)
    await expect(tree.mkdir('/d/f/g', { parents: true })).rejects.toBeInstanceOf(ConflictError)
    await expect(tree.ls('/d/f/g')).rejects.toBeInstanceOf(ConflictError)
    expect(await names(tree, '/d')).toEqual(['f'])
  })

  test('cp takes content from /ipfs/ paths and from the tree; a trailing slash means "into"', async () => {
    const { helia, tree } = await setup()
    const dir = await addToIpfs(helia, { 'a.txt': 'A', 'sub/b.txt': 'B' })
    await tree.mkdir('/in')
    await tree.cp(`/ipfs/${dir}`, '/in/')
    expect(await names(tree, '/in')).toEqual([dir.toString()])
    await tree.cp(`/ipfs/${dir}/sub/b.txt`, '/in/')
    await tree.cp(`/ipfs/${dir}/a.txt`, '/in/renamed.txt')
    expect(await readText(tree, '/in/b.txt')).toBe('B')
    expect(await readText(tree, '/in/renamed.txt')).toBe('A')
    await tree.cp('/in/renamed.txt', '/copy.txt')
    expect(await readText(tree, '/copy.txt')).toBe('A')
    // kubo: without the slash the destination is the new name, so an existing one is an error.
    await expect(tree.cp(`/ipfs/${dir}/a.txt`, '/in')).rejects.toBeInstanceOf(ConflictError)
    await expect(tree.cp('/missing', '/x')).rejects.toBeInstanceOf(NotFoundError)
    await expect(tree.cp(`/ipfs/${dir}/nope`, '/x')).rejects.toBeInstanceOf(NotFoundError)
    await tree.cp('/in/b.txt', '/deep/er/b.txt', { parents: true })
    expect(await readText(tree, '/deep/er/b.txt')).toBe('B')
  })

  test('mv renames, moves into directories, replaces files and refuses to move into itself', async () => {
    const { tree } = await setup()
    await tree.mkdir('/a/b', { parents: true })
    await tree.write('/f', chunks('F'), { create: true })
    await tree.write('/g', chunks('G'), { create: true })
    await tree.mv('/f', '/a')
    expect(await names(tree, '/a')).toEqual(['b', 'f'])
    await tree.mv('/a/f', '/a/b/')
    await tree.mv('/a/b/f', '/a/b/h')
    expect(await names(tree, '/a/b')).toEqual(['h'])
    await tree.mv('/g', '/a/b/h')
    expect(await readText(tree, '/a/b/h')).toBe('G')
    expect(await names(tree, '/')).toEqual(['a'])
    const root = await tree.root()
    await expect(tree.mv('/a', '/a/b/c')).rejects.toBeInstanceOf(InvalidInputError)
    await expect(tree.mv('/nope', '/x')).rejects.toBeInstanceOf(NotFoundError)
    await expect(tree.mv('/a/b/h', '/missing/h')).rejects.toBeInstanceOf(NotFoundError)
    await expect(tree.mv('/', '/x')).rejects.toBeInstanceOf(InvalidInputError)
    await tree.mv('/a', '/')
    expect((await tree.root()).equals(root)).toBe(true)
  })

  test('rm needs -r for directories, --force ignores missing paths, and removes all or nothing', async () => {
    const { tree } = await setup()
    await tree.mkdir('/d/e', { parents: true })
    await tree.write('/d/e/f', chunks('F'), { create: true })
    await tree.write('/x', chunks('X'), { create: true })
    const root = await tree.root()
    await expect(tree.rm(['/d'])).rejects.toBeInstanceOf(ConflictError)
    await expect(tree.rm(['/x', '/missing'])).rejects.toBeInstanceOf(NotFoundError)
    await expect(tree.rm(['/'], { recursive: true })).rejects.toBeInstanceOf(InvalidInputError)
    expect((await tree.root()).equals(root)).toBe(true)
    await tree.rm(['/x', '/missing', '/no/such/dir'], { force: true })
    await tree.rm(['/d/e/'], { recursive: true })
    expect(await names(tree, '/')).toEqual(['d'])
    expect(await names(tree, '/d')).toEqual([])
  })

  test('ls -l gives type, size and CID; stat gives kubo\'s numbers', async () => {
    const { tree } = await setup()
    await tree.mkdir('/dir')
    await tree.write('/hello.txt', chunks('hello world\n'), { create: true })
    expect(await tree.ls('/', { long: true })).toEqual([
      { name: 'dir', cid: CID.parse(EMPTY_DIR), type: 'directory', size: 0 },
      { name: 'hello.txt', cid: CID.parse(HELLO), type: 'file', size: 12 },
    ])
    expect(await tree.ls('/hello.txt', { long: true })).toEqual([{ name: 'hello.txt', cid: CID.parse(HELLO), type: 'file', size: 12 }])
    expect(await tree.stat('/hello.txt')).toEqual({ cid: CID.parse(HELLO), type: 'file', size: 12, cumulativeSize: 20, blocks: 0 })
    const root = await tree.stat('/')
    expect(root).toMatchObject({ type: 'directory', size: 0, blocks: 2 })
    expect((await tree.stat(`/ipfs/${root.cid}/hello.txt`)).cid.toString()).toBe(HELLO)
  })

  test('concurrent writes each land: changes run one at a time', async () => {
    const { tree } = await setup()
    await Promise.all(Array.from({ length: 20 }, (_, i) => tree.write(`/f${String(i).padStart(2, '0')}`, chunks(`n${i}`), { create: true })))
    expect(await names(tree, '/')).toEqual(Array.from({ length: 20 }, (_, i) => `f${String(i).padStart(2, '0')}`))
    expect(await readText(tree, '/f07')).toBe('n7')
  })

  test('a failed commit leaves the previous tree whole', async () => {
    const { helia } = await setup()
    let failCommits = false
    const datastore = new Proxy(helia.datastore, {
      get(target, prop) {
        if (prop !== 'batch') return Reflect.get(target, prop).bind(target)
        return () => {
          const batch = target.batch()
          return { put: batch.put.bind(batch), delete: batch.delete.bind(batch), commit: async () => { if (failCommits) throw new Error('disk full'); await batch.commit() } }
        }
      },
    })
    const tree = new MutableFileTree({ blockstore: helia.blockstore, datastore })
    await tree.write('/a', chunks('before'), { create: true })
    const root = await tree.root()
    failCommits = true
    await expect(tree.write('/a', chunks('after'), { truncate: true })).rejects.toThrow('disk full')
    failCommits = false
    expect((await tree.root()).equals(root)).toBe(true)
    expect(await readText(tree, '/a')).toBe('before')
  })
})
