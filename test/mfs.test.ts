import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { create } from 'kubo-rpc-client'
import { removeRoot, runCli, startNode, tempRoot, type TestNode } from './harness/node.ts'

let node: TestNode
let work: string
beforeAll(async () => {
  node = await startNode()
  work = await tempRoot('leither-mfs-')
})
afterAll(async () => {
  await node.stop()
  await removeRoot(node.root)
  await removeRoot(work)
})

const HELLO = 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o'

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(work, name)
  await writeFile(path, content)
  return path
}

/** Runs a CLI command that must succeed and returns its stdout. */
async function ok(...args: string[]): Promise<string> {
  const res = await node.cli(...args)
  if (res.code !== 0) throw new Error(`${args.join(' ')} failed with ${res.code}: ${res.stderr}`)
  return res.stdout
}
const rootCid = async () => (await ok('files', 'stat', '--hash', '/')).trim()

describe('files (the mutable file tree)', () => {
  test('starts empty, makes directories with -p and writes and reads files with offsets and truncation', async () => {
    expect(await rootCid()).toBe('QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn')
    await ok('files', 'mkdir', '-p', '/docs/deep/er')
    expect(await ok('files', 'ls', '/docs')).toBe('deep\n')
    await ok('files', 'write', '--create', '/docs/hello.txt', await file('hello.txt', 'hello world\n'))
    expect(await ok('files', 'read', '/docs/hello.txt')).toBe('hello world\n')
    expect(await ok('files', 'stat', '--hash', '/docs/hello.txt')).toBe(`${HELLO}\n`)

    await ok('files', 'write', '--offset', '6', '/docs/hello.txt', await file('there.txt', 'there'))
    expect(await ok('files', 'read', '/docs/hello.txt')).toBe('hello there\n')
    expect(await ok('files', 'read', '-o', '6', '--count', '5', '/docs/hello.txt')).toBe('there')
    await ok('files', 'write', '-t', '/docs/hello.txt', await file('short.txt', 'short'))
    expect(await ok('files', 'read', '/docs/hello.txt')).toBe('short')

    const piped = await runCli(['--root', node.root, 'files', 'write', '-e', '-p', '/piped/in.txt'], { input: new TextEncoder().encode('from stdin') })
    expect(piped.code).toBe(0)
    expect(await ok('files', 'read', '/piped/in.txt')).toBe('from stdin')
  })

  test('writes a multi-block file and splices into its middle', async () => {
    const big = randomBytes(1_000_000)
    await ok('files', 'write', '-e', '/big.bin', await file('big.bin', big))
    await ok('files', 'write', '-o', '500000', '/big.bin', await file('patch.bin', 'PATCH'))
    big.write('PATCH', 500000)
    const res = await node.api('files/read', ['/big.bin'])
    expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true)
    expect(JSON.parse(await ok('files', 'stat', '/big.bin', '--json'))).toMatchObject({ Size: 1_000_000, Blocks: 4, Type: 'file' })
  })

  test('copies from /ipfs/<cid> into a directory and by name, moves and removes recursively', async () => {
    const cid = (await ok('ipfs', 'add', '-q', '--pin=false', await file('added.txt', 'added content'))).trim()
    await ok('files', 'mkdir', '/in')
    await ok('files', 'cp', `/ipfs/${cid}`, '/in/')
    await ok('files', 'cp', `/ipfs/${cid}`, '/in/named.txt')
    expect(await ok('files', 'ls', '/in')).toBe(`${cid}\nnamed.txt\n`)
    expect(await ok('files', 'read', '/in/named.txt')).toBe('added content')

    await ok('files', 'mv', '/in/named.txt', '/docs')
    await ok('files', 'mv', '/docs/named.txt', '/docs/renamed.txt')
    expect(await ok('files', 'ls', '/in')).toBe(`${cid}\n`)
    expect(await ok('files', 'read', '/docs/renamed.txt')).toBe('added content')

    await ok('files', 'rm', '-r', '/in')
    expect((await ok('files', 'ls', '/')).split('\n')).not.toContain('in')
  })

  test('ls -l and stat print kubo\'s text, and stat / names a directory ipfs ls can list', async () => {
    const hash = async (path: string) => (await ok('files', 'stat', '--hash', path)).trim()
    const short = await hash('/docs/hello.txt')
    expect(await ok('files', 'ls', '-l', '/docs')).toBe([
      `deep\t${await hash('/docs/deep')}\t0`,
      `hello.txt\t${short}\t5`,
      `renamed.txt\t${await hash('/docs/renamed.txt')}\t13`,
      '',
    ].join('\n'))
    // "short" is one dag-pb block of 13 bytes, as kubo's add makes it.
    expect(await ok('files', 'stat', '/docs/hello.txt')).toBe(`${short}\nSize: 5\nCumulativeSize: 13\nChildBlocks: 0\nType: file\n`)
    expect((await ok('ipfs', 'add', '-q', await file('short.txt', 'short'))).trim()).toBe(short)
    expect((await ok('files', 'stat', '/docs')).split('\n').slice(1)).toContain('Type: directory')

    const root = await rootCid()
    const ls = await ok('ipfs', 'ls', root)
    expect(ls).toContain(' docs/\n')
    expect(ls).toContain(' big.bin\n')
    expect(JSON.parse(await ok('files', 'flush', '--json'))).toEqual({ Cid: root })
  })

  test('repo gc keeps everything in the tree and removes what the tree let go', async () => {
    const cid = (await ok('ipfs', 'add', '-q', '--pin=false', await file('gc.txt', 'kept by the tree'))).trim()
    await ok('files', 'cp', `/ipfs/${cid}`, '/kept.txt')
    const gone = (await ok('ipfs', 'add', '-q', '--pin=false', await file('gone.txt', 'nobody keeps this'))).trim()
    expect((await node.api('block/stat', [gone], { offline: 'true' })).status).toBe(200)
    await ok('repo', 'gc')
    expect(await ok('files', 'read', '/kept.txt')).toBe('kept by the tree')
    expect(await ok('ipfs', 'cat', cid)).toBe('kept by the tree')
    expect(await ok('files', 'read', '/docs/hello.txt')).toBe('short')
    expect((await node.api('files/read', ['/big.bin'])).status).toBe(200)
    expect((await node.api('block/stat', [gone], { offline: 'true' })).status).toBe(404)
  })

  test('refuses bad input with clear errors and HTTP statuses, and changes nothing', async () => {
    const before = await rootCid()
    const local = await file('x.txt', 'x')
    const cases: Array<[string[], string]> = [
      [['files', 'write', '/missing.txt', local], 'does not exist; use --create'],
      [['files', 'write', '-e', '/docs', local], 'is a directory'],
      [['files', 'write', '-e', 'relative.txt', local], 'leading slash'],
      [['files', 'write', '-e', '/docs/../x', local], '".."'],
      [['files', 'rm', '/docs'], 'use -r'],
      [['files', 'mkdir', '/docs'], 'already exists'],
      [['files', 'mkdir', '/no/such/parent'], 'no such directory'],
      [['files', 'read', '/docs'], 'is a directory'],
      [['files', 'cp', '/docs/hello.txt', '/docs/renamed.txt'], 'already exists'],
      [['files', 'mv', '/docs', '/docs/deep/'], 'into itself'],
      [['files', 'rm', '/'], 'root'],
    ]
    for (const [args, message] of cases) {
      const res = await node.cli(...args)
      expect({ args, code: res.code, stderr: res.stderr.includes(message) ? message : res.stderr }).toEqual({ args, code: 1, stderr: message })
    }
    expect((await node.api('files/stat', ['/nope'])).status).toBe(404)
    expect((await node.api('files/mkdir', ['/docs'])).status).toBe(409)
    expect((await node.api('files/ls', ['not/absolute'])).status).toBe(400)
    expect(await rootCid()).toBe(before)
  })

  test('answers the published kubo-rpc-client', async () => {
    const ipfs = create({ url: `${node.apiUrl}/api/v0` })
    await ipfs.files.mkdir('/rpc/sub', { parents: true })
    await ipfs.files.write('/rpc/a.txt', 'hello world\n', { create: true })
    await ipfs.files.write('/rpc/a.txt', 'HELLO', { offset: 0 })
    const chunks: Uint8Array[] = []
    for await (const c of ipfs.files.read('/rpc/a.txt')) chunks.push(c)
    expect(Buffer.concat(chunks).toString()).toBe('HELLO world\n')

    const entries = []
    for await (const e of ipfs.files.ls('/rpc')) entries.push({ name: e.name, type: e.type, size: e.size })
    expect(entries).toEqual([{ name: 'a.txt', type: 'file', size: 12 }, { name: 'sub', type: 'directory', size: 0 }])

    const stat = await ipfs.files.stat('/rpc/a.txt')
    expect(stat.type).toBe('file')
    expect(stat.size).toBe(12)
    await ipfs.files.cp('/rpc/a.txt', '/rpc/sub/b.txt')
    await ipfs.files.mv('/rpc/sub/b.txt', '/rpc/c.txt')
    await ipfs.files.rm('/rpc/sub', { recursive: true })
    const names = []
    for await (const e of ipfs.files.ls('/rpc')) names.push(e.name)
    expect(names).toEqual(['a.txt', 'c.txt'])
    expect((await ipfs.files.flush('/')).toString()).toBe(await rootCid())

    // Writes that race each other all land.
    await Promise.all(Array.from({ length: 10 }, (_, i) => ipfs.files.write(`/rpc/race-${i}`, `n${i}`, { create: true })))
    const raced = []
    for await (const e of ipfs.files.ls('/rpc')) raced.push(e.name)
    expect(raced.filter(n => n.startsWith('race-'))).toHaveLength(10)
  }, 60_000)

  test('keeps the tree across a restart of the node', async () => {
    const before = await rootCid()
    await node.stop()
    node = await startNode({ root: node.root })
    expect(await rootCid()).toBe(before)
    expect(await ok('files', 'read', '/docs/hello.txt')).toBe('short')
    expect(await ok('files', 'read', '/kept.txt')).toBe('kept by the tree')
  }, 60_000)
})
