import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import * as dagPb from '@ipld/dag-pb'
import { Hono } from 'hono'
import { base16 } from 'multiformats/bases/base16'
import { base36 } from 'multiformats/bases/base36'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { createIpfsGateway } from './index.ts'
import { createTestNode, hangingBlockstore } from './test-node.ts'
import type { TestNode } from './test-node.ts'

const HELLO = 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o'
const TIMEOUT_MS = 150

async function cidOf(text: string, code = 0x70): Promise<CID> {
  const digest = await sha256.digest(new TextEncoder().encode(text))
  return code === 0x70 ? CID.createV0(digest) : CID.createV1(code, digest)
}

describe('a CID that does not parse', () => {
  let node: TestNode
  beforeAll(async () => { node = await createTestNode() })
  afterAll(async () => { await node.stop() })

  for (const bad of ['hello', 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5', 'qmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o', 'bafy%ZZ']) {
    test(`"${bad}" answers 400 naming the value`, async () => {
      const res = await node.get(`/ipfs/${bad}/x.txt`)
      expect(res.status).toBe(400)
      expect(res.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
      expect(await res.text()).toContain('Invalid')
    })
  }

  test('quotes the bad CID in the message', async () => {
    expect(await (await node.get('/ipfs/not-a-cid')).text()).toStartWith('Invalid CID "not-a-cid":')
  })

  test('a missing CID answers 400', async () => {
    expect((await node.get('/ipfs/')).status).toBe(400)
  })
})

describe('a CID in another multibase', () => {
  let node: TestNode
  beforeAll(async () => {
    node = await createTestNode()
    await node.addFile('hello world\n')
  })
  afterAll(async () => { await node.stop() })

  test('is served in base36 and base16 as written', async () => {
    const v1 = CID.parse(HELLO).toV1()
    for (const text of [v1.toString(base36), v1.toString(base16)]) {
      const res = await node.get(`/ipfs/${text}`)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('hello world\n')
      expect(res.headers.get('X-Ipfs-Path')).toBe(`/ipfs/${text}`)
    }
  })
})

describe('content that is not UnixFS', () => {
  let node: TestNode
  let cbor: CID
  beforeAll(async () => {
    node = await createTestNode()
    const bytes = Uint8Array.from([0xa1, 0x61, 0x61, 0x01]) // dag-cbor {"a": 1}
    cbor = CID.createV1(0x71, await sha256.digest(bytes))
    await node.blockstore.put(cbor, bytes)
  })
  afterAll(async () => { await node.stop() })

  test('answers 501 pointing at the raw and CAR formats', async () => {
    const res = await node.get(`/ipfs/${cbor}`)
    expect(res.status).toBe(501)
    expect(await res.text()).toContain('?format=raw')
  })

  test('is still served as a raw block', async () => {
    const res = await node.get(`/ipfs/${cbor}?format=raw`)
    expect(res.status).toBe(200)
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0xa1, 0x61, 0x61, 0x01])
  })

  test('with a path below it answers 501', async () => {
    expect((await node.get(`/ipfs/${cbor}/a`)).status).toBe(501)
  })
})

describe('content the blockstore cannot supply', () => {
  test('answers 502 at once when the node has no way to fetch blocks', async () => {
    const node = await createTestNode()
    const res = await node.get(`/ipfs/${await cidOf('absent')}`)
    expect(res.status).toBe(502)
    expect(await res.text()).toContain('Cannot retrieve block')
    await node.stop()
  })
})

describe('content that never arrives', () => {
  const hanging = new Set<string>()
  let node: TestNode
  let threeLeaves: CID
  let aborted = 0

  beforeAll(async () => {
    node = await createTestNode({
      timeoutMs: TIMEOUT_MS,
      // Counting aborts that reach a hanging fetch proves the signal is passed all the way down.
      wrap: inner => hangingBlockstore(inner, cid => hanging.has(cid.toString()), () => { aborted++ })
    })
    let x = 3
    threeLeaves = await node.addFile(new Uint8Array(2 * 262144 + 500).map(() => (x = (x * 1103515245 + 12345) >>> 0) >>> 24))
  })
  afterAll(async () => { await node.stop() })

  async function timed(path: string, init?: RequestInit): Promise<{ res: Response, ms: number }> {
    const start = performance.now()
    const res = await node.get(path, init)
    return { res, ms: performance.now() - start }
  }

  test('answers 504 after the timeout when the root block is missing', async () => {
    const missing = await cidOf('never')
    hanging.add(missing.toString())
    const before = aborted
    const { res, ms } = await timed(`/ipfs/${missing}`)
    expect(res.status).toBe(504)
    expect(await res.text()).toBe(`Timed out after ${TIMEOUT_MS} ms retrieving "/ipfs/${missing}"\n`)
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5)
    expect(ms).toBeLessThan(TIMEOUT_MS * 10)
    expect(aborted).toBeGreaterThan(before)
  })

  test('answers 504 while resolving a path', async () => {
    const missing = await cidOf('never-dir')
    hanging.add(missing.toString())
    expect((await node.get(`/ipfs/${missing}/a/b.txt`)).status).toBe(504)
  })

  test('answers 504 for raw and CAR requests', async () => {
    const missing = await cidOf('never-raw', 0x55)
    hanging.add(missing.toString())
    expect((await node.get(`/ipfs/${missing}?format=raw`)).status).toBe(504)
    expect((await node.get(`/ipfs/${missing}?format=car`)).status).toBe(504)
  })

  test('errors the body, instead of ending it cleanly, when a later block times out mid-stream', async () => {
    const root = dagPb.decode(await readAll(node.blockstore.get(threeLeaves)))
    const last = root.Links[2]?.Hash as CID
    hanging.add(last.toString())
    try {
      const { res } = await timed(`/ipfs/${threeLeaves}`)
      expect(res.status).toBe(200)
      const start = performance.now()
      let received = 0
      let failed = false
      try {
        const reader = (res.body as ReadableStream<Uint8Array>).getReader()
        for (let r = await reader.read(); r.done !== true; r = await reader.read()) received += r.value.byteLength
      } catch {
        failed = true
      }
      expect(failed).toBe(true)
      expect(received).toBe(2 * 262144)
      expect(performance.now() - start).toBeLessThan(TIMEOUT_MS * 10)
    } finally {
      hanging.delete(last.toString())
    }
  })

  test('HEAD of a named file answers without fetching any of its leaves', async () => {
    const links = dagPb.decode(await readAll(node.blockstore.get(threeLeaves))).Links.map(l => l.Hash.toString())
    for (const cid of links) hanging.add(cid)
    try {
      // Touching a leaf would end in 504, so a 200 proves none was read.
      const res = await node.get(`/ipfs/${threeLeaves}?filename=data.txt`, { method: 'HEAD' })
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Length')).toBe(String(2 * 262144 + 500))
    } finally {
      for (const cid of links) hanging.delete(cid)
    }
  })

  test('a CAR whose later block times out errors its body', async () => {
    const root = dagPb.decode(await readAll(node.blockstore.get(threeLeaves)))
    const last = root.Links[2]?.Hash as CID
    hanging.add(last.toString())
    try {
      const res = await node.get(`/ipfs/${threeLeaves}?format=car`)
      expect(res.status).toBe(200)
      expect(await rejects(res.arrayBuffer())).toBe(true)
    } finally {
      hanging.delete(last.toString())
    }
  })

  test('a client that goes away stops the fetches made for it', async () => {
    let pending: CID | undefined
    const stopped: string[] = []
    const slow = await createTestNode({
      timeoutMs: 60_000,
      wrap: inner => hangingBlockstore(inner, cid => pending?.equals(cid) === true, cid => stopped.push(cid.toString()))
    })
    let y = 5
    const file = await slow.addFile(new Uint8Array(2 * 262144 + 1).map(() => (y = (y * 1103515245 + 12345) >>> 0) >>> 24))
    pending = dagPb.decode(await readAll(slow.blockstore.get(file))).Links[1]?.Hash as CID
    const client = new AbortController()
    const res = await slow.get(`/ipfs/${file}`, { signal: client.signal })
    expect(res.status).toBe(200)
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    expect((await reader.read()).value?.byteLength).toBe(262144)
    const start = performance.now()
    setTimeout(() => client.abort(), 20)
    expect(await rejects(reader.read())).toBe(true)
    expect(performance.now() - start).toBeLessThan(5_000)
    expect(stopped).toContain(pending.toString())
    await slow.stop()
  })
})

test('the gateway mounts at / of a bigger app without changing its paths', async () => {
  const node = await createTestNode()
  await node.addFile('hello world\n')
  const app = new Hono()
  app.get('/', c => c.text('home'))
  app.route('/', createIpfsGateway({ blockstore: node.blockstore }))
  expect(await (await app.request('/')).text()).toBe('home')
  expect(await (await app.request(`/ipfs/${HELLO}`)).text()).toBe('hello world\n')
  await node.stop()
})

// Not expect().rejects: Bun blocks on that promise, so a body that never settles would hang the run.
async function rejects(promise: Promise<unknown>): Promise<boolean> {
  return await promise.then(() => false, () => true)
}

async function readAll(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of source) chunks.push(chunk)
  return Buffer.concat(chunks)
}
