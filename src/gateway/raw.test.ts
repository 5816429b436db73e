import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { createTestNode } from './test-node.ts'
import type { TestNode } from './test-node.ts'

let node: TestNode
let dir: CID
let file: CID

beforeAll(async () => {
  node = await createTestNode()
  dir = await node.addDir({ 'docs/hello.txt': 'hello world\n' })
  file = (await node.fs.stat(dir, { path: 'docs/hello.txt' })).cid
})
afterAll(async () => { await node.stop() })

async function digestMatches(cid: CID, bytes: Uint8Array): Promise<boolean> {
  return Buffer.from((await sha256.digest(bytes)).digest).equals(Buffer.from(cid.multihash.digest))
}

describe('?format=raw', () => {
  test('answers the single block of the CID with trustless headers', async () => {
    const res = await node.get(`/ipfs/${dir}?format=raw`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('application/vnd.ipld.raw')
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(res.headers.get('Content-Disposition')).toBe(`attachment; filename="${dir}.bin"`)
    expect(res.headers.get('ETag')).toBe(`"${dir}.raw"`)
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=29030400, immutable')
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(res.headers.get('Content-Length')).toBe(String(bytes.byteLength))
    expect(await digestMatches(dir, bytes)).toBe(true)
  })

  test('answers the block of the CID a path resolves to', async () => {
    const res = await node.get(`/ipfs/${dir}/docs/hello.txt?format=raw`)
    expect(res.headers.get('Content-Disposition')).toBe(`attachment; filename="${file}.bin"`)
    expect(await digestMatches(file, new Uint8Array(await res.arrayBuffer()))).toBe(true)
  })

  test('does not redirect a directory without a trailing slash', async () => {
    const res = await node.get(`/ipfs/${dir}/docs?format=raw`)
    expect(res.status).toBe(200)
  })

  test('answers 304 to its own ETag and HEAD without a body', async () => {
    expect((await node.get(`/ipfs/${file}?format=raw`, { headers: { 'If-None-Match': `"${file}.raw"` } })).status).toBe(304)
    const head = await node.get(`/ipfs/${file}?format=raw`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(Number(head.headers.get('Content-Length'))).toBeGreaterThan(12)
    expect(await head.text()).toBe('')
  })

  test('rejects an unknown format with 400 naming it', async () => {
    const res = await node.get(`/ipfs/${file}?format=tarball`)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('"tarball"')
  })
})

describe('the Accept header', () => {
  test('application/vnd.ipld.raw selects the raw block', async () => {
    const res = await node.get(`/ipfs/${file}`, { headers: { Accept: 'application/vnd.ipld.raw' } })
    expect(res.headers.get('Content-Type')).toBe('application/vnd.ipld.raw')
    expect(res.headers.get('Vary')).toBe('Accept')
  })

  test('application/vnd.ipld.car; version=1 selects a CAR', async () => {
    const res = await node.get(`/ipfs/${file}`, { headers: { Accept: 'application/vnd.ipld.car; version=1' } })
    expect(res.headers.get('Content-Type')).toBe('application/vnd.ipld.car; version=1')
  })

  test('a CAR version we do not write falls back to the file', async () => {
    const res = await node.get(`/ipfs/${file}`, { headers: { Accept: 'application/vnd.ipld.car; version=2' } })
    expect(res.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
    expect(await res.text()).toBe('hello world\n')
  })

  test('a browser Accept renders the content', async () => {
    const res = await node.get(`/ipfs/${file}`, { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })
    expect(await res.text()).toBe('hello world\n')
  })

  test('?format= wins over Accept', async () => {
    const res = await node.get(`/ipfs/${file}?format=raw`, { headers: { Accept: 'application/vnd.ipld.car' } })
    expect(res.headers.get('Content-Type')).toBe('application/vnd.ipld.raw')
  })
})

test('a CIDv1 raw-codec block is served as a file by default', async () => {
  const bytes = new TextEncoder().encode('raw leaf\n')
  const cid = CID.createV1(0x55, await sha256.digest(bytes))
  await node.blockstore.put(cid, bytes)
  const res = await node.get(`/ipfs/${cid}`)
  expect(res.status).toBe(200)
  expect(await res.text()).toBe('raw leaf\n')
  expect(res.headers.get('ETag')).toBe(`"${cid}"`)
})
