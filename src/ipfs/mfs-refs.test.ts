import { afterEach, describe, expect, test } from 'bun:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight, type Helia } from 'helia'
import { importer } from 'ipfs-unixfs-importer'
import type { CID } from 'multiformats/cid'
import { kuboImportOptions } from './import-options.ts'
import { MutableFileTree } from './mfs.ts'
import { TreeRefs } from './mfs-refs.ts'

const helias: Helia[] = []
afterEach(async () => { await Promise.all(helias.splice(0).map(h => h.stop())) })

async function setup() {
  const store = new MemoryBlockstore()
  const helia = createHeliaLight({ blockstore: store, datastore: new MemoryDatastore() })
  await helia.start()
  helias.push(helia)
  const tree = new MutableFileTree({ blockstore: helia.blockstore, datastore: helia.datastore })
  const blocks = async () => { let n = 0; for await (const _ of store.getAll()) n++; return n }
  const pendingKeys = async () => { let n = 0; for await (const _ of helia.datastore.queryKeys({ prefix: '/local/filespending/' })) n++; return n }
  return { helia, tree, blocks, pendingKeys }
}

const pattern = (n: number, seed = 0) => new Uint8Array(n).map((_, i) => (i * 7 + seed) % 251)
async function * chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> { yield * parts }
async function readAll(tree: MutableFileTree, path: string): Promise<Buffer> {
  const out: Uint8Array[] = []
  for await (const c of await tree.read(path)) out.push(c)
  return Buffer.concat(out)
}
async function addFile(helia: Helia, bytes: Uint8Array): Promise<CID> {
  let cid: CID | undefined
  for await (const e of importer([{ content: bytes }], helia.blockstore, kuboImportOptions())) cid = e.cid
  return cid!
}
async function leavesOf(tree: MutableFileTree, path: string): Promise<CID[]> {
  const stat = await tree.stat(path)
  const out: CID[] = []
  for (const e of await tree.ls(`/ipfs/${stat.cid}`)) out.push(e.cid)
  return out
}

describe('the file tree\'s hold on its blocks', () => {
  test('gc keeps every block of the tree and takes the blocks it dropped', async () => {
    const { helia, tree, blocks } = await setup()
    const big = pattern(700_000)
    await tree.mkdir('/docs')
    await tree.write('/docs/big', chunks(big), { create: true })
    const oldBlocks = await blocks()
    await helia.gc()
    // The first two roots go (the empty root was also the empty /docs): the tree is 6 blocks.
    expect(oldBlocks).toBe(8)
    expect(await blocks()).toBe(6)
    expect((await readAll(tree, '/docs/big')).equals(Buffer.from(big))).toBe(true)

    await tree.write('/docs/big', chunks(new TextEncoder().encode('small')), { truncate: true })
    await helia.gc()
    expect((await readAll(tree, '/docs/big')).toString()).toBe('small')
    expect(await blocks()).toBe(3) // root, /docs, the small file

    await tree.rm(['/docs'], { recursive: true })
    await helia.gc()
    expect(await blocks()).toBe(1)
  })

  test('a block linked twice stays until its last link goes', async () => {
    const { helia, tree, blocks } = await setup()
    await tree.write('/a', chunks(pattern(300_000)), { create: true })
    await tree.cp('/a', '/b')
    await tree.rm(['/a'])
    await helia.gc()
    expect((await readAll(tree, '/b')).equals(Buffer.from(pattern(300_000)))).toBe(true)
    await tree.rm(['/b'])
    await helia.gc()
    expect(await blocks()).toBe(1)
  })

  test('returning to an earlier tree keeps the counts right', async () => {
    const { helia, tree } = await setup()
    await tree.write('/f', chunks(pattern(300_000)), { create: true })
    const first = await tree.root()
    await tree.mkdir('/x')
    await tree.rm(['/x'], { recursive: true })
    expect((await tree.root()).equals(first)).toBe(true)
    await tree.mkdir('/x')
    await tree.rm(['/x'], { recursive: true })
    await helia.gc()
    expect((await readAll(tree, '/f')).length).toBe(300_000)
  })

  test('shares Helia\'s pin records: a pin and the tree each keep content, and neither shows the other', async () => {
    const { helia, tree } = await setup()
    const bytes = pattern(600_000, 3)
    const cid = await addFile(helia, bytes)
    for await (const _ of helia.pins.add(cid)) { /* pin */ }
    await tree.cp(`/ipfs/${cid}`, '/pinned')
    for await (const _ of helia.pins.rm(cid)) { /* unpin */ }
    await helia.gc()
    expect((await readAll(tree, '/pinned')).equals(Buffer.from(bytes))).toBe(true)

    for await (const _ of helia.pins.add(cid)) { /* pin again */ }
    await tree.rm(['/pinned'])
    await helia.gc()
    expect(await helia.blockstore.has(cid)).toBe(true)
    const pins = []
    for await (const pin of helia.pins.ls()) pins.push(pin.cid.toString())
    expect(pins).toEqual([cid.toV1().toString()])
    for await (const _ of helia.pins.rm(cid)) { /* unpin */ }
    await helia.gc()
    expect(await helia.blockstore.has(cid)).toBe(false)
  })

  test('a gc in the middle of a write cannot take the blocks written so far', async () => {
    const { helia, tree, blocks } = await setup()
    let resume!: () => void
    let paused!: () => void
    const atPause = new Promise<void>(resolve => { paused = resolve })
    const first = pattern(4 * 1024 * 1024, 1)
    const second = pattern(100_000, 2)
    async function * slow(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < first.length; at += 65536) yield first.subarray(at, at + 65536)
      paused()
      await new Promise<void>(resolve => { resume = resolve })
      yield second
    }
    const writing = tree.write('/slow', slow(), { create: true })
    await atPause
    await Bun.sleep(20) // let the importer store the first chunks
    expect(await blocks()).toBeGreaterThan(1)
    await helia.gc()
    resume()
    await writing
    await helia.gc()
    expect((await readAll(tree, '/slow')).equals(Buffer.concat([first, second]))).toBe(true)
  })

  test('a failed write releases what it protected, so gc can take its blocks', async () => {
    const { helia, tree, blocks, pendingKeys } = await setup()
    await tree.root()
    async function * broken(): AsyncGenerator<Uint8Array> {
      yield pattern(600_000)
      throw new Error('upload cut off')
    }
    await expect(tree.write('/broken', broken(), { create: true })).rejects.toThrow('upload cut off')
    expect(await pendingKeys()).toBe(0)
    await helia.gc()
    expect(await blocks()).toBe(1)
  })

  test('protection an interrupted change left behind is released at the next start', async () => {
    const { helia, blocks, pendingKeys } = await setup()
    const cid = await addFile(helia, pattern(1000))
    const change = new TreeRefs({ datastore: helia.datastore, blockstore: helia.blockstore }).begin()
    await change.protect(cid) // ...and the process dies before commit or abort
    expect(await pendingKeys()).toBe(1)
    expect(await helia.pins.isPinned(cid)).toBe(true)

    const restarted = new MutableFileTree({ blockstore: helia.blockstore, datastore: helia.datastore })
    await restarted.root()
    expect(await pendingKeys()).toBe(0)
    expect(await helia.pins.isPinned(cid)).toBe(false)
    await helia.gc()
    expect(await blocks()).toBe(1)
  })
})
