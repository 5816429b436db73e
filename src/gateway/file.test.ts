import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestNode } from './test-node.ts'
import type { TestNode } from './test-node.ts'
import type { CID } from 'multiformats/cid'

const HELLO = 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o'
const HELLO_V1 = 'bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2mby'

let node: TestNode
let big: Uint8Array
let bigCid: CID

beforeAll(async () => {
  node = await createTestNode()
  expect((await node.addFile('hello world\n')).toString()).toBe(HELLO)
  // 5 MiB + a bit: 21 leaves under one balanced root, with no repeating pattern.
  big = new Uint8Array(5 * 1024 * 1024 + 12345)
  let x = 0x12345678
  for (let i = 0; i < big.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    big[i] = x >>> 24
  }
  bigCid = await node.addFile(big)
})
afterAll(async () => { await node.stop() })

describe('a UnixFS file', () => {
  test('is served with its bytes and immutable, CID-validated headers', async () => {
    const res = await node.get(`/ipfs/${HELLO}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('hello world\n')
    expect(res.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('Content-Length')).toBe('12')
    expect(res.headers.get('ETag')).toBe(`"${HELLO}"`)
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=29030400, immutable')
    expect(res.headers.get('X-Ipfs-Path')).toBe(`/ipfs/${HELLO}`)
    expect(res.headers.get('X-Ipfs-Roots')).toBe(HELLO)
    expect(res.headers.get('Accept-Ranges')).toBe('bytes')
  })

  test('is served under its CIDv1 too, without a redirect to v0', async () => {
    const res = await node.get(`/ipfs/${HELLO_V1}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('hello world\n')
    expect(res.headers.get('ETag')).toBe(`"${HELLO_V1}"`)
  })

  test('answers 304 with no body when If-None-Match names its ETag', async () => {
    const res = await node.get(`/ipfs/${HELLO}`, { headers: { 'If-None-Match': `"other", W/"${HELLO}"` } })
    expect(res.status).toBe(304)
    expect(await res.text()).toBe('')
    expect(res.headers.get('ETag')).toBe(`"${HELLO}"`)
    expect(res.headers.get('Cache-Control')).toContain('immutable')
  })

  test('answers 200 when If-None-Match names another ETag', async () => {
    const res = await node.get(`/ipfs/${HELLO}`, { headers: { 'If-None-Match': '"QmSomethingElse"' } })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('hello world\n')
  })

  test('answers HEAD with the GET headers and no body', async () => {
    const get = await node.get(`/ipfs/${HELLO}`)
    const head = await node.get(`/ipfs/${HELLO}`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    for (const name of ['Content-Type', 'Content-Length', 'ETag', 'Cache-Control', 'X-Ipfs-Path', 'Accept-Ranges']) {
      expect(head.headers.get(name)).toBe(get.headers.get(name))
    }
  })

  test('gets its type from the file name in ?filename= and offers it as Content-Disposition', async () => {
    const res = await node.get(`/ipfs/${HELLO}?filename=${encodeURIComponent('grüße.html')}&download=true`)
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('Content-Disposition')).toBe('attachment; filename="gr__e.html"; filename*=UTF-8\'\'gr%C3%BC%C3%9Fe.html')
  })
})

describe('a Range request', () => {
  test('bytes=a-b answers 206 with exactly those bytes', async () => {
    const res = await node.get(`/ipfs/${HELLO}`, { headers: { Range: 'bytes=0-4' } })
    expect(res.status).toBe(206)
    expect(await res.text()).toBe('hello')
    expect(res.headers.get('Content-Range')).toBe('bytes 0-4/12')
    expect(res.headers.get('Content-Length')).toBe('5')
  })

  test('bytes=a- answers from a to the end', async () => {
    const res = await node.get(`/ipfs/${HELLO}`, { headers: { Range: 'bytes=6-' } })
    expect(res.status).toBe(206)
    expect(await res.text()).toBe('world\n')
    expect(res.headers.get('Content-Range')).toBe('bytes 6-11/12')
  })

  test('bytes=-n answers the last n bytes', async () => {
    const res = await node.get(`/ipfs/${HELLO}`, { headers: { Range: 'bytes=-3' } })
    expect(res.status).toBe(206)
    expect(await res.text()).toBe('ld\n')
    expect(res.headers.get('Content-Range')).toBe('bytes 9-11/12')
  })

  test('past the end answers 416 with the size', async () => {
    const res = await node.get(`/ipfs/${HELLO}`, { headers: { Range: 'bytes=12-20' } })
    expect(res.status).toBe(416)
    expect(res.headers.get('Content-Range')).toBe('bytes */12')
  })

  test('with several ranges answers the whole file', async () => {
    const res = await node.get(`/ipfs/${HELLO}`, { headers: { Range: 'bytes=0-1,4-5' } })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('hello world\n')
  })

  test('with a stale If-Range answers the whole file', async () => {
    const res = await node.get(`/ipfs/${HELLO}`, { headers: { Range: 'bytes=0-4', 'If-Range': '"QmOld"' } })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('hello world\n')
  })

  test('across leaf boundaries of a multi-block file returns the right bytes', async () => {
    const start = 262144 - 100
    const end = 3 * 262144 + 50
    const res = await node.get(`/ipfs/${bigCid}`, { headers: { Range: `bytes=${start}-${end}` } })
    expect(res.status).toBe(206)
    const got = new Uint8Array(await res.arrayBuffer())
    expect(got.length).toBe(end - start + 1)
    expect(Buffer.from(got).equals(Buffer.from(big.subarray(start, end + 1)))).toBe(true)
  })
})

describe('a multi-MiB file', () => {
  test('streams in several chunks and arrives byte-identical', async () => {
    const res = await node.get(`/ipfs/${bigCid}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Length')).toBe(String(big.length))
    expect(res.headers.get('Content-Type')).toBe('application/octet-stream')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const parts: Uint8Array[] = []
    for (let r = await reader.read(); r.done !== true; r = await reader.read()) parts.push(r.value)
    expect(parts.length).toBeGreaterThan(1)
    expect(Buffer.concat(parts).equals(Buffer.from(big))).toBe(true)
  })

  test('answers HEAD with its size', async () => {
    const res = await node.get(`/ipfs/${bigCid}`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Length')).toBe(String(big.length))
  })
})

describe('content sniffing', () => {
  test('recognises a PNG by its magic number', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
    const res = await node.get(`/ipfs/${await node.addFile(png)}`)
    expect(res.headers.get('Content-Type')).toBe('image/png')
  })

  test('recognises HTML by its doctype', async () => {
    const res = await node.get(`/ipfs/${await node.addFile('\n<!DOCTYPE html><title>x</title>')}`)
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
  })

  test('calls an empty file text and serves it with length 0', async () => {
    const res = await node.get(`/ipfs/${await node.addFile(new Uint8Array())}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Length')).toBe('0')
    expect(await res.text()).toBe('')
  })
})
