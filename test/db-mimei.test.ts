/**
 * Database MiMei across nodes: a provider follows a db MiMei's backups by
 * deltas (O(changes) bytes) and ends equal by digest; old versions open
 * read-only; `Leither db` runs commands like redis-cli.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Redis from 'ioredis'
import { type TestNode, lastVersion, startSwarm, stopSwarm, until } from './harness/node.ts'

let a: TestNode, b: TestNode, c: TestNode
let mid = ''


const repoBytes = async (n: TestNode) => ((await (await n.api('repo/stat')).json()) as any).RepoSize as number
const sumOf = async (n: TestNode, ver: string) => JSON.parse((await n.cli('mimei', 'sum', mid, ver, '--json')).stdout).Digest as string

beforeAll(async () => {
  ;[a, b, c] = await startSwarm(2, { MiMeiPollSeconds: 1 }) as [TestNode, TestNode, TestNode]
}, 60_000)

afterAll(async () => {
  await stopSwarm([a, b, c])
})

describe('a database MiMei', () => {
  test('is created with --type db and reached over RESP with SELECT <mid>', async () => {
    mid = JSON.parse((await a.cli('mimei', 'create', '--type', 'db', '--json')).stdout).MID
    expect(a.ports.resp).toBeGreaterThan(0)
    const redis = new Redis({ port: a.ports.resp!, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 })
    await redis.connect()
    try {
      expect(await redis.select(mid as any)).toBe('OK')
      const pipe = redis.pipeline()
      for (let i = 0; i < 10_000; i++) pipe.set(`key:${i}`, `value-${i}-${'x'.repeat(40)}`)
      pipe.hset('profile', 'name', 'leither', 'langs', '2')
      pipe.rpush('queue', 'a', 'b', 'c')
      pipe.zadd('board', 1, 'one', 2, 'two')
      await pipe.exec()
      expect(await redis.dbsize()).toBe(10_003)
      await redis.select(0 as any)
      expect(await redis.dbsize()).toBe(0)
    } finally {
      redis.disconnect()
    }
    const get = await a.cli('db', mid, 'GET', 'key:7')
    expect(get.stdout).toBe(`"value-7-${'x'.repeat(40)}"\n`)
    const range = await a.cli('db', mid, 'LRANGE', 'queue', '0', '-1')
    expect(range.stdout).toBe('1) "a"\n2) "b"\n3) "c"\n')
  }, 60_000)

  test('backs up, publishes, and providers follow by deltas: O(changes) bytes and equal digests', async () => {
    const first = await a.cli('mimei', 'backup', mid)
    expect(first.stdout).toStartWith('MiMeiBackup ver= 1')
    expect((await a.cli('mimei', 'publish', mid)).code).toBe(0)
    for (const n of [b, c]) expect((await n.cli('mimei', 'provide', mid)).code).toBe(0)
    for (const n of [b, c]) expect(await sumOf(n, '1')).toBe(await sumOf(a, '1'))
    expect(await sumOf(b, 'cur')).toBe(await sumOf(a, '1'))

    // 100 changes and 10 deletes, then a second backup
    const redis = new Redis({ port: a.ports.resp!, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 })
    await redis.connect()
    try {
      await redis.select(mid as any)
      for (let i = 0; i < 100; i++) await redis.set(`key:${i * 97}`, `changed-${i}`)
      await redis.del(...Array.from({ length: 10 }, (_, i) => `key:${5000 + i}`))
    } finally {
      redis.disconnect()
    }
    const before = await repoBytes(b)
    expect((await a.cli('mimei', 'backup', mid)).stdout).toStartWith('MiMeiBackup ver= 2')
    expect((await a.cli('mimei', 'publish', mid)).code).toBe(0)
    for (const n of [b, c]) await until('provider to follow version 2', async () => await lastVersion(n, mid) === 2)
    const transferred = await repoBytes(b) - before
    const full = await repoBytes(a)
    console.log(`db MiMei delta sync: provider stored ${transferred} bytes for 110 changes (a full copy is ~${Math.round(full / 1024)} KiB of blocks on the author)`)
    expect(transferred).toBeLessThan(64 * 1024)
    const digest = await sumOf(a, '2')
    for (const n of [b, c]) expect(await sumOf(n, 'cur')).toBe(digest)
    expect((await b.cli('db', mid, 'GET', 'key:97')).stdout).toBe('"changed-1"\n')
    expect((await b.cli('db', mid, 'EXISTS', 'key:5003')).stdout).toBe('(integer) 0\n')
  }, 120_000)

  test('an old version opens read-only as <mid>@<ver>; providers refuse writes', async () => {
    expect((await b.cli('db', `${mid}@1`, 'GET', 'key:97')).stdout).toBe(`"value-97-${'x'.repeat(40)}"\n`)
    const write = await b.cli('db', mid, 'SET', 'x', 'y')
    expect(write.stdout).toContain('READONLY')
    const oldWrite = await a.cli('db', `${mid}@1`, 'SET', 'x', 'y')
    expect(oldWrite.stdout).toContain('READONLY')
  }, 60_000)
})
