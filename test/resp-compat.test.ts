/**
 * Byte-for-byte comparison with a real redis-server (Debian's, started in a
 * scratch dir on a free port, no persistence): the same raw input on a fresh
 * connection to each must give the same bytes back. Covers the server's own
 * replies — errors, transactions, pub/sub, protocol errors, blocking
 * timeouts — where clients match on exact texts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keyspace } from '../src/db/keyspace.ts'
import { RespServer } from '../src/db/server.ts'
import { frame, haveTool, RawClient, ScratchRedis } from './harness/redis.ts'

const available = haveTool('redis-server')
const suite = available ? describe : describe.skip

suite('the RESP server next to redis-server', () => {
  let redis: ScratchRedis
  let server: RespServer
  let ks: Keyspace
  const dir = mkdtempSync(join(tmpdir(), 'leither-compat-'))

  beforeAll(async () => {
    redis = await ScratchRedis.start()
    ks = Keyspace.open(join(dir, 'default.db'))
    server = new RespServer({ bind: '127.0.0.1', port: 0, maxClients: 100, maxBulkBytes: 512 * 1024 * 1024, open: () => ks })
    await server.start()
  })

  afterAll(async () => {
    await server?.stop()
    ks?.close()
    redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Sends `input` on a fresh connection to each server; returns both answers once `settleMs` passes quietly. */
  async function both(input: string, settleMs = 150): Promise<[string, string]> {
    const run = async (port: number) => {
      const c = await RawClient.connect(port)
      c.send(input)
      let text = ''
      for (let quiet = 0; quiet < 2;) {
        const got = await c.quiet(settleMs)
        text += got
        quiet = got === '' ? quiet + 1 : 0
        if (c.closed) break
      }
      const closed = c.closed
      c.close()
      return closed ? `${text}<closed>` : text
    }
    return Promise.all([run(redis.port), run(server.port)])
  }

  const cases: Array<[string, string]> = [
    ['unknown commands and arity errors', 'foo a b\r\nFOO\r\n' + frame('foo', 'x\ny') + 'GET\r\nECHO\r\nPING a b\r\nSET k\r\n'],
    ['inline quoting', 'ECHO "a\\x41\\n b"\r\nECHO \'it\\\'s\'\r\nECHO plain\r\n   \r\n\r\nPING\r\n'],
    ['AUTH without a password configured', 'AUTH x\r\nAUTH a b c\r\nAUTH\r\nAUTH default whatever\r\n'],
    ['HELLO errors', 'HELLO 4\r\nHELLO x\r\nHELLO 3 FOO\r\n'],
    ['SELECT of numbers past the last database', 'SELECT 16\r\nSELECT -1\r\nSELECT 0\r\n'],
    ['CLIENT errors and names', 'CLIENT FOO\r\nCLIENT SETNAME "a b"\r\nCLIENT SETNAME ok\r\nCLIENT GETNAME\r\nCLIENT SETNAME\r\n'],
    ['MULTI errors and EXECABORT', 'MULTI\r\nMULTI\r\nWATCH a\r\nSET a\r\nFOO\r\nEXEC\r\nEXEC\r\nDISCARD\r\n'],
    ['MULTI/EXEC with data commands', 'MULTI\r\n' + frame('SET', 'cmp:tx', '1') + frame('INCR', 'cmp:tx') + frame('GET', 'cmp:tx') + 'EXEC\r\n' + frame('DEL', 'cmp:tx')],
    ['WRONGTYPE inside EXEC does not abort it', 'MULTI\r\n' + frame('SET', 'cmp:s', 'x') + frame('LPUSH', 'cmp:s', 'y') + frame('DEL', 'cmp:s') + 'EXEC\r\n'],
    ['subscribed context in RESP2', 'SUBSCRIBE a b\r\nGET a\r\nPING\r\nPING x\r\nPSUBSCRIBE x*\r\nPUNSUBSCRIBE\r\nUNSUBSCRIBE a\r\nUNSUBSCRIBE b\r\nUNSUBSCRIBE\r\nPING\r\n'],
    ['pub/sub introspection while subscribed (RESP2)', 'PING\r\nSUBSCRIBE c\r\nPUBSUB NUMSUB c d\r\nPUBSUB NUMPAT\r\nPUBSUB FOO\r\nUNSUBSCRIBE\r\n'],
    ['pub/sub introspection', 'PUBSUB NUMSUB c d\r\nPUBSUB NUMPAT\r\nPUBSUB CHANNELS\r\nPUBSUB FOO\r\nPUBSUB\r\nPUBLISH nobody hi\r\n'],
    ['CONFIG GET and errors', 'CONFIG GET save\r\nCONFIG GET appendonly\r\nCONFIG GET nosuch\r\nCONFIG\r\nCONFIG FOO\r\n'],
    ['COMMAND errors', 'COMMAND FOO\r\nCOMMAND INFO nosuchcommand\r\n'],
    ['a blocking pop timing out, RESP2', frame('BLPOP', 'cmp:none', '0.1') + frame('BLMOVE', 'cmp:none', 'cmp:x', 'LEFT', 'LEFT', '0.1')],
    ['QUIT', 'QUIT\r\nPING\r\n'],
    ['RESET', 'MULTI\r\nRESET\r\nEXEC\r\n'],
    ['protocol error: multibulk length', '*1\r\n$4\r\nPING\r\n*x\r\n'],
    ['protocol error: expected $', '*2\r\n$4\r\nECHO\r\n:3\r\n'],
    ['protocol error: bulk length', '*1\r\n$-5\r\n'],
    ['protocol error: leading zero', '*1\r\n$01\r\nA\r\n'],
    ['protocol error: bulk over 512 MiB', '*1\r\n$600000000\r\n'],
    ['protocol error: unbalanced quotes', 'PING "a\r\n'],
    ['empty and null arrays', '*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n'],
  ]

  for (const [name, input] of cases) {
    test(`${name} gives the same bytes`, async () => {
      const [want, got] = await both(input)
      expect(got).toBe(want)
    })
  }

  test('RESP3 nulls and a RESP3 blocking timeout give the same bytes (HELLO map aside)', async () => {
    const input = 'HELLO 3\r\n' + frame('GET', 'cmp:nokey') + frame('BLPOP', 'cmp:none', '0.1') + 'SUBSCRIBE ch\r\nPING\r\n'
    const [want, got] = await both(input)
    const strip = (s: string) => s.replace(/^%7\r\n[\s\S]*?\$7\r\nmodules\r\n\*0\r\n/, '')
    expect(strip(got)).toBe(strip(want))
    expect(got).toStartWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n')
  })
})
