import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { createIpfsGateway } from './ipfs.ts'
import { createTestNode, hangingBlockstore } from './test-node.ts'
import type { IpfsGateway } from './ipfs.ts'
import type { TestNode } from './test-node.ts'
import type { Blockstore } from 'interface-blockstore'

// Reading local blocks directly and caching what they resolve to must not change a single answer.
describe('answers from local blocks and from the cache', () => {
  let node: TestNode
  let network: IpfsGateway
  const requests: Array<[string, RequestInit?]> = []

  beforeAll(async () => {
    node = await createTestNode({ local: true })
    network = createIpfsGateway({ blockstore: node.blockstore })
    const files = [
      await node.addFile('hello world\n'),
      await node.addFile(''),
      await node.addFile(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])),
      await node.addFile(noise(1024 * 1024, 1)), // read whole and cached
      await node.addFile(noise(5 * 1024 * 1024 + 7, 2)), // larger than a cache entry: streamed
      await node.fs.addBytes(noise(100, 3), { cidVersion: 1, rawLeaves: true }),
      await node.fs.addBytes(noise(300 * 1024, 4), { cidVersion: 1, rawLeaves: true }),
      CID.createV1(raw.code, identity.digest(new TextEncoder().encode('inline\n')))
    ]
    for (const cid of files) {
      const etag = `"${cid}"`
      requests.push(
        [`/ipfs/${cid}`], [`/ipfs/${cid}`, { method: 'HEAD' }], [`/ipfs/${cid}`, { headers: { 'If-None-Match': etag } }],
        [`/ipfs/${cid}`, { headers: { Range: 'bytes=0-4' } }], [`/ipfs/${cid}`, { headers: { Range: 'bytes=-3' } }],
        [`/ipfs/${cid}`, { headers: { Range: 'bytes=262100-262200' } }], [`/ipfs/${cid}`, { headers: { Range: 'bytes=2-' } }],
        [`/ipfs/${cid}`, { headers: { Range: 'bytes=0-4', 'If-Range': '"old"' } }], [`/ipfs/${cid}`, { headers: { Range: 'bytes=0-4', 'If-Range': etag } }],
        [`/ipfs/${cid}?filename=a.txt`], [`/ipfs/${cid}?download=true`], [`/ipfs/${cid}?filename=%C3%BC%20x.bin&download=true`],
        [`/ipfs/${cid}`, { method: 'HEAD', headers: { Range: 'bytes=1-2' } }], [`/ipfs/${cid}?format=raw`], [`/ipfs/${cid}?format=car`]
      )
    }
    const site = await node.addDir({ 'index.html': '<!doctype html><h1>home</h1>', 'about/index.html': '<h1>about</h1>', 'img/x.bin': noise(3000, 5) })
    const docs = await node.addDir({ 'readme.md': '# docs\n', 'a b/c&d/deep.json': '{"deep":true}\n', 'ünï.txt': 'unicode\n' })
    const many: Record<string, string> = {}
    for (let i = 0; i < 40; i++) many[`file-${i}.txt`] = `content ${i}\n`
    const sharded = await node.addDir(many, { shardSplitThresholdBytes: 1 })
    const cborBytes = Uint8Array.from([0xa1, 0x61, 0x61, 0x01])
    const cbor = CID.createV1(0x71, await sha256.digest(cborBytes))
    await node.blockstore.put(cbor, cborBytes)
    const indexDir = await putDirectory(node, 'index.html', await putDirectory(node, 'x.txt', await node.addFile('x\n')))
    for (const path of [
      `${site}`, `${site}?q=1`, `${site}/`, `${site}/?q=1`, `${site}/about`, `${site}/about/`, `${site}/index.html`, `${site}/img/x.bin`,
      `${docs}/`, `${docs}/a%20b/`, `${docs}/a%20b/c%26d/deep.json`, `${docs}/%C3%BCn%C3%AF.txt`, `${docs}/missing.txt`, `${docs}/readme.md/more`,
      `${docs}/a%20b/../readme.md`, `${sharded}/`, `${sharded}/file-7.txt`, `${sharded}/nope`, `${cbor}`, `${cbor}?format=raw`, `${cbor}/x`, `${indexDir}/`
    ]) requests.push([`/ipfs/${path}`], [`/ipfs/${path}`, { method: 'HEAD' }])
    requests.push([`/ipfs/${site}/`, { headers: { 'If-None-Match': `"${(await node.fs.stat(site, { path: 'index.html' })).cid}"` } }])
    requests.push([`/ipfs/${docs}/`, { headers: { 'If-None-Match': `"DirIndex-${docs}"` } }])
  })
  afterAll(async () => { await node.stop() })

  test('every answer equals the one read through Helia, first from local blocks, then from the cache', async () => {
    for (const pass of ['local blocks', 'cache']) {
      for (const [path, init] of requests) {
        const want = await snapshot(await network.request(`http://gateway.test${path}`, init))
        const got = await snapshot(await node.get(path, init))
        expect({ pass, path, init, ...got }).toEqual({ pass, path, init, ...want })
      }
    }
  })
})

describe('the cache', () => {
  test('answers again without reading any block', async () => {
    const node = await createTestNode({ local: true })
    const cid = await node.addFile('kept in memory\n')
    expect(await (await node.get(`/ipfs/${cid}`)).text()).toBe('kept in memory\n')
    await node.local.delete(cid)
    const res = await node.get(`/ipfs/${cid}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('kept in memory\n')
    await node.stop()
  })

  test('reads new content once for a burst of requests, and not again', async () => {
    const node = await createTestNode({ local: true })
    const data = noise(3 * 262144, 11)
    const cid = await node.addFile(data) // a root and three leaves
    const get = node.local.get.bind(node.local)
    let reads = 0
    node.local.get = (key, options) => { reads++; return get(key, options) }
    const answers = await Promise.all(Array.from({ length: 10 }, async () => Buffer.from(await (await node.get(`/ipfs/${cid}`)).arrayBuffer())))
    for (const body of answers) expect(body.equals(Buffer.from(data))).toBe(true)
    expect(reads).toBe(4)
    await node.get(`/ipfs/${cid}`)
    expect(reads).toBe(4)
    await node.stop()
  })

  test('keeps within its byte budget, dropping the least recently used first', async () => {
    // 64 KiB: entries of at most 4 KiB, about 18 of these 3 KiB files.
    const node = await createTestNode({ local: true, cacheBytes: 64 * 1024 })
    const cids = []
    for (let i = 0; i < 40; i++) cids.push(await node.addFile(noise(3 * 1024, 100 + i)))
    for (const cid of cids) expect((await node.get(`/ipfs/${cid}`)).status).toBe(200)
    for (const cid of cids) await node.local.delete(cid)
    expect((await node.get(`/ipfs/${cids[0]}`)).status).toBe(502)
    expect((await node.get(`/ipfs/${cids[39]}`)).status).toBe(200)
    await node.stop()
  })

  test('does not hold a file larger than one entry, which is streamed', async () => {
    const node = await createTestNode({ local: true, cacheBytes: 16 * 1024 * 1024 })
    const big = noise(2 * 1024 * 1024, 7)
    const cid = await node.addFile(big)
    for (let i = 0; i < 2; i++) {
      const res = await node.get(`/ipfs/${cid}`)
      const reader = (res.body as ReadableStream<Uint8Array>).getReader()
      const parts: Uint8Array[] = []
      for (let r = await reader.read(); r.done !== true; r = await reader.read()) parts.push(r.value)
      expect(parts.length).toBeGreaterThan(1)
      expect(Buffer.concat(parts).equals(Buffer.from(big))).toBe(true)
    }
    await node.stop()
  })
})

describe('content not all on this node', () => {
  test('is read through the network-capable blockstore, block by missing block', async () => {
    const remote = new Map<string, Uint8Array>()
    const node = await createTestNode({ local: true, wrap: inner => networkOf(inner, remote) })
    const data = noise(3 * 262144, 9)
    const cid = await node.addFile(data)
    const leaf = dagPb.decode(await readAll(node.local.get(cid))).Links[1]?.Hash as CID
    remote.set(leaf.toString(), await readAll(node.local.get(leaf)))
    await node.local.delete(leaf)
    for (let i = 0; i < 2; i++) {
      const res = await node.get(`/ipfs/${cid}`)
      expect(res.status).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(data))).toBe(true)
    }
    await node.stop()
  })

  test('still times out with 504 when nobody has it', async () => {
    const missing = CID.createV0(await sha256.digest(new TextEncoder().encode('nobody has this')))
    const node = await createTestNode({ local: true, timeoutMs: 100, wrap: inner => hangingBlockstore(inner, cid => cid.equals(missing)) })
    const res = await node.get(`/ipfs/${missing}`)
    expect(res.status).toBe(504)
    await node.stop()
  })
})

async function snapshot(res: Response): Promise<{ status: number, headers: Array<[string, string]>, body: string }> {
  const body = Buffer.from(await res.arrayBuffer())
  return { status: res.status, headers: [...res.headers].sort(), body: `${body.byteLength}:${body.subarray(0, 64).toString('hex')}:${hash(body)}` }
}

function hash(bytes: Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(bytes).digest('hex')
}

// Deterministic bytes with no repeating blocks.
function noise(length: number, seed: number): Uint8Array {
  let x = seed * 2654435761 >>> 0
  return new Uint8Array(length).map(() => (x = (x * 1103515245 + 12345) >>> 0) >>> 24)
}

// A hand-made one-entry directory.
async function putDirectory(node: TestNode, name: string, target: CID): Promise<CID> {
  const { UnixFS } = await import('ipfs-unixfs')
  const bytes = dagPb.encode(dagPb.prepare({ Data: new UnixFS({ type: 'directory' }).marshal(), Links: [{ Name: name, Hash: target, Tsize: 10 }] }))
  const cid = CID.createV0(await sha256.digest(bytes))
  await node.blockstore.put(cid, bytes)
  return cid
}

// Helia's blockstore in front of a "network" that holds `remote`'s blocks.
function networkOf(inner: Blockstore, remote: Map<string, Uint8Array>): Blockstore {
  const wrapper: Partial<Blockstore> = {
    get(cid, options) {
      const bytes = remote.get(cid.toString())
      if (bytes == null) return inner.get(cid, options)
      return (function * () { yield bytes })()
    },
    has: async (cid, options) => remote.has(cid.toString()) || await inner.has(cid, options),
    put: async (cid, block, options) => await inner.put(cid, block, options)
  }
  return wrapper as Blockstore
}

async function readAll(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of source) chunks.push(chunk)
  return Buffer.concat(chunks)
}
