/**
 * The RESP server against an in-memory fake keyspace, over real TCP with
 * exact bytes: connection commands, auth, transactions, group commit,
 * blocking pops, pub/sub, limits and malformed input. test/resp.test.ts
 * covers the same server with the real engine and real Redis clients.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { FakeKeyspace } from '../../test/harness/redis-fake-keyspace.ts'
import { frame, RawClient } from '../../test/harness/redis.ts'
import { RespServer } from './server.ts'

type Server = RespServer

const dbs = new Map<string, FakeKeyspace>()
const opened: string[] = []
const clients: RawClient[] = []

function openFake(name: string): Promise<FakeKeyspace> {
  opened.push(name)
  if (name.startsWith('bad')) return Promise.reject(new Error(`no database "${name}"`))
  let ks = dbs.get(name)
  if (ks == null) dbs.set(name, ks = new FakeKeyspace(name, name.includes('@')))
  return Promise.resolve(ks)
}

async function startServer(extra: Partial<ConstructorParameters<typeof RespServer>[0]> = {}): Promise<Server> {
  const srv = new RespServer({ bind: '127.0.0.1', port: 0, maxClients: 100, maxBulkBytes: 1024 * 1024, open: openFake as any, sweepIntervalMs: 0, ...extra })
  await srv.start()
  return srv
}

async function connect(srv: Server): Promise<RawClient> {
  const c = await RawClient.connect(srv.port)
  clients.push(c)
  return c
}

let server: Server
const db0 = () => dbs.get('0')!

beforeAll(async () => { server = await startServer() })
afterAll(async () => { await server.stop() })
afterEach(() => {
  for (const c of clients.splice(0)) c.close()
})

describe('RespServer connection commands', () => {
  test('answers PING and ECHO sent inline and as arrays', async () => {
    const c = await connect(server)
    expect(await c.call('PING\r\n')).toBe('+PONG\r\n')
    expect(await c.call(frame('PING', 'hi'))).toBe('$2\r\nhi\r\n')
    expect(await c.call(frame('echo', 'a b'))).toBe('$3\r\na b\r\n')
    expect(await c.call('PING a b\r\n')).toBe("-ERR wrong number of arguments for 'ping' command\r\n")
  })

  test('names unknown commands and wrong arity with Redis\'s exact texts', async () => {
    const c = await connect(server)
    expect(await c.call('foo a b\r\n')).toBe("-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n")
    expect(await c.call('FOO\r\n')).toBe("-ERR unknown command 'FOO', with args beginning with: \r\n")
    expect(await c.call(frame('foo', '\n'))).toBe("-ERR unknown command 'foo', with args beginning with: ' ' \r\n")
    expect(await c.call(frame('GET'))).toBe("-ERR wrong number of arguments for 'get' command\r\n")
    expect(await c.call('ECHO\r\n')).toBe("-ERR wrong number of arguments for 'echo' command\r\n")
  })

  test('runs data commands on the default database', async () => {
    const c = await connect(server)
    expect(await c.call(frame('SET', 'k', 'v'))).toBe('+OK\r\n')
    expect(await c.call(frame('GET', 'k'))).toBe('$1\r\nv\r\n')
    expect(await c.call(frame('GET', 'missing'))).toBe('$-1\r\n')
  })

  test('HELLO 3 switches to RESP3 and answers the server map', async () => {
    const c = await connect(server)
    const r = await c.call('HELLO 3\r\n', '*0\r\n')
    expect(r).toStartWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.0.0\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:')
    expect(r).toEndWith('$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n')
    expect(await c.call(frame('GET', 'missing'))).toBe('_\r\n')
    expect(await c.call('HELLO 4\r\n')).toBe('-NOPROTO unsupported protocol version\r\n')
    expect(await c.call('HELLO x\r\n')).toBe('-ERR Protocol version is not an integer or out of range\r\n')
    expect(await c.call('HELLO 2\r\n', '*0\r\n')).toStartWith('*14\r\n')
  })

  test('SELECT opens named databases through open(), refuses other numbers and reports open errors', async () => {
    const c = await connect(server)
    expect(await c.call('SELECT 1\r\n')).toBe('-ERR DB index is out of range\r\n')
    c.send(frame('SELECT', 'mydb') + frame('SET', 'x', '1') + frame('GET', 'x'))
    expect(await c.until(t => t.split('\r\n').length >= 4)).toBe('+OK\r\n+OK\r\n$1\r\n1\r\n')
    expect(opened).toContain('mydb')
    expect(dbs.get('mydb')!.data.get('x')).toBe('1')
    expect(db0().data.has('x')).toBe(false)
    expect(await c.call('SELECT badname\r\n')).toBe('-ERR no database "badname"\r\n')
    expect(await c.call(frame('GET', 'x'))).toBe('$1\r\n1\r\n') // still on mydb
    expect(await c.call('SELECT 0\r\n')).toBe('+OK\r\n')
    expect(await c.call(frame('GET', 'x'))).toBe('$-1\r\n')
  })

  test('CLIENT SETNAME/GETNAME/ID/INFO/LIST and unknown subcommands', async () => {
    const c = await connect(server)
    expect(await c.call('CLIENT SETNAME worker-1\r\n')).toBe('+OK\r\n')
    expect(await c.call('CLIENT GETNAME\r\n')).toBe('$8\r\nworker-1\r\n')
    expect(await c.call('CLIENT SETNAME "a b"\r\n')).toBe('-ERR Client names cannot contain spaces, newlines or special characters.\r\n')
    expect(await c.call('CLIENT ID\r\n')).toMatch(/^:\d+\r\n$/)
    expect(await c.call('CLIENT LIST\r\n', '\n\r\n')).toContain('name=worker-1')
    expect(await c.call('CLIENT INFO\r\n', '\n\r\n')).toMatch(/id=\d+ addr=127\.0\.0\.1:\d+ .*cmd=client\|info .*resp=2/)
    expect(await c.call('CLIENT FOO\r\n')).toBe("-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n")
  })

  test('INFO, COMMAND COUNT/INFO/DOCS and CONFIG GET answer in Redis\'s shapes', async () => {
    const c = await connect(server)
    const info = await c.call('INFO\r\n', 'avg_ttl=0\r\n\r\n', 1000)
    for (const section of ['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Keyspace']) expect(info).toContain(section)
    expect(info).toContain('redis_version:7.0.0')
    expect(await c.call('COMMAND COUNT\r\n')).toMatch(/^:\d+\r\n$/)
    const get = await c.call('COMMAND INFO get nosuch\r\n', '$-1\r\n')
    expect(get).toStartWith('*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n')
    expect(await c.call('COMMAND DOCS ping\r\n', 'connection\r\n')).toContain('summary')
    expect(await c.call('CONFIG GET save\r\n')).toBe('*2\r\n$4\r\nsave\r\n$0\r\n\r\n')
    expect(await c.call('CONFIG GET nosuch\r\n')).toBe('*0\r\n')
  })

  test('QUIT answers OK and closes; RESET returns the connection to its first state', async () => {
    const c = await connect(server)
    expect(await c.call('HELLO 3\r\n', '*0\r\n')).toStartWith('%7')
    expect(await c.call('MULTI\r\n')).toBe('+OK\r\n')
    expect(await c.call('RESET\r\n')).toBe('+RESET\r\n')
    expect(await c.call(frame('GET', 'missing'))).toBe('$-1\r\n') // RESP2 again, not in MULTI
    c.send('QUIT\r\nPING\r\n')
    expect(await c.until(() => false, 2000)).toBe('+OK\r\n')
    expect(c.closed).toBe(true)
  })
})

describe('RespServer authentication', () => {
  let secured: Server
  beforeAll(async () => { secured = await startServer({ password: 's3cret' }) })
  afterAll(async () => { await secured.stop() })

  test('refuses commands before AUTH, with unknown commands and arity checked first', async () => {
    const c = await connect(secured)
    expect(await c.call('PING\r\n')).toBe('-NOAUTH Authentication required.\r\n')
    expect(await c.call('FOO\r\n')).toBe("-ERR unknown command 'FOO', with args beginning with: \r\n")
    expect(await c.call('HELLO 3\r\n')).toStartWith('-NOAUTH HELLO must be called with the client already authenticated')
    expect(await c.call('AUTH wrong\r\n')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n')
    expect(await c.call('AUTH other s3cret\r\n')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n')
    expect(await c.call('AUTH s3cret\r\n')).toBe('+OK\r\n')
    expect(await c.call('PING\r\n')).toBe('+PONG\r\n')
    expect(await c.call('RESET\r\n')).toBe('+RESET\r\n')
    expect(await c.call('PING\r\n')).toBe('-NOAUTH Authentication required.\r\n')
  })

  test('refuses big bulk strings before AUTH, as Redis does, but not after an AUTH in the same pipeline', async () => {
    const big = 'x'.repeat(20_000)
    const c = await connect(secured)
    c.send(frame('AUTH', 's3cret') + frame('ECHO', big))
    expect(await c.read(5 + 8 + 20_000 + 2, 3000)).toBe(`+OK\r\n$20000\r\n${big}\r\n`)
    const d = await connect(secured)
    d.send(frame('ECHO', big))
    expect(await d.until(() => false, 2000)).toBe('-ERR Protocol error: unauthenticated bulk length\r\n')
    expect(d.closed).toBe(true)
  })

  test('HELLO AUTH authenticates and switches protocol at once', async () => {
    const c = await connect(secured)
    expect(await c.call('HELLO 3 AUTH default s3cret SETNAME me\r\n', '*0\r\n')).toStartWith('%7\r\n')
    expect(await c.call('CLIENT GETNAME\r\n')).toBe('$2\r\nme\r\n')
  })

  test('AUTH without a configured password gives Redis\'s error', async () => {
    const c = await connect(server)
    expect(await c.call('AUTH x\r\n')).toBe('-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n')
    expect(await c.call('AUTH default anything\r\n')).toBe('+OK\r\n')
  })
})

describe('RespServer transactions', () => {
  test('MULTI queues, EXEC runs them all and answers an array', async () => {
    const c = await connect(server)
    c.send('MULTI\r\n' + frame('SET', 'tx', '1') + frame('INCR', 'tx') + frame('GET', 'tx') + 'EXEC\r\n')
    expect(await c.until(t => t.includes('*3'), 2000)).toBe('+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n')
  })

  test('errors while queueing abort EXEC with EXECABORT', async () => {
    const c = await connect(server)
    c.send('MULTI\r\nMULTI\r\nWATCH a\r\nSET a\r\nFOO\r\nEXEC\r\nEXEC\r\nDISCARD\r\n')
    const r = await c.until(t => t.includes('DISCARD without'), 2000)
    expect(r).toBe([
      '+OK', '-ERR MULTI calls can not be nested', '-ERR WATCH inside MULTI is not allowed',
      "-ERR wrong number of arguments for 'set' command", "-ERR unknown command 'FOO', with args beginning with: ",
      '-EXECABORT Transaction discarded because of previous errors.', '-ERR EXEC without MULTI', '-ERR DISCARD without MULTI', '',
    ].join('\r\n'))
  })

  test('EXEC answers a null array when a WATCHed key changed', async () => {
    const a = await connect(server)
    const b = await connect(server)
    expect(await a.call('WATCH w\r\n')).toBe('+OK\r\n')
    expect(await b.call(frame('SET', 'w', 'other'))).toBe('+OK\r\n')
    a.send('MULTI\r\n' + frame('SET', 'w', 'mine') + 'EXEC\r\n')
    expect(await a.until(t => t.includes('*-1'), 2000)).toBe('+OK\r\n+QUEUED\r\n*-1\r\n')
    expect(db0().data.get('w')).toBe('other')
    // unwatched after EXEC: the next transaction goes through
    a.send('MULTI\r\n' + frame('SET', 'w', 'mine') + 'EXEC\r\n')
    expect(await a.until(t => t.includes('*1'), 2000)).toBe('+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n')
  })
})

describe('RespServer group commit', () => {
  test('runs the commands of many clients that arrive together in one transaction', async () => {
    const cs = await Promise.all(Array.from({ length: 20 }, () => connect(server)))
    const before = db0().commits
    const payload = Array.from({ length: 50 }, (_, i) => frame('SET', `g${i}`, 'v')).join('')
    for (const c of cs) c.send(payload)
    const replies = await Promise.all(cs.map(c => c.until(t => t.length >= 50 * 5, 5000)))
    for (const r of replies) expect(r).toBe('+OK\r\n'.repeat(50))
    const commits = db0().commits - before
    expect(commits).toBeGreaterThan(0)
    expect(commits).toBeLessThan(20 * 50)
    expect(db0().inTx).toBe(false)
  })

  test('a failed commit takes back the batch\'s replies and closes the connection', async () => {
    const c = await connect(server)
    expect(await c.call('PING\r\n')).toBe('+PONG\r\n')
    db0().failNextCommit = true
    c.send(frame('SET', 'lost', '1'))
    const r = await c.until(() => false, 2000)
    expect(r).toBe('-ERR commit failed: disk I/O error\r\n')
    expect(c.closed).toBe(true)
  })
})

describe('RespServer blocking commands', () => {
  test('BLPOP waits until another client pushes, and the pipeline behind it waits too', async () => {
    const a = await connect(server)
    const b = await connect(server)
    a.send(frame('BLPOP', 'q1', '0') + 'PING\r\n')
    expect(await a.quiet(100)).toBe('')
    expect(await b.call(frame('LPUSH', 'q1', 'job'))).toBe(':1\r\n')
    expect(await a.until(t => t.endsWith('+PONG\r\n'), 2000)).toBe('*2\r\n$2\r\nq1\r\n$3\r\njob\r\n+PONG\r\n')
  })

  test('the first client blocked is served first', async () => {
    const first = await connect(server)
    const second = await connect(server)
    first.send(frame('BLPOP', 'q2', '0'))
    await first.quiet(50)
    second.send(frame('BLPOP', 'q2', '0'))
    await second.quiet(50)
    const p = await connect(server)
    p.send(frame('RPUSH', 'q2', 'one'))
    expect(await first.until(t => t.includes('one'), 2000)).toContain('one')
    expect(await second.quiet(100)).toBe('')
    p.send(frame('RPUSH', 'q2', 'two'))
    expect(await second.until(t => t.includes('two'), 2000)).toContain('two')
  })

  test('a timeout answers a null array (RESP2) or null (RESP3)', async () => {
    const c = await connect(server)
    const t0 = Date.now()
    expect(await c.call(frame('BLPOP', 'never', '0.2'), '\r\n', 3000)).toBe('*-1\r\n')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150)
    await c.call('HELLO 3\r\n', '*0\r\n')
    expect(await c.call(frame('BLPOP', 'never', '0.1'), '\r\n', 3000)).toBe('_\r\n')
  })

  test('a write from outside the server wakes a blocked client', async () => {
    const c = await connect(server)
    c.send(frame('BLPOP', 'q3', '0'))
    await c.quiet(50)
    db0().data.set('q3', ['external'])
    db0().touch('q3')
    expect(await c.until(t => t.includes('external'), 2000)).toBe('*2\r\n$2\r\nq3\r\n$8\r\nexternal\r\n')
  })

  test('a blocking command inside MULTI does not block', async () => {
    const c = await connect(server)
    c.send('MULTI\r\n' + frame('BLPOP', 'empty', '0') + 'EXEC\r\n')
    expect(await c.until(t => t.includes('*1'), 2000)).toBe('+OK\r\n+QUEUED\r\n*1\r\n*-1\r\n')
  })

  test('a client that disconnects while blocked is forgotten', async () => {
    const c = await connect(server)
    c.send(frame('BLPOP', 'q4', '0'))
    await c.quiet(50)
    c.close()
    await c.closedPromise
    const p = await connect(server)
    expect(await p.call(frame('RPUSH', 'q4', 'kept'))).toBe(':1\r\n')
    await p.quiet(50)
    expect(db0().data.get('q4')).toEqual(['kept'])
  })
})

describe('RespServer pub/sub', () => {
  test('delivers to channel and pattern subscribers in RESP2 and RESP3', async () => {
    const sub = await connect(server)
    const psub = await connect(server)
    const pub = await connect(server)
    expect(await sub.call('SUBSCRIBE news\r\n')).toBe('*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n')
    await psub.call('HELLO 3\r\n', '*0\r\n')
    expect(await psub.call('PSUBSCRIBE n*\r\n')).toBe('>3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:1\r\n')
    expect(await pub.call('PUBLISH news hello\r\n')).toBe(':2\r\n')
    expect(await sub.until(t => t.includes('hello'))).toBe('*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n')
    expect(await psub.until(t => t.includes('hello'))).toBe('>4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nhello\r\n')
    expect(await pub.call('PUBSUB NUMSUB news other\r\n')).toBe('*4\r\n$4\r\nnews\r\n:1\r\n$5\r\nother\r\n:0\r\n')
    expect(await pub.call('PUBSUB NUMPAT\r\n')).toBe(':1\r\n')
    expect(await pub.call('PUBSUB CHANNELS\r\n')).toBe('*1\r\n$4\r\nnews\r\n')
  })

  test('a subscribed RESP2 client may only (un)subscribe, ping, quit and reset', async () => {
    const c = await connect(server)
    await c.call('SUBSCRIBE a\r\n')
    expect(await c.call(frame('GET', 'x'))).toBe("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
    expect(await c.call('PING\r\n')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n')
    expect(await c.call('UNSUBSCRIBE\r\n')).toBe('*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n')
    expect(await c.call('UNSUBSCRIBE\r\n')).toBe('*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n')
    expect(await c.call('PING\r\n')).toBe('+PONG\r\n')
  })
})

describe('RespServer limits and bad input', () => {
  test('a protocol error is answered, the connection closed, and others keep being served', async () => {
    const bad = await connect(server)
    const good = await connect(server)
    bad.send('*1\r\n$4\r\nPING\r\n*x\r\n')
    expect(await bad.until(() => false, 2000)).toBe('+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n')
    expect(bad.closed).toBe(true)
    expect(await good.call('PING\r\n')).toBe('+PONG\r\n')
  })

  test('a bulk string over maxBulkBytes is refused and the connection closed', async () => {
    const c = await connect(server)
    c.send(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${2 * 1024 * 1024}\r\n`)
    expect(await c.until(() => false, 2000)).toBe('-ERR Protocol error: invalid bulk length\r\n')
    expect(c.closed).toBe(true)
  })

  test('an engine that throws gets an error reply and the connection stays in step', async () => {
    const c = await connect(server)
    const ks = db0()
    const original = ks.execute
    ks.execute = () => { throw new Error('boom') }
    try {
      c.send(frame('GET', 'x') + 'PING\r\n')
      expect(await c.until(t => t.endsWith('+PONG\r\n'))).toBe('-ERR boom\r\n+PONG\r\n')
    } finally {
      ks.execute = original
    }
    expect(await c.call(frame('GET', 'missing'))).toBe('$-1\r\n')
  })

  test('frames sent one byte at a time are understood', async () => {
    const c = await connect(server)
    const data = frame('SET', 'bytewise', 'value') + frame('GET', 'bytewise') + 'PING\r\n'
    for (const ch of data) {
      c.send(ch)
      await new Promise(r => setTimeout(r, 1))
    }
    expect(await c.until(t => t.endsWith('+PONG\r\n'), 3000)).toBe('+OK\r\n$5\r\nvalue\r\n+PONG\r\n')
  })

  test('connections beyond maxClients are refused with Redis\'s error', async () => {
    const small = await startServer({ maxClients: 2 })
    try {
      const a = await connect(small)
      const b = await connect(small)
      expect(await a.call('PING\r\n')).toBe('+PONG\r\n')
      const c = await connect(small)
      expect(await c.until(() => false, 2000)).toBe('-ERR max number of clients reached\r\n')
      expect(await b.call('PING\r\n')).toBe('+PONG\r\n')
      a.close()
      await a.closedPromise
      await new Promise(r => setTimeout(r, 50))
      const d = await connect(small)
      expect(await d.call('PING\r\n')).toBe('+PONG\r\n')
    } finally {
      await small.stop()
    }
  })

  test('a client that does not read is paused, its output stays bounded, and everything arrives once it reads', async () => {
    const c = await connect(server)
    const value = 'v'.repeat(1024 * 1024)
    expect(await c.call(frame('SET', 'bp:big', value))).toBe('+OK\r\n')
    c.socket.pause()
    c.send(frame('GET', 'bp:big').repeat(200))
    await new Promise(r => setTimeout(r, 500))
    const watcher = await connect(server)
    const list = await watcher.call('CLIENT LIST\r\n', '\n\r\n')
    const omem = Math.max(...[...list.matchAll(/omem=(\d+)/g)].map(m => Number(m[1])))
    expect(omem).toBeLessThan(64 * 1024 * 1024) // not 200 MiB
    c.socket.resume()
    const each = `$${value.length}\r\n`.length + value.length + 2
    const all = await c.read(200 * each, 30_000)
    expect(all.length).toBe(200 * each)
  }, 60_000)
})

describe('RespServer on node:net (the Node fallback transport)', () => {
  test('serves pipelines, big values and protocol errors the same way', async () => {
    const srv = await startServer({ transport: 'node' })
    try {
      const c = await connect(srv)
      c.send(frame('SET', 'nn', 'x'.repeat(300_000)) + frame('GET', 'nn') + 'PING\r\n')
      const r = await c.until(t => t.endsWith('+PONG\r\n'), 5000)
      expect(r.length).toBe(5 + 9 + 300_000 + 2 + 7)
      c.send('*x\r\n')
      expect(await c.until(() => false, 2000)).toBe('-ERR Protocol error: invalid multibulk length\r\n')
      expect(c.closed).toBe(true)
      const d = await connect(srv)
      expect(await d.call('PING\r\n')).toBe('+PONG\r\n')
    } finally {
      await srv.stop()
    }
  })
})
