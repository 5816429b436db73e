/**
 * The RESP server against an in-memory fake keyspace, over real TCP with
 * exact bytes: connection commands, auth, transactions, group commit.
 * server-streams.test.ts covers blocking, pub/sub, limits and the Node
 * transport; test/resp.test.ts the real engine with real Redis clients.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { frame } from '../../test/harness/redis.ts'
import type { RespServer } from './server.ts'
import { respFixture } from '../../test/harness/resp-server-fixture.ts'

const fx = respFixture()
const { connect, startServer, db0, opened, dbs } = fx
describe('RespServer connection commands', () => {
  test('answers PING and ECHO sent inline and as arrays', async () => {
    const c = await connect(fx.server)
    expect(await c.call('PING\r\n')).toBe('+PONG\r\n')
    expect(await c.call(frame('PING', 'hi'))).toBe('$2\r\nhi\r\n')
    expect(await c.call(frame('echo', 'a b'))).toBe('$3\r\na b\r\n')
    expect(await c.call('PING a b\r\n')).toBe("-ERR wrong number of arguments for 'ping' command\r\n")
  })

  test('names unknown commands and wrong arity with Redis\'s exact texts', async () => {
    const c = await connect(fx.server)
    expect(await c.call('foo a b\r\n')).toBe("-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n")
    expect(await c.call('FOO\r\n')).toBe("-ERR unknown command 'FOO', with args beginning with: \r\n")
    expect(await c.call(frame('foo', '\n'))).toBe("-ERR unknown command 'foo', with args beginning with: ' ' \r\n")
    expect(await c.call(frame('GET'))).toBe("-ERR wrong number of arguments for 'get' command\r\n")
    expect(await c.call('ECHO\r\n')).toBe("-ERR wrong number of arguments for 'echo' command\r\n")
  })

  test('tells the node of client traffic (its idle collector)', async () => {
    let chunks = 0
    const srv = await startServer({ onActivity: () => { chunks++ } })
    try {
      const c = await connect(srv)
      expect(await c.call('PING\r\n')).toBe('+PONG\r\n')
      expect(await c.call(frame('SET', 'a', '1'))).toBe('+OK\r\n')
      expect(chunks).toBeGreaterThanOrEqual(2)
    } finally {
      await srv.stop()
    }
  })

  test('runs data commands on the default database', async () => {
    const c = await connect(fx.server)
    expect(await c.call(frame('SET', 'k', 'v'))).toBe('+OK\r\n')
    expect(await c.call(frame('GET', 'k'))).toBe('$1\r\nv\r\n')
    expect(await c.call(frame('GET', 'missing'))).toBe('$-1\r\n')
  })

  test('HELLO 3 switches to RESP3 and answers the server map', async () => {
    const c = await connect(fx.server)
    const r = await c.call('HELLO 3\r\n', '*0\r\n')
    expect(r).toStartWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.0.0\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:')
    expect(r).toEndWith('$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n')
    expect(await c.call(frame('GET', 'missing'))).toBe('_\r\n')
    expect(await c.call('HELLO 4\r\n')).toBe('-NOPROTO unsupported protocol version\r\n')
    expect(await c.call('HELLO x\r\n')).toBe('-ERR Protocol version is not an integer or out of range\r\n')
    expect(await c.call('HELLO 2\r\n', '*0\r\n')).toStartWith('*14\r\n')
  })

  test('SELECT opens named databases through open(), refuses other numbers and reports open errors', async () => {
    const c = await connect(fx.server)
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
    const c = await connect(fx.server)
    expect(await c.call('CLIENT SETNAME worker-1\r\n')).toBe('+OK\r\n')
    expect(await c.call('CLIENT GETNAME\r\n')).toBe('$8\r\nworker-1\r\n')
    expect(await c.call('CLIENT SETNAME "a b"\r\n')).toBe('-ERR Client names cannot contain spaces, newlines or special characters.\r\n')
    expect(await c.call('CLIENT ID\r\n')).toMatch(/^:\d+\r\n$/)
    expect(await c.call('CLIENT LIST\r\n', '\n\r\n')).toContain('name=worker-1')
    expect(await c.call('CLIENT INFO\r\n', '\n\r\n')).toMatch(/id=\d+ addr=127\.0\.0\.1:\d+ .*cmd=client\|info .*resp=2/)
    expect(await c.call('CLIENT FOO\r\n')).toBe("-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n")
  })

  test('INFO, COMMAND COUNT/INFO/DOCS and CONFIG GET answer in Redis\'s shapes', async () => {
    const c = await connect(fx.server)
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
    const c = await connect(fx.server)
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
  let secured: RespServer
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
    const c = await connect(fx.server)
    expect(await c.call('AUTH x\r\n')).toBe('-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n')
    expect(await c.call('AUTH default anything\r\n')).toBe('+OK\r\n')
  })
})

describe('RespServer transactions', () => {
  test('MULTI queues, EXEC runs them all and answers an array', async () => {
    const c = await connect(fx.server)
    c.send('MULTI\r\n' + frame('SET', 'tx', '1') + frame('INCR', 'tx') + frame('GET', 'tx') + 'EXEC\r\n')
    expect(await c.until(t => t.includes('*3'), 2000)).toBe('+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n')
  })

  test('errors while queueing abort EXEC with EXECABORT', async () => {
    const c = await connect(fx.server)
    c.send('MULTI\r\nMULTI\r\nWATCH a\r\nSET a\r\nFOO\r\nEXEC\r\nEXEC\r\nDISCARD\r\n')
    const r = await c.until(t => t.includes('DISCARD without'), 2000)
    expect(r).toBe([
      '+OK', '-ERR MULTI calls can not be nested', '-ERR WATCH inside MULTI is not allowed',
      "-ERR wrong number of arguments for 'set' command", "-ERR unknown command 'FOO', with args beginning with: ",
      '-EXECABORT Transaction discarded because of previous errors.', '-ERR EXEC without MULTI', '-ERR DISCARD without MULTI', '',
    ].join('\r\n'))
  })

  test('EXEC answers a null array when a WATCHed key changed', async () => {
    const a = await connect(fx.server)
    const b = await connect(fx.server)
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
    const cs = await Promise.all(Array.from({ length: 20 }, () => connect(fx.server)))
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
    const c = await connect(fx.server)
    expect(await c.call('PING\r\n')).toBe('+PONG\r\n')
    db0().failNextCommit = true
    c.send(frame('SET', 'lost', '1'))
    const r = await c.until(() => false, 2000)
    expect(r).toBe('-ERR commit failed: disk I/O error\r\n')
    expect(c.closed).toBe(true)
  })
})
