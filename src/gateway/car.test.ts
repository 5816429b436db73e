import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { CarReader } from '@ipld/car'
import * as dagPb from '@ipld/dag-pb'
import { unixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core'
import { sha256 } from 'multiformats/hashes/sha2'
import { createTestNode } from './test-node.ts'
import type { TestNode } from './test-node.ts'
import type { CID } from 'multiformats/cid'

let node: TestNode
let big: Uint8Array
let bigCid: CID
let dir: CID

beforeAll(async () => {
  node = await createTestNode()
  // Pseudo-random, so no two leaves are equal (a CAR carries a repeated block only once).
  let x = 7
  big = new Uint8Array(3 * 262144 + 1000).map(() => (x = (x * 1103515245 + 12345) >>> 0) >>> 24)
  bigCid = await node.addFile(big)
  dir = await node.addDir({ 'a.txt': 'aaa\n', 'sub/b.txt': 'bbb\n', 'sub/big.bin': big })
})
afterAll(async () => { await node.stop() })

interface Car { roots: CID[], blocks: Array<{ cid: CID, bytes: Uint8Array }> }

async function fetchCar(path: string, init?: RequestInit): Promise<Car> {
  const res = await node.get(path, init)
  expect(res.status).toBe(200)
  const reader = await CarReader.fromBytes(new Uint8Array(await res.arrayBuffer()))
  const blocks = []
  for await (const block of reader.blocks()) blocks.push(block)
  return { roots: await reader.getRoots(), blocks }
}

async function everyBlockHashesToItsCid(car: Car): Promise<boolean> {
  for (const { cid, bytes } of car.blocks) {
    const digest = await sha256.digest(bytes)
    if (!Buffer.from(digest.digest).equals(Buffer.from(cid.multihash.digest))) return false
  }
  return true
}

// The strongest completeness check: a fresh node holding only the CAR's blocks can read the content.
async function readFromCar(car: Car, root: CID, path?: string): Promise<Uint8Array> {
  const blockstore = new MemoryBlockstore()
  for (const { cid, bytes } of car.blocks) await blockstore.put(cid, bytes)
  const chunks = []
  for await (const chunk of unixfs({ blockstore }).cat(root, { path })) chunks.push(chunk)
  return Buffer.concat(chunks)
}

describe('?format=car', () => {
  test('streams a CARv1 of the whole file DAG, root first, with trustless headers', async () => {
    const res = await node.get(`/ipfs/${bigCid}?format=car`)
    expect(res.headers.get('Content-Type')).toBe('application/vnd.ipld.car; version=1')
    expect(res.headers.get('Content-Disposition')).toBe(`attachment; filename="${bigCid}.car"`)
    expect(res.headers.get('ETag')).toBe(`"${bigCid}.car"`)
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(res.headers.get('Content-Length')).toBeNull()

    const car = await fetchCar(`/ipfs/${bigCid}?format=car`)
    expect(car.roots.map(String)).toEqual([bigCid.toString()])
    expect(car.blocks[0]?.cid.toString()).toBe(bigCid.toString())
    expect(car.blocks).toHaveLength(1 + 4) // root + 4 leaves of 256 KiB
    const links = dagPb.decode(car.blocks[0]?.bytes ?? new Uint8Array()).Links.map(link => link.Hash.toString())
    expect(car.blocks.slice(1).map(b => b.cid.toString())).toEqual(links) // depth-first, in link order
    expect(await everyBlockHashesToItsCid(car)).toBe(true)
    expect(Buffer.from(await readFromCar(car, bigCid)).equals(Buffer.from(big))).toBe(true)
  })

  test('carries a block that repeats in the DAG only once', async () => {
    const zeros = await node.addFile(new Uint8Array(3 * 262144))
    const car = await fetchCar(`/ipfs/${zeros}?format=car`)
    expect(car.blocks).toHaveLength(2) // the root and one all-zero leaf, linked three times
    expect((await readFromCar(car, zeros)).byteLength).toBe(3 * 262144)
  })

  test('holds every block of a directory tree, each once', async () => {
    const car = await fetchCar(`/ipfs/${dir}?format=car`)
    expect(car.roots.map(String)).toEqual([dir.toString()])
    const keys = car.blocks.map(b => b.cid.toString())
    expect(new Set(keys).size).toBe(keys.length)
    expect(await everyBlockHashesToItsCid(car)).toBe(true)
    expect(Buffer.from(await readFromCar(car, dir, 'sub/big.bin')).equals(Buffer.from(big))).toBe(true)
    expect(new TextDecoder().decode(await readFromCar(car, dir, 'a.txt'))).toBe('aaa\n')
  })

  test('for a path has the resolved CID as root and carries the blocks that prove the path', async () => {
    const sub = (await node.fs.stat(dir, { path: 'sub' })).cid
    const car = await fetchCar(`/ipfs/${dir}/sub/big.bin?format=car`)
    const target = (await node.fs.stat(dir, { path: 'sub/big.bin' })).cid
    expect(car.roots.map(String)).toEqual([target.toString()])
    expect(car.blocks.slice(0, 3).map(b => b.cid.toString())).toEqual([dir.toString(), sub.toString(), target.toString()])
    expect(await everyBlockHashesToItsCid(car)).toBe(true)
    expect(Buffer.from(await readFromCar(car, dir, 'sub/big.bin')).equals(Buffer.from(big))).toBe(true)
  })

  test('with dag-scope=block holds only the root block', async () => {
    const car = await fetchCar(`/ipfs/${bigCid}?format=car&dag-scope=block`)
    expect(car.blocks.map(b => b.cid.toString())).toEqual([bigCid.toString()])
  })

  test('with dag-scope=entity holds a directory block but not its children', async () => {
    const car = await fetchCar(`/ipfs/${dir}?format=car&dag-scope=entity`)
    expect(car.blocks.map(b => b.cid.toString())).toEqual([dir.toString()])
  })

  test('with dag-scope=entity holds a whole file', async () => {
    const car = await fetchCar(`/ipfs/${bigCid}?format=car&dag-scope=entity`)
    expect(car.blocks).toHaveLength(5)
  })

  test('rejects an unknown dag-scope with 400', async () => {
    expect((await node.get(`/ipfs/${bigCid}?format=car&dag-scope=some`)).status).toBe(400)
  })

  test('is chosen by Accept: application/vnd.ipld.car', async () => {
    const car = await fetchCar(`/ipfs/${bigCid}`, { headers: { Accept: 'application/vnd.ipld.car' } })
    expect(car.blocks).toHaveLength(5)
  })

  test('answers HEAD with headers only and 304 to its ETag', async () => {
    const head = await node.get(`/ipfs/${bigCid}?format=car`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('Content-Type')).toBe('application/vnd.ipld.car; version=1')
    expect(await head.text()).toBe('')
    const cached = await node.get(`/ipfs/${bigCid}?format=car`, { headers: { 'If-None-Match': `"${bigCid}.car"` } })
    expect(cached.status).toBe(304)
  })
})
