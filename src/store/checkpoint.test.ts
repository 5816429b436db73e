import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { SqliteBlockstore } from './blockstore.ts'
import { WalCheckpointer } from './checkpoint.ts'
import { openDatabase } from './sqlite.ts'

const root = mkdtempSync(join(tmpdir(), 'leither-checkpoint-'))
afterAll(() => { rmSync(root, { recursive: true, force: true }) })

let files = 0
const freshPath = (): string => join(root, `blocks-${files++}.db`)
const KiB = 1024
const sizeOf = (path: string): number => existsSync(path) ? statSync(path).size : 0
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function block (seed: number, size = 64 * KiB): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = new Uint8Array(size).fill(seed % 251)
  bytes[0] = seed & 0xff
  bytes[1] = seed >> 8
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

const pragma = (db: ReturnType<typeof openDatabase>, name: string): unknown =>
  Object.values(db.prepare(`PRAGMA ${name}`).get() ?? {})[0]

describe('WalCheckpointer', () => {
  test('turns the connection\'s inline auto-checkpoint off and limits the restarted WAL', () => {
    const db = openDatabase(freshPath())
    const checkpointer = new WalCheckpointer(db, { journalSizeLimitBytes: 1024 * KiB })
    expect(pragma(db, 'wal_autocheckpoint')).toBe(0)
    expect(pragma(db, 'journal_size_limit')).toBe(1024 * KiB)
    checkpointer.close()
    db.close()
  })
})

describe('SqliteBlockstore checkpoints', () => {
  test('writes stay in the WAL until they go quiet, then a checkpoint moves them into the file', async () => {
    const path = freshPath()
    const store = new SqliteBlockstore(path, { checkpoint: { idleMs: 50 } })
    const before = sizeOf(path)
    for (let i = 0; i < 16; i++) {
      const { cid, bytes } = await block(i)
      await store.put(cid, bytes)
    }
    // 1 MiB written, all of it still in the WAL; then nothing for longer than idleMs.
    expect(sizeOf(path)).toBe(before)
    expect(sizeOf(`${path}-wal`)).toBeGreaterThan(16 * 64 * KiB)
    await sleep(300)
    expect(sizeOf(path)).toBeGreaterThan(16 * 64 * KiB)
    store.close()
  })

  test('a WAL past its limit is checkpointed by the write that finds it, so it stays bounded', async () => {
    const path = freshPath()
    const limit = 512 * KiB
    const store = new SqliteBlockstore(path, { checkpoint: { idleMs: 60_000, walLimitBytes: limit, journalSizeLimitBytes: 128 * KiB } })
    let largest = 0
    for (let i = 0; i < 64; i++) {
      const { cid, bytes } = await block(i)
      await store.put(cid, bytes)
      largest = Math.max(largest, sizeOf(`${path}-wal`))
    }
    // 4 MiB written; the WAL never holds much more than the limit and a check interval.
    expect(largest).toBeLessThan(2 * limit)
    expect(sizeOf(path)).toBeGreaterThan(2 * limit)
    store.close()
  })

  test('putMany and deletes count as writes too', async () => {
    const path = freshPath()
    const store = new SqliteBlockstore(path, { checkpoint: { idleMs: 60_000, walLimitBytes: 512 * KiB, journalSizeLimitBytes: 128 * KiB } })
    const blocks = await Promise.all(Array.from({ length: 64 }, (_, i) => block(i)))
    for (let i = 0; i < blocks.length; i += 8) {
      for await (const _ of store.putMany(blocks.slice(i, i + 8))) { /* stored */ }
    }
    expect(sizeOf(`${path}-wal`)).toBeLessThan(2 * 512 * KiB)
    for await (const _ of store.deleteMany(blocks.map(b => b.cid))) { /* deleted */ }
    expect(store.size().blocks).toBe(0)
    store.close()
  })

  test('close checkpoints the whole WAL, and the blocks are in the file', async () => {
    const path = freshPath()
    const store = new SqliteBlockstore(path, { checkpoint: { idleMs: 60_000 } })
    const { cid, bytes } = await block(1)
    await store.put(cid, bytes)
    store.close()
    expect(sizeOf(`${path}-wal`)).toBe(0)
    const again = new SqliteBlockstore(path)
    expect(again.has(cid)).toBe(true)
    again.close()
  })

  test('a block acknowledged before the process is killed is there after reopening', async () => {
    const path = freshPath()
    const script = `
      const { SqliteBlockstore } = await import(${JSON.stringify(join(import.meta.dir, 'blockstore.ts'))})
      const { CID } = await import('multiformats/cid')
      const { sha256 } = await import('multiformats/hashes/sha2')
      const store = new SqliteBlockstore(${JSON.stringify(path)}, { checkpoint: { idleMs: 60_000 } })
      for (let i = 0; i < 8; i++) {
        const bytes = new Uint8Array(256 * 1024).fill(i)
        await store.put(CID.createV1(0x55, await sha256.digest(bytes)), bytes)
      }
      process.kill(process.pid, 'SIGKILL')
    `
    const child = Bun.spawnSync([process.execPath, '-e', script], { cwd: import.meta.dir, stderr: 'pipe' })
    expect(child.signalCode).toBe('SIGKILL')
    // Nothing was checkpointed: every block is only in the WAL, which opening replays.
    expect(sizeOf(`${path}-wal`)).toBeGreaterThan(8 * 256 * KiB)
    const store = new SqliteBlockstore(path)
    expect(store.size().blocks).toBe(8)
    for (let i = 0; i < 8; i++) {
      const bytes = new Uint8Array(256 * 1024).fill(i)
      expect(store.has(CID.createV1(raw.code, await sha256.digest(bytes)))).toBe(true)
    }
    store.close()
  })

  test('a store on a shared connection leaves its checkpoint settings alone', () => {
    const db = openDatabase(freshPath())
    const store = new SqliteBlockstore(db)
    expect(pragma(db, 'wal_autocheckpoint')).toBe(1000)
    store.close()
    db.close()
  })
})
