/**
 * The RESP server over real TCP with exact bytes: blocking pops, pub/sub,
 * limits and malformed input, and the node:net transport.
 */
import { describe, expect, test } from 'bun:test'
import { frame } from '../../test/harness/redis.ts'
import type { RespServer } from './server.ts'
import { respFixture } from '../../test/harness/resp-server-fixture.ts'

const fx = respFixture()
const { connect, startServer, db0 } = fx
describe('RespServer blocking commands', () => {
  test('BLPOP waits until another client pushes, and the pipeline behind it waits too', async () => {
    const a = await connect(fx.server)
    const b = await connect(fx.server)
    a.send(frame('BLPOP', 'q1', '0') + 'PING\r\n')
    expect(await a.quiet(100)).toBe('')
    expect(await b.call(frame('LPUSH', 'q1', 'job'))).toBe(':1\r\n')
    expect(await a.until(t => t.endsWith('+PONG\r\n'), 2000)).toBe('*2\r\n$2\r\nq1\r\n$3\r\njob\r\n+PONG\r\n')
  })

  test('the first client blocked is served first', async () => {
    const first = await connect(fx.server)
    const second = await connect(fx.server)
    first.send(frame('BLPOP', 'q2', '0'))
    await first.quiet(50)
    second.send(frame('BLPOP', 'q2', '0'))
    await second.quiet(50)
    const p = await connect(fx.server)
    p.send(frame('RPUSH', 'q2', 'one'))
    expect(await first.until(t => t.includes('one'), 2000)).toContain('one')
    expect(await second.quiet(100)).toBe('')
    p.send(frame('RPUSH', 'q2', 'two'))
    expect(await second.until(t => t.includes('two'), 2000)).toContain('two')
  })

  test('a timeout answers a null array (RESP2) or null (RESP3)', async () => {
    const c = await connect(fx.server)
    const t0 = Date.now()
    expect(await c.call(frame('BLPOP', 'never', '0.2'), '\r\n', 3000)).toBe('*-1\r\n')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150)
    await c.call('HELLO 3\r\n', '*0\r\n')
    expect(await c.call(frame('BLPOP', 'never', '0.1'), '\r\n', 3000)).toBe('_\r\n')
  })

  test('a write from outside the server wakes a blocked client', async () => {
    const c = await connect(fx.server)
    c.send(frame('BLPOP', 'q3', '0'))
    await c.quiet(50)
    db0().data.set('q3', ['external'])
    db0().touch('q3')
    expect(await c.until(t => t.includes('external'), 2000)).toBe('*2\r\n$2\r\nq3\r\n$8\r\nexternal\r\n')
  })

  test('a blocking command inside MULTI does not block', async () => {
    const c = await connect(fx.server)
    c.send('MULTI\r\n' + frame('BLPOP', 'empty', '0') + 'EXEC\r\n')
    expect(await c.until(t => t.includes('*1'), 2000)).toBe('+OK\r\n+QUEUED\r\n*1\r\n*-1\r\n')
  })

  test('a client that disconnects while blocked is forgotten', async () => {
    const c = await connect(fx.server)
    c.send(frame('BLPOP', 'q4', '0'))
    await c.quiet(50)
    c.close()
    await c.closedPromise
    const p = await connect(fx.server)
    expect(await p.call(frame('RPUSH', 'q4', 'kept'))).toBe(':1\r\n')
    await p.quiet(50)
    expect(db0().data.get('q4')).toEqual(['kept'])
  })
})

describe('RespServer pub/sub', () => {
  test('delivers to channel and pattern subscribers in RESP2 and RESP3', async () => {
    const sub = await connect(fx.server)
    const psub = await connect(fx.server)
    const pub = await connect(fx.server)
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
    const c = await connect(fx.server)
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
    const bad = await connect(fx.server)
    const good = await connect(fx.server)
    bad.send('*1\r\n$4\r\nPING\r\n*x\r\n')
    expect(await bad.until(() => false, 2000)).toBe('+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n')
    expect(bad.closed).toBe(true)
    expect(await good.call('PING\r\n')).toBe('+PONG\r\n')
  })

  test('a bulk string over maxBulkBytes is refused and the connection closed', async () => {
    const c = await connect(fx.server)
    c.send(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${2 * 1024 * 1024}\r\n`)
    expect(await c.until(() => false, 2000)).toBe('-ERR Protocol error: invalid bulk length\r\n')
    expect(c.closed).toBe(true)
  })

  test('an engine that throws gets an error reply and the connection stays in step', async () => {
    const c = await connect(fx.server)
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
    const c = await connect(fx.server)
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
    const c = await connect(fx.server)
    const value = 'v'.repeat(1024 * 1024)
    expect(await c.call(frame('SET', 'bp:big', value))).toBe('+OK\r\n')
    c.socket.pause()
    c.send(frame('GET', 'bp:big').repeat(200))
    await new Promise(r => setTimeout(r, 500))
    const watcher = await connect(fx.server)
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
