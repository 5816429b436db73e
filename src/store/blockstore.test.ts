import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as dagPb from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { SqliteBlockstore } from './blockstore.ts'
import { installMochaChai } from './mocha-chai-shim.ts'
import { openDatabase } from './sqlite.ts'

const root = mkdtempSync(join(tmpdir(), 'leither-blockstore-'))
afterAll(() => { rmSync(root, { recursive: true, force: true }) })

let files = 0
const freshPath = (): string => join(root, `blocks-${files++}.db`)

const collect = async (chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> => {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return Buffer.concat(parts)
}

// The suite reads mocha's globals and aegir/chai as it loads, so it is imported after the shim.
installMochaChai()
const { interfaceBlockstoreTests } = await import('interface-blockstore-tests')

describe('interface-blockstore compliance', () => {
  interfaceBlockstoreTests({
    setup: () => new SqliteBlockstore(freshPath()),
    teardown: (store) => { (store as SqliteBlockstore).close() }
  })
})

describe('SqliteBlockstore', () => {
  test('the CIDv0 and CIDv1 of the same bytes share one row', async () => {
    const store = new SqliteBlockstore(freshPath())
    const block = dagPb.encode({ Links: [], Data: new TextEncoder().encode('shared') })
    const digest = await sha256.digest(block)
    const v0 = CID.createV0(digest)
    const v1 = CID.createV1(dagPb.code, digest)

    await store.put(v0, block)
    expect(store.has(v1)).toBe(true)
    expect(await collect(store.get(v1))).toEqual(block)
    await store.put(v1, block)
    expect(store.size()).toEqual({ blocks: 1, bytes: block.byteLength })

    // The row keeps the CID it was first stored under.
    const listed = [...store.getAll()].map(pair => pair.cid.toString())
    expect(listed).toEqual([v0.toString()])
    store.close()
  })

  test('blocks survive closing and reopening the file', async () => {
    const path = freshPath()
    const block = new TextEncoder().encode('durable')
    const cid = CID.createV1(raw.code, await sha256.digest(block))
    const first = new SqliteBlockstore(path)
    await first.put(cid, block)
    first.close()

    const second = new SqliteBlockstore(path)
    expect(await collect(second.get(cid))).toEqual(block)
    second.close()
  })

  test('size counts blocks and their bytes, and deleting lowers it', async () => {
    const store = new SqliteBlockstore(freshPath())
    expect(store.size()).toEqual({ blocks: 0, bytes: 0 })
    const blocks = [new Uint8Array(10), new Uint8Array(100).fill(1), new Uint8Array(1000).fill(2)]
    const pairs = await Promise.all(blocks.map(async bytes => ({ cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes })))
    for await (const _ of store.putMany(pairs)) { /* drain */ }
    expect(store.size()).toEqual({ blocks: 3, bytes: 1110 })
    store.delete(pairs[1]?.cid as CID)
    expect(store.size()).toEqual({ blocks: 2, bytes: 1010 })
    store.close()
  })

  test('an empty block is stored and read back as zero bytes', async () => {
    const store = new SqliteBlockstore(freshPath())
    const cid = CID.createV1(raw.code, await sha256.digest(new Uint8Array(0)))
    await store.put(cid, new Uint8Array(0))
    const bytes = await collect(store.get(cid))
    expect(bytes).toBeInstanceOf(Uint8Array)
    expect(bytes.byteLength).toBe(0)
    store.close()
  })

  test('blocks given as chunks are stored joined', async () => {
    const store = new SqliteBlockstore(freshPath())
    const whole = new TextEncoder().encode('one two three')
    const cid = CID.createV1(raw.code, await sha256.digest(whole))
    async function * chunks (): AsyncGenerator<Uint8Array> {
      yield whole.subarray(0, 4)
      yield whole.subarray(4)
    }
    await store.put(cid, chunks())
    expect(await collect(store.get(cid))).toEqual(whole)
    store.close()
  })

  test('putMany writes more blocks than one batch holds', async () => {
    const store = new SqliteBlockstore(freshPath())
    const pairs = await Promise.all(Array.from({ length: 1500 }, async (_, i) => {
      const bytes = new TextEncoder().encode(`block ${i}`)
      return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
    }))
    let yielded = 0
    for await (const cid of store.putMany(pairs)) {
      expect(cid).toBe(pairs[yielded]?.cid as CID)
      yielded++
    }
    expect(yielded).toBe(1500)
    expect(store.size().blocks).toBe(1500)
    expect([...store.getAll()].length).toBe(1500)
    store.close()
  })

  test('a blocks file it creates uses 16 KiB pages', () => {
    const path = freshPath()
    new SqliteBlockstore(path).close()
    const db = openDatabase(path)
    expect(db.prepare('PRAGMA page_size').get()).toEqual({ page_size: 16384 })
    db.close()
  })

  test('a store on a shared database leaves it open when closed', async () => {
    const db = openDatabase(freshPath())
    const store = new SqliteBlockstore(db)
    store.close()
    expect(db.prepare('SELECT count(*) AS n FROM blocks').get()).toEqual({ n: 0 })
    db.close()
  })
})
