import { describe, expect, test } from 'bun:test'
import { encodeReply, RespEncoder } from './encoder.ts'
import { array, bulk, err, int, NULL_BULK, OK, type Reply } from '../reply.ts'

const text = (r: Reply, resp: 2 | 3) => new TextDecoder().decode(encodeReply(r, resp))
const both = (r: Reply) => [text(r, 2), text(r, 3)]

describe('RespEncoder', () => {
  test('writes the types both protocols share', () => {
    expect(both(OK)).toEqual(['+OK\r\n', '+OK\r\n'])
    expect(both(err('ERR bad'))).toEqual(['-ERR bad\r\n', '-ERR bad\r\n'])
    expect(both(int(0))).toEqual([':0\r\n', ':0\r\n'])
    expect(text(int(-1234567890123), 2)).toBe(':-1234567890123\r\n')
    expect(text(int(9223372036854775807n), 2)).toBe(':9223372036854775807\r\n')
    expect(text(bulk('héllo'), 2)).toBe('$6\r\nhéllo\r\n')
    expect(text(bulk(''), 3)).toBe('$0\r\n\r\n')
    expect(text(array([int(1), bulk('a'), array([])]), 2)).toBe('*3\r\n:1\r\n$1\r\na\r\n*0\r\n')
  })

  test('writes nulls as $-1 / *-1 in RESP2 and _ in RESP3', () => {
    expect(both(NULL_BULK)).toEqual(['$-1\r\n', '_\r\n'])
    expect(both(array(null))).toEqual(['*-1\r\n', '_\r\n'])
    expect(both({ t: 'null' })).toEqual(['$-1\r\n', '_\r\n'])
  })

  test('writes RESP3 types natively and their RESP2 fallbacks', () => {
    const m: Reply = { t: 'map', v: [[bulk('a'), int(1)], [bulk('b'), int(2)]] }
    expect(both(m)).toEqual(['*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n', '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n'])
    expect(both({ t: 'set', v: [bulk('x')] })).toEqual(['*1\r\n$1\r\nx\r\n', '~1\r\n$1\r\nx\r\n'])
    expect(both({ t: 'bool', v: true })).toEqual([':1\r\n', '#t\r\n'])
    expect(both({ t: 'bool', v: false })).toEqual([':0\r\n', '#f\r\n'])
    expect(both({ t: 'verbatim', format: 'txt', v: 'Some string' })).toEqual(['$11\r\nSome string\r\n', '=15\r\ntxt:Some string\r\n'])
    expect(both({ t: 'push', v: [bulk('message'), bulk('ch'), bulk('hi')] }))
      .toEqual(['*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n', '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n'])
  })

  test('writes doubles as Redis 7.0 does: bulk strings in RESP2, with inf, -inf and nan', () => {
    expect(both({ t: 'double', v: 1.5 })).toEqual(['$3\r\n1.5\r\n', ',1.5\r\n'])
    expect(both({ t: 'double', v: 3 })).toEqual(['$1\r\n3\r\n', ',3\r\n'])
    expect(both({ t: 'double', v: Infinity })).toEqual(['$3\r\ninf\r\n', ',inf\r\n'])
    expect(both({ t: 'double', v: -Infinity })).toEqual(['$4\r\n-inf\r\n', ',-inf\r\n'])
    expect(text({ t: 'double', v: NaN }, 3)).toBe(',nan\r\n')
    expect(text({ t: 'double', v: 0.1 }, 3)).toBe(',0.10000000000000001\r\n') // %.17g, as redis-server 7.0
  })

  test('turns CR and LF inside error and status lines into spaces', () => {
    expect(text(err('ERR a\r\nb'), 2)).toBe('-ERR a  b\r\n')
  })

  test('accumulates many replies into one buffer and starts over after take', () => {
    const e = new RespEncoder(8)
    for (let i = 0; i < 1000; i++) e.write(int(i), 2)
    const first = new TextDecoder().decode(e.take())
    expect(first.startsWith(':0\r\n:1\r\n')).toBe(true)
    expect(first.endsWith(':999\r\n')).toBe(true)
    e.write(OK, 2)
    expect(new TextDecoder().decode(e.take())).toBe('+OK\r\n')
  })

  test('can take back replies written after a mark', () => {
    const e = new RespEncoder()
    e.write(OK, 2)
    const mark = e.length
    e.write(bulk('x'.repeat(100)), 2)
    e.truncate(mark)
    expect(new TextDecoder().decode(e.take())).toBe('+OK\r\n')
  })

  test('encodes a 20 MiB bulk string', () => {
    const v = new Uint8Array(20 * 1024 * 1024).fill(97)
    const out = encodeReply(bulk(v), 2)
    expect(out.length).toBe(v.length + 11 + 2)
    expect(new TextDecoder().decode(out.subarray(0, 11))).toBe('$20971520\r\n')
  })
})
