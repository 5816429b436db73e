/**
 * The Redis protocol server with the real engine (SQLite keyspaces in a temp
 * dir) and real clients: redis-cli (Debian redis-tools, RESP2 and -3) and
 * ioredis (RESP3 by default, RESP2 on request). Only 127.0.0.1; every wait
 * bounded.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { Keyspace } from '../src/db/keyspace.ts'
import { RespServer, type RespServerOptions } from '../src/db/server.ts'
import { frame, haveTool, RawClient, redisCli } from './harness/redis.ts'

const dir = mkdtempSync(join(tmpdir(), 'leither-resp-'))
const keyspaces = new Map<string, Keyspace>()
const MID = 'Z'.repeat(27)

/** Like the node's databases: "0", a MiMei ID, or <mid>@<ver> read-only. */
async function open(name: string): Promise<Keyspace> {
  const at = name.indexOf('@')
  const base = at < 0 ? name : name.slice(0, at)
  if (base !== '0' && !/^[A-Za-z0-9_-]{27}$/.test(base)) throw new Error(`no database "${name}": use 0, a db MiMei ID, or <mid>@<version>`)
  let ks = keyspaces.get(name)
  if (ks == null) {
    if (at >= 0) keyspaces.get(base) ?? await open(base) // the version's file must exist first
    ks = Keyspace.open(join(dir, `${base}.db`), { readonly: at >= 0 })
    keyspaces.set(name, ks)
  }
  return ks
}

const servers: RespServer[] = []
async function start(opts: Partial<RespServerOptions> = {}): Promise<RespServer> {
  const s = new RespServer({ bind: '127.0.0.1', port: 0, maxClients: 1000, maxBulkBytes: 32 * 1024 * 1024, open, version: 'test', ...opts })
  await s.start()
  servers.push(s)
  return s
}

let server: RespServer
const ioClients: Redis[] = []
const raws: RawClient[] = []

function io(opts: Record<string, unknown> = {}): Redis {
  const r = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: false, maxRetriesPerRequest: 1, retryStrategy: () => null, ...opts })
  r.on('error', () => {})
  ioClients.push(r)
  return r
}

async function raw(port = server.port): Promise<RawClient> {
  const c = await RawClient.connect(port)
  raws.push(c)
  return c
}

beforeAll(async () => {
  server = await start()
})

afterEach(() => {
  for (const r of ioClients.splice(0)) r.disconnect()
  for (const c of raws.splice(0)) c.close()
})

afterAll(async () => {
  for (const s of servers) await s.stop()
  for (const ks of keyspaces.values()) ks.close()
  rmSync(dir, { recursive: true, force: true })
})

const cliTest = haveTool('redis-cli') ? test : test.skip

describe('redis-cli against the node', () => {
  cliTest('runs connection and server commands', async () => {
    const cli = (args: string[], opts = {}) => redisCli(server.port, ['--no-raw', ...args], opts)
    expect((await cli(['PING'])).stdout).toBe('PONG\n')
    expect((await cli(['ECHO', 'hello world'])).stdout).toBe('"hello world"\n')
    expect((await cli(['SELECT', '1'])).stdout).toBe('(error) ERR DB index is out of range\n')
    expect((await cli(['COMMAND', 'COUNT'])).stdout).toMatch(/^\(integer\) \d{3}\n$/)
    expect((await cli(['INFO', 'server'])).stdout).toContain('redis_version:7.0.0')
    expect((await cli(['CLIENT', 'ID'])).stdout).toMatch(/^\(integer\) \d+\n$/)
    expect((await cli(['nosuch', 'a'])).stdout).toBe("(error) ERR unknown command 'nosuch', with args beginning with: 'a' \n")
    await cli(['SET', 'cli:a', '1'])
    expect((await cli(['DBSIZE'])).stdout).toMatch(/^\(integer\) [1-9]\d*\n$/)
  })

  cliTest('speaks RESP3 with -3: maps, doubles and nulls', async () => {
    const cli = (args: string[]) => redisCli(server.port, ['--no-raw', ...args], { resp3: true })
    await cli(['HSET', 'cli:h', 'f', 'v'])
    expect((await cli(['HGETALL', 'cli:h'])).stdout).toBe('1# "f" => "v"\n')
    await cli(['ZADD', 'cli:z', '1.5', 'a'])
    expect((await cli(['ZSCORE', 'cli:z', 'a'])).stdout).toBe('(double) 1.5\n')
    expect((await cli(['GET', 'cli:nokey'])).stdout).toBe('(nil)\n')
    expect((await cli(['CLIENT', 'INFO'])).stdout).toContain('resp=3')
  })

  cliTest('reads commands from stdin, switches databases and reads old versions read-only', async () => {
    const out = await redisCli(server.port, [], { input: `SELECT ${MID}\nSET v1 hello\nGET v1\nSELECT ${MID}@1\nGET v1\nSET v1 no\n` })
    expect(out.stdout.split('\n').slice(0, 6)).toEqual(['OK', 'OK', 'hello', 'OK', 'hello', "READONLY You can't write against a read only replica."])
    expect((await redisCli(server.port, [], { input: 'SELECT 0\nGET v1\n' })).stdout).toBe('OK\n\n')
    const bad = await redisCli(server.port, ['--no-raw', 'SELECT', 'not-a-db'])
    expect(bad.stdout).toBe('(error) ERR no database "not-a-db": use 0, a db MiMei ID, or <mid>@<version>\n')
  })
})

describe('ioredis against the node', () => {
  test('handshakes in RESP3 and RESP2 (HELLO, INFO ready check, CLIENT)', async () => {
    for (const protocol of [3, 2]) {
      const r = io({ protocol, connectionName: `io${protocol}` })
      expect(await r.ping()).toBe('PONG')
      expect(await r.client('GETNAME')).toBe(`io${protocol}`)
      const hello = await r.call('HELLO', String(protocol)) as unknown
      expect(JSON.stringify(hello)).toContain('standalone')
      expect(await r.info('keyspace')).toContain('# Keyspace')
    }
  })

  test('runs a sample of every data family', async () => {
    const r = io()
    // strings
    expect(await r.set('s:a', '10')).toBe('OK')
    expect(await r.incrby('s:a', 5)).toBe(15)
    expect(await r.append('s:a', 'x')).toBe(3)
    expect(await r.mset('s:b', '1', 's:c', '2')).toBe('OK')
    expect(await r.mget('s:a', 's:b', 's:nope')).toEqual(['15x', '1', null])
    expect(await r.incrbyfloat('s:f', '1.5')).toBe('1.5')
    // keys and expiry
    expect(await r.set('k:tmp', 'v', 'PX', '100')).toBe('OK')
    expect(await r.pttl('k:tmp')).toBeGreaterThan(0)
    expect(await r.type('s:a')).toBe('string')
    expect(await r.rename('s:b', 's:b2')).toBe('OK')
    expect(await r.exists('s:b', 's:b2')).toBe(1)
    await new Promise(res => setTimeout(res, 150))
    expect(await r.get('k:tmp')).toBeNull()
    const [, keys] = await r.scan('0', 'MATCH', 's:*', 'COUNT', 100)
    expect(keys.sort()).toEqual(['s:a', 's:b2', 's:c', 's:f'])
    // hashes
    expect(await r.hset('h:1', 'a', '1', 'b', '2')).toBe(2)
    expect(await r.hincrby('h:1', 'a', 10)).toBe(11)
    expect(await r.hgetall('h:1')).toEqual({ a: '11', b: '2' })
    // lists
    expect(await r.rpush('l:1', 'a', 'b', 'c')).toBe(3)
    expect(await r.lpop('l:1')).toBe('a')
    expect(await r.lrange('l:1', 0, -1)).toEqual(['b', 'c'])
    // sets
    expect(await r.sadd('t:1', 'x', 'y', 'z')).toBe(3)
    expect(await r.sadd('t:2', 'y', 'z', 'w')).toBe(3)
    expect((await r.sinter('t:1', 't:2')).sort()).toEqual(['y', 'z'])
    expect(await r.scard('t:1')).toBe(3)
    // sorted sets
    expect(await r.zadd('z:1', 1, 'one', 2, 'two', 3, 'three')).toBe(3)
    expect(await io({ protocol: 2 }).zrange('z:1', 0, '-1', 'WITHSCORES')).toEqual(['one', '1', 'two', '2', 'three', '3'])
    expect(Number(await r.zincrby('z:1', 0.5, 'one'))).toBe(1.5)
    expect(await r.zrangebyscore('z:1', '(1.5', '+inf')).toEqual(['two', 'three'])
    // wrong type
    await expect(r.lpush('s:a', 'x')).rejects.toThrow('WRONGTYPE')
  })

  test('MULTI/EXEC runs atomically and a WATCH conflict from another client aborts it', async () => {
    const a = io()
    const b = io()
    expect(await a.multi().set('tx:1', 'a').incr('tx:n').get('tx:1').exec()).toEqual([[null, 'OK'], [null, 1], [null, 'a']])
    await a.watch('tx:w')
    await b.set('tx:w', 'changed')
    expect(await a.multi().set('tx:w', 'mine').exec()).toBeNull()
    expect(await a.get('tx:w')).toBe('changed')
  })

  test('a command refused while queueing aborts EXEC with EXECABORT', async () => {
    const c = await raw()
    c.send('MULTI\r\n' + frame('SET', 'tx:x', '1') + frame('NOSUCH') + 'EXEC\r\n' + frame('GET', 'tx:x'))
    const r = await c.until(t => t.endsWith('$-1\r\n'), 3000)
    expect(r).toBe("+OK\r\n+QUEUED\r\n-ERR unknown command 'NOSUCH', with args beginning with: \r\n-EXECABORT Transaction discarded because of previous errors.\r\n$-1\r\n")
  })

  test('BLPOP is woken by an LPUSH from another client, and times out with null', async () => {
    const waiter = io()
    const pusher = io()
    const popped = waiter.blpop('q:jobs', 5)
    await new Promise(res => setTimeout(res, 100))
    expect(await pusher.lpush('q:jobs', 'job-1')).toBe(1)
    expect(await popped).toEqual(['q:jobs', 'job-1'])
    const t0 = Date.now()
    expect(await waiter.blpop('q:none', 0.2)).toBeNull()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150)
  })

  test('pub/sub with SUBSCRIBE and PSUBSCRIBE, in RESP2 and RESP3', async () => {
    for (const protocol of [2, 3]) {
      const sub = io({ protocol })
      const pub = io({ protocol })
      const got: string[] = []
      const [ch, pat, other] = [`n${protocol}ews`, `n${protocol}*`, `n${protocol}est`]
      sub.on('message', (c: string, msg: string) => got.push(`message ${c} ${msg}`))
      sub.on('pmessage', (p: string, c: string, msg: string) => got.push(`pmessage ${p} ${c} ${msg}`))
      await sub.subscribe(ch)
      await sub.psubscribe(pat)
      expect(await pub.publish(ch, 'hi')).toBe(2)
      expect(await pub.publish(other, 'only-pattern')).toBe(1)
      for (let i = 0; i < 100 && got.length < 3; i++) await new Promise(res => setTimeout(res, 10))
      expect(got.sort()).toEqual([`message ${ch} hi`, `pmessage ${pat} ${other} only-pattern`, `pmessage ${pat} ${ch} hi`])
      expect(await pub.pubsub('NUMSUB', ch)).toEqual([ch, 1])
    }
  })

  test('a 20 MiB value goes in and comes back intact', async () => {
    const r = io()
    const value = Buffer.alloc(20 * 1024 * 1024)
    for (let i = 0; i < value.length; i += 4096) value[i] = i % 251
    expect(await r.set('big', value)).toBe('OK')
    const back = await r.getBuffer('big')
    expect(back?.length).toBe(value.length)
    expect(back!.equals(value)).toBe(true)
    expect(await r.strlen('big')).toBe(value.length)
    await r.del('big')
  })
})

describe('the server under load and bad input', () => {
  test('10k pipelined commands sent in one write get 10k replies in order', async () => {
    const c = await raw()
    const parts: string[] = []
    for (let i = 0; i < 10_000; i++) parts.push(i % 2 === 0 ? frame('INCR', 'pipe:n') : frame('GET', 'pipe:n'))
    c.send(parts.join(''))
    const text = await c.until(t => t.split('\r\n').length > 10_000 + 5_000, 30_000)
    const lines = text.split('\r\n')
    expect(lines[0]).toBe(':1')
    expect(lines.includes(':5000')).toBe(true)
    expect(lines.at(-3)).toBe('$4')
    expect(lines.at(-2)).toBe('5000')
  })

  test('frames sent byte by byte are understood', async () => {
    const c = await raw()
    for (const ch of frame('SET', 'bb', 'slow') + frame('GET', 'bb')) {
      c.send(ch)
      await new Promise(r => setTimeout(r, 1))
    }
    expect(await c.until(t => t.endsWith('slow\r\n'), 5000)).toBe('+OK\r\n$4\r\nslow\r\n')
  })

  test('an oversized bulk string is refused, its connection closed, and others keep being served', async () => {
    const bystander = io()
    await bystander.set('still', 'here')
    const c = await raw()
    c.send(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${64 * 1024 * 1024}\r\n`)
    expect(await c.until(() => false, 3000)).toBe('-ERR Protocol error: invalid bulk length\r\n')
    expect(c.closed).toBe(true)
    expect(await bystander.get('still')).toBe('here')
  })

  test('random bytes from 50 connections never crash the server', async () => {
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff)
    const conns = await Promise.all(Array.from({ length: 50 }, () => raw()))
    for (let round = 0; round < 20; round++) {
      for (const c of conns) {
        const junk = Buffer.alloc(1 + (rand() % 300))
        for (let i = 0; i < junk.length; i++) junk[i] = round % 3 === 0 ? '*$\r\n0123456789-:+ "'.charCodeAt(rand() % 18) : rand() % 256
        if (!c.closed) c.send(junk)
      }
      await new Promise(r => setTimeout(r, 5))
    }
    await new Promise(r => setTimeout(r, 200))
    const fresh = io()
    expect(await fresh.ping()).toBe('PONG')
    expect(await fresh.set('after:junk', '1')).toBe('OK')
  })

  test('connections beyond maxClients are refused with Redis\'s error', async () => {
    const small = await start({ maxClients: 3 })
    const held = await Promise.all([raw(small.port), raw(small.port), raw(small.port)])
    for (const c of held) expect(await c.call('PING\r\n')).toBe('+PONG\r\n')
    const extra = await raw(small.port)
    expect(await extra.until(() => false, 3000)).toBe('-ERR max number of clients reached\r\n')
    held[0]!.close()
    await held[0]!.closedPromise
    await new Promise(r => setTimeout(r, 50))
    const again = await raw(small.port)
    expect(await again.call('PING\r\n')).toBe('+PONG\r\n')
    await small.stop()
  })

  test('a password is required when configured (AUTH and HELLO AUTH)', async () => {
    const secured = await start({ password: 'pw' })
    const denied = new Redis({ host: '127.0.0.1', port: secured.port, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true, enableReadyCheck: false, protocol: 2 })
    denied.on('error', () => {})
    ioClients.push(denied)
    await denied.connect()
    await expect(denied.get('x')).rejects.toThrow('NOAUTH')
    const ok = new Redis({ host: '127.0.0.1', port: secured.port, password: 'pw', retryStrategy: () => null })
    ok.on('error', () => {})
    ioClients.push(ok)
    expect(await ok.ping()).toBe('PONG')
    await secured.stop()
  })
})
