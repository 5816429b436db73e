import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { execFileSync } from 'node:child_process'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { removeRoot, startNode, tempRoot, type TestNode } from './harness/node.ts'

let node: TestNode
let work: string
beforeAll(async () => {
  node = await startNode()
  work = await tempRoot('leither-files-')
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

describe('ipfs add', () => {
  test('gives kubo\'s CID for "hello world\\n" with the seed\'s output lines', async () => {
    const path = await file('hello.txt', 'hello world\n')
    const res = await node.cli('ipfs', 'add', path)
    expect(res.code).toBe(0)
    expect(res.stdout).toBe(`add /ipfs/${HELLO} 20\nipfs add ok  /ipfs/${HELLO}\n`)
    const quiet = await node.cli('ipfs', 'add', '-q', path)
    expect(quiet.stdout).toBe(`${HELLO}\n`)
  })

  test('makes CIDv1 raw leaves with --cid-version 1, as kubo does', async () => {
    const path = await file('hello1.txt', 'hello world\n')
    const res = await node.cli('ipfs', 'add', '-q', '--cid-version', '1', path)
    expect(res.stdout.trim()).toBe('bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4')
  })

  test('matches Debian\'s ipfs_cid on random files around the chunk boundaries', async () => {
    for (const size of [0, 1, 262144, 262145, 50 * 1024 * 1024]) {
      const path = await file(`random-${size}.bin`, randomBytes(size))
      const ours = (await node.cli('ipfs', 'add', '-q', '--pin=false', path)).stdout.trim()
      const oracle = JSON.parse(execFileSync('ipfs_cid', [path], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n')[0]!).CIDv0
      expect({ size, cid: ours }).toEqual({ size, cid: oracle })
    }
  }, 120_000)

  test('adds a directory with -r, skipping hidden files unless -H', async () => {
    const dir = join(work, 'site')
    await mkdir(join(dir, 'sub'), { recursive: true })
    await writeFile(join(dir, 'index.html'), '<h1>hi</h1>')
    await writeFile(join(dir, 'sub', 'a.txt'), 'A')
    await writeFile(join(dir, '.secret'), 'S')
    const noR = await node.cli('ipfs', 'add', dir)
    expect(noR.code).toBe(1)
    expect(noR.stderr).toContain('add it with -r')
    const res = await node.cli('ipfs', 'add', '-r', dir, '--json')
    expect(res.code).toBe(0)
    const lines = res.stdout.trim().split('\n').map(l => JSON.parse(l))
    expect(lines.map(l => l.Name)).toEqual(['site/index.html', 'site/sub/a.txt', 'site/sub', 'site'])
    const root = lines.at(-1).Hash
    const ls = await node.cli('ipfs', 'ls', root)
    expect(ls.stdout).toContain(' index.html\n')
    expect(ls.stdout).toContain(' sub/\n')
    expect(ls.stdout).not.toContain('.secret')
    const withHidden = await node.cli('ipfs', 'add', '-r', '-H', '-q', dir)
    expect(withHidden.stdout.trim()).not.toBe(root)

    const cat = await node.cli('ipfs', 'cat', `/ipfs/${root}/sub/a.txt`)
    expect(cat.stdout).toBe('A')
    const out = join(work, 'got')
    const get = await node.cli('ipfs', 'get', root, '-o', out)
    expect(get.code).toBe(0)
    expect(await readFile(join(out, 'index.html'), 'utf8')).toBe('<h1>hi</h1>')
    expect(await readFile(join(out, 'sub', 'a.txt'), 'utf8')).toBe('A')
    expect((await readdir(out)).sort()).toEqual(['index.html', 'sub'])
  })
})

describe('ipfs cat and bad input', () => {
  test('prints file bytes, honours offset and length', async () => {
    const res = await node.cli('ipfs', 'cat', HELLO)
    expect(res.stdout).toBe('hello world\n')
    expect((await node.cli('ipfs', 'cat', HELLO, '--offset', '6', '--length', '5')).stdout).toBe('world')
  })

  test('rejects a bad CID and a missing path with clear errors', async () => {
    const bad = await node.cli('ipfs', 'cat', 'QmNotAValidCid')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('invalid CID: "QmNotAValidCid"')
    const dir = (await node.cli('ipfs', 'add', '-q', '-r', join(work, 'site'))).stdout.trim()
    const missing = await node.cli('ipfs', 'cat', `${dir}/nope.txt`)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('nope.txt')
    const file404 = await node.cli('ipfs', 'add', join(work, 'does-not-exist'))
    expect(file404.code).toBe(1)
    expect(file404.stderr).toContain('no such file or directory')
  })
})

describe('pins and garbage collection', () => {
  test('gc removes unpinned blocks and keeps pinned ones', async () => {
    const keep = await file('keep.txt', 'keep me ' + Math.random())
    const drop = await file('drop.txt', 'drop me ' + Math.random())
    const keepCid = (await node.cli('ipfs', 'add', '-q', keep)).stdout.trim()
    const dropCid = (await node.cli('ipfs', 'add', '-q', drop)).stdout.trim()
    const ls = await node.cli('ipfs', 'pin', 'ls', '--json')
    expect(Object.keys(JSON.parse(ls.stdout).Keys)).toContain(dropCid)
    const rm = await node.cli('ipfs', 'pin', 'rm', dropCid)
    expect(rm.code).toBe(0)
    const rmAgain = await node.cli('ipfs', 'pin', 'rm', dropCid)
    expect(rmAgain.code).toBe(1)
    expect(rmAgain.stderr).toContain('not pinned')
    const gc = await node.cli('repo', 'gc')
    expect(gc.code).toBe(0)
    expect(gc.stdout).toContain(`removed ${dropCid}`)
    expect(gc.stdout).not.toContain(keepCid)
    expect((await node.cli('ipfs', 'cat', keepCid)).code).toBe(0)
    const blockStat = await node.api('block/stat', [dropCid], { offline: 'true' })
    expect(blockStat.status).not.toBe(200)
  }, 60_000)

  test('block put, stat and get round-trip a raw block', async () => {
    const path = await file('block.bin', 'a raw block')
    const put = await node.cli('block', 'put', path, '--json')
    const { Key, Size } = JSON.parse(put.stdout)
    expect(Size).toBe(11)
    expect(Key).toStartWith('bafkrei')
    expect((await node.cli('block', 'get', Key)).stdout).toBe('a raw block')
    expect((await node.cli('block', 'stat', Key)).stdout).toBe(`Key: ${Key}\nSize: 11\n`)
  })
})

describe('pins under other keepers', () => {
  test('a CID kept by the files tree still gets its own pin from ipfs add', async () => {
    const path = await file('kept.txt', 'kept by mfs ' + Math.random())
    expect((await node.cli('files', 'write', '-e', '/kept.txt', path)).code).toBe(0)
    const cid = (await node.cli('ipfs', 'add', '-q', path)).stdout.trim()
    expect((await node.cli('files', 'rm', '/kept.txt')).code).toBe(0)
    expect((await node.cli('repo', 'gc')).code).toBe(0)
    expect((await node.cli('ipfs', 'cat', cid)).code).toBe(0)
    expect(Object.keys(JSON.parse((await node.cli('ipfs', 'pin', 'ls', '--json')).stdout).Keys)).toContain(cid)
  }, 60_000)
})
