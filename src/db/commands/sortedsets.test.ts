/**
 * Sorted-set commands: replies and errors as Redis 7.0 gives them (the expected replies
 * were recorded from a real redis-server running the same commands).
 */
import { describe, test } from 'bun:test'
import { TestDb } from '../testing.ts'

describe('sorted-set commands', () => {
  test('ZADD with NX, XX, GT, LT, CH and INCR', () => {
    const db = new TestDb()
    db.script([
      ['ZADD z 1 a 2 b 3 c', 3],
      ['ZADD z NX 10 a 4 d', 1],
      ['ZADD z XX 10 a 5 e', 0],
      ['ZADD z CH 11 a 2 b 7 f', 2],
      ['ZADD z GT 1 a', 0],
      ['ZADD z GT CH 20 a', 1],
      ['ZADD z LT CH 30 a 1 b', 1],
      ['ZADD z INCR 5 a', '25'],
      ['ZADD z INCR NX 5 a', null],
      ['ZADD z INCR XX 5 newm', null],
      ['ZADD z GT 5 g', 1],
      ['ZRANGE z 0 -1 WITHSCORES', ['b', '1', 'c', '3', 'd', '4', 'g', '5', 'f', '7', 'a', '25']],
      ['ZADD nokey XX 1 a', 0],
      ['EXISTS nokey', 0],
    ])
    db.close()
  })

  test('ZADD refuses conflicting options and bad scores', () => {
    const db = new TestDb()
    db.script([
      ['ZADD z NX XX 1 a', '-ERR XX and NX options at the same time are not compatible'],
      ['ZADD z GT LT 1 a', '-ERR GT, LT, and/or NX options at the same time are not compatible'],
      ['ZADD z NX GT 1 a', '-ERR GT, LT, and/or NX options at the same time are not compatible'],
      ['ZADD z INCR 1 a 2 b', '-ERR INCR option supports a single increment-element pair'],
      ['ZADD z 1', '-ERR wrong number of arguments for \'zadd\' command'],
      ['ZADD z 1 a 2', '-ERR syntax error'],
      ['ZADD z abc a', '-ERR value is not a valid float'],
      ['ZADD z nan a', '-ERR value is not a valid float'],
      ['ZADD z 1e400 a', '-ERR value is not a valid float'],
      ['ZADD z " 1" a', '-ERR value is not a valid float'],
      ['EXISTS z', 0],
    ])
    db.close()
  })

  test('scores are doubles: infinities, hex, and %.17g formatting', () => {
    const db = new TestDb()
    db.script([
      ['ZADD z inf i -inf ni +inf pi 0x10 hex 1e3 e3 -0 mz', 6],
      ['ZADD z 0.1 a 1.5 b 1e20 d 1e-5 e 123456789012345678 f 0.000123 g -2.5e-10 h 1e17 j 1.7976931348623157e308 l 5e-324 m', 10],
      ['ZRANGE z 0 -1 WITHSCORES', ['ni', '-inf', 'h', '-2.5000000000000002e-10', 'mz', '0', 'm', '4.9406564584124654e-324', 'e', '1.0000000000000001e-05', 'g', '0.00012300000000000001', 'a', '0.10000000000000001', 'b', '1.5', 'hex', '16', 'e3', '1000', 'j', '1e+17', 'f', '1.2345678901234568e+17', 'd', '1e+20', 'l', '1.7976931348623157e+308', 'i', 'inf', 'pi', 'inf']],
      ['ZSCAN z 0 COUNT 100', ['0', ['ni', '-inf', 'h', '-2.5000000000000002e-10', 'mz', '0', 'm', '4.9406564584124654e-324', 'e', '1.0000000000000001e-05', 'g', '0.00012300000000000001', 'a', '0.10000000000000001', 'b', '1.5', 'hex', '16', 'e3', '1000', 'j', '100000000000000000', 'f', '123456789012345680', 'd', '1e+20', 'l', '1.7976931348623157e+308', 'i', 'inf', 'pi', 'inf']]],
      ['ZINCRBY z 0.2 a', '0.30000000000000004'],
      ['ZSCORE z a', '0.30000000000000004'],
    ])
    db.close()
  })

  test('ZSCORE, ZMSCORE, ZINCRBY, ZCARD', () => {
    const db = new TestDb()
    db.script([
      ['ZADD z 1 a 2 b', 2],
      ['ZSCORE z a', '1'],
      ['ZSCORE z nope', null],
      ['ZSCORE nokey a', null],
      ['ZMSCORE z a nope b', ['1', null, '2']],
      ['ZMSCORE nokey a b', [null, null]],
      ['ZINCRBY z 2.5 a', '3.5'],
      ['ZINCRBY z 1 newone', '1'],
      ['ZINCRBY z abc a', '-ERR value is not a valid float'],
      ['ZINCRBY i inf x', 'inf'],
      ['ZINCRBY i -inf x', '-ERR resulting score is not a number (NaN)'],
      ['ZCARD z', 3],
      ['ZCARD nokey', 0],
    ])
    db.close()
  })

  test('score ranges take inf and exclusive bounds', () => {
    const db = new TestDb()
    db.script([
      ['ZADD z 1 a 2 b 3 c 4 d', 4],
      ['ZCOUNT z -inf +inf', 4],
      ['ZCOUNT z (1 3', 2],
      ['ZCOUNT z 1 (3', 2],
      ['ZCOUNT z abc 3', '-ERR min or max is not a float'],
      ['ZCOUNT z "" 3', 3],
      ['ZCOUNT z " 1" 3', 3],
      ['ZCOUNT z (inf +inf', 0],
      ['ZCOUNT z -inf (-inf', 0],
      ['ZRANGEBYSCORE z 1 3 WITHSCORES', ['a', '1', 'b', '2', 'c', '3']],
      ['ZRANGEBYSCORE z (1 (3', ['b']],
      ['ZRANGEBYSCORE z -inf +inf LIMIT 1 2', ['b', 'c']],
      ['ZRANGEBYSCORE z -inf +inf LIMIT -1 2', []],
      ['ZRANGEBYSCORE z -inf +inf LIMIT 1 -1', ['b', 'c', 'd']],
      ['ZRANGEBYSCORE z -inf +inf LIMIT 100 1', []],
      ['ZRANGEBYSCORE z -inf +inf LIMIT 1 0', []],
      ['ZRANGEBYSCORE z -inf +inf LIMIT 0 9223372036854775807', ['a', 'b', 'c', 'd']],
      ['ZRANGEBYSCORE z a b', '-ERR min or max is not a float'],
      ['ZRANGEBYSCORE z 1 3 REV', '-ERR syntax error'],
      ['ZREVRANGEBYSCORE z 3 1 WITHSCORES', ['c', '3', 'b', '2', 'a', '1']],
      ['ZREVRANGEBYSCORE z +inf -inf LIMIT 0 2', ['d', 'c']],
    ])
    db.close()
  })

  test('ZRANK and ZREVRANK', () => {
    const db = new TestDb()
    db.script([
      ['ZADD z 1 a 2 b 2 c 3 d', 4],
      ['ZRANK z a', 0],
      ['ZRANK z c', 2],
      ['ZRANK z nope', null],
      ['ZRANK nokey a', null],
      ['ZREVRANK z a', 3],
      ['ZREVRANK z b', 2],
    ])
    db.close()
  })

  test('ZRANGE by rank, score or lex, reversed, limited', () => {
    const db = new TestDb()
    db.script([
      ['ZADD z 1 a 2 b 3 c 4 d', 4],
      ['ZRANGE z 0 -1 REV', ['d', 'c', 'b', 'a']],
      ['ZRANGE z 3 1 BYSCORE REV', ['c', 'b', 'a']],
      ['ZRANGE z 1 3 BYSCORE LIMIT 0 1 WITHSCORES', ['a', '1']],
      ['ZRANGE z 0 1 LIMIT 0 1', '-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX'],
      ['ZRANGE z - + BYLEX WITHSCORES', '-ERR syntax error, WITHSCORES not supported in combination with BYLEX'],
      ['ZRANGE z 0 -1 BYSCORE BYLEX', '-ERR syntax error'],
      ['ZRANGE z 0 -1 REV REV', '-ERR syntax error'],
      ['ZRANGE z a b', '-ERR value is not an integer or out of range'],
      ['ZRANGE nokey 0 -1', []],
      ['ZRANGE z 5 2', []],
      ['ZRANGE z -2 -1 WITHSCORES', ['c', '3', 'd', '4']],
      ['ZREVRANGE z 0 2 WITHSCORES', ['d', '4', 'c', '3', 'b', '2']],
      ['ZRANGEBYSCORE z 0 10 BYSCORE', '-ERR syntax error'],
    ])
    db.close()
  })

  test('lexicographic ranges with [, (, - and +', () => {
    const db = new TestDb()
    db.script([
      ['ZADD l 0 a 0 b 0 c 0 d 0 e 0 f 0 g', 7],
      ['ZRANGEBYLEX l - +', ['a', 'b', 'c', 'd', 'e', 'f', 'g']],
      ['ZRANGEBYLEX l [b [d', ['b', 'c', 'd']],
      ['ZRANGEBYLEX l (b (d', ['c']],
      ['ZRANGEBYLEX l [b (d', ['b', 'c']],
      ['ZRANGEBYLEX l - [c', ['a', 'b', 'c']],
      ['ZRANGEBYLEX l (c +', ['d', 'e', 'f', 'g']],
      ['ZRANGEBYLEX l + -', []],
      ['ZRANGEBYLEX l - + LIMIT 2 3', ['c', 'd', 'e']],
      ['ZRANGEBYLEX l - + LIMIT -1 3', []],
      ['ZRANGEBYLEX l b d', '-ERR min or max not valid string range item'],
      ['ZRANGEBYLEX l [b d', '-ERR min or max not valid string range item'],
      ['ZRANGEBYLEX l [b [d WITHSCORES', '-ERR syntax error, WITHSCORES not supported in combination with BYLEX'],
      ['ZREVRANGEBYLEX l + -', ['g', 'f', 'e', 'd', 'c', 'b', 'a']],
      ['ZREVRANGEBYLEX l [d [b', ['d', 'c', 'b']],
      ['ZREVRANGEBYLEX l (d - LIMIT 1 2', ['b', 'a']],
      ['ZRANGE l [b [d BYLEX', ['b', 'c', 'd']],
      ['ZRANGE l [d [b BYLEX REV', ['d', 'c', 'b']],
      ['ZRANGE l - + BYLEX LIMIT 1 1', ['b']],
      ['ZRANGEBYLEX l -a +', '-ERR min or max not valid string range item'],
      ['ZRANGEBYLEX l "" +', '-ERR min or max not valid string range item'],
    ])
    db.close()
  })

  test('lex ranges over mixed scores walk the score order as Redis walks a small sorted set', () => {
    const db = new TestDb()
    db.script([
      ['ZADD m 0 c 1 a 2 b 2 d', 4],
      ['ZRANGEBYLEX m - +', ['c', 'a', 'b', 'd']],
      ['ZRANGEBYLEX m [a [c', ['c', 'a', 'b']],
      ['ZRANGEBYLEX m [b +', ['c', 'a', 'b', 'd']],
      ['ZRANGEBYLEX m - [b', []],
      ['ZREVRANGEBYLEX m + [b', ['d', 'b']],
      ['ZREVRANGEBYLEX m [c -', ['b', 'a', 'c']],
      ['ZRANGEBYLEX m (c + LIMIT 1 1', []],
    ])
    db.close()
  })

  test('ZREM and the range removals delete the key with the last member', () => {
    const db = new TestDb()
    db.script([
      ['ZADD z 1 a 2 b 3 c 4 d 5 e', 5],
      ['ZREMRANGEBYRANK z 0 0', 1],
      ['ZREMRANGEBYRANK z 100 200', 0],
      ['ZREMRANGEBYSCORE z (2 4', 2],
      ['ZREMRANGEBYSCORE z a 5', '-ERR min or max is not a float'],
      ['ZREMRANGEBYSCORE nokey 0 1', 0],
      ['ZRANGE z 0 -1 WITHSCORES', ['b', '2', 'e', '5']],
      ['ZREM z b nope', 1],
      ['ZREM nokey a', 0],
      ['ZREM z e', 1],
      ['EXISTS z', 0],
    ])
    db.close()
  })

  test('ZPOPMIN and ZPOPMAX', () => {
    const db = new TestDb()
    db.script([
      ['ZADD z 1 a 2 b 3 c 4 d 5 e', 5],
      ['ZPOPMIN z', ['a', '1']],
      ['ZPOPMAX z', ['e', '5']],
      ['ZPOPMIN z 2', ['b', '2', 'c', '3']],
      ['ZPOPMAX z 0', []],
      ['ZPOPMIN z -1', '-ERR value is out of range, must be positive'],
      ['ZPOPMIN nokey', []],
      ['ZPOPMIN nokey 2', []],
      ['ZPOPMIN z 1 2', '-ERR syntax error'],
      ['ZPOPMAX z 10', ['d', '4']],
      ['EXISTS z', 0],
    ])
    db.close()
  })

  test('ZUNIONSTORE and ZINTERSTORE with WEIGHTS and AGGREGATE; sets count as 1', () => {
    const db = new TestDb()
    db.script([
      ['ZADD a 1 x 2 y 3 z', 3],
      ['ZADD b 10 y 20 z 30 w', 3],
      ['SADD s x w q', 3],
      ['ZUNIONSTORE u 2 a b', 4],
      ['ZRANGE u 0 -1 WITHSCORES', ['x', '1', 'y', '12', 'z', '23', 'w', '30']],
      ['ZUNIONSTORE u 2 a b WEIGHTS 2 3', 4],
      ['ZRANGE u 0 -1 WITHSCORES', ['x', '2', 'y', '34', 'z', '66', 'w', '90']],
      ['ZUNIONSTORE u 2 a b AGGREGATE MIN', 4],
      ['ZRANGE u 0 -1 WITHSCORES', ['x', '1', 'y', '2', 'z', '3', 'w', '30']],
      ['ZUNIONSTORE u 2 a b AGGREGATE MAX WEIGHTS 1 -1', 4],
      ['ZRANGE u 0 -1 WITHSCORES', ['w', '-30', 'x', '1', 'y', '2', 'z', '3']],
      ['ZINTERSTORE i 2 a b', 2],
      ['ZRANGE i 0 -1 WITHSCORES', ['y', '12', 'z', '23']],
      ['ZINTERSTORE i 2 a b AGGREGATE MAX', 2],
      ['ZRANGE i 0 -1 WITHSCORES', ['y', '10', 'z', '20']],
      ['ZUNIONSTORE u 3 a b s', 5],
      ['ZRANGE u 0 -1 WITHSCORES', ['q', '1', 'x', '2', 'y', '12', 'z', '23', 'w', '31']],
      ['ZINTERSTORE i 2 a s WEIGHTS 0.5 2', 1],
      ['ZRANGE i 0 -1 WITHSCORES', ['x', '2.5']],
      ['ZINTERSTORE i 2 a nokey', 0],
      ['EXISTS i', 0],
      ['ZUNIONSTORE a 2 a b', 4],
      ['ZRANGE a 0 -1 WITHSCORES', ['x', '1', 'y', '12', 'z', '23', 'w', '30']],
    ])
    db.close()
  })

  test('ZUNIONSTORE sums like Redis: inf - inf is 0, and in the same order', () => {
    const db = new TestDb()
    db.script([
      ['ZADD p inf x', 1],
      ['ZADD q -inf x', 1],
      ['ZUNIONSTORE pq 2 p q', 1],
      ['ZRANGE pq 0 -1 WITHSCORES', ['x', '0']],
      ['ZUNIONSTORE pq 2 p q WEIGHTS 0 1', 1],
      ['ZRANGE pq 0 -1 WITHSCORES', ['x', '-inf']],
      ['ZADD f1 0.1 m', 1],
      ['ZADD f2 0.2 m', 1],
      ['ZADD f3 0.3 m', 1],
      ['ZUNIONSTORE f 3 f1 f2 f3', 1],
      ['ZSCORE f m', '0.60000000000000009'],
      ['ZINTERSTORE f 3 f1 f2 f3', 1],
      ['ZSCORE f m', '0.60000000000000009'],
    ])
    db.close()
  })

  test('ZUNIONSTORE and ZINTERSTORE refuse bad arguments', () => {
    const db = new TestDb()
    db.script([
      ['ZADD a 1 x', 1],
      ['ZUNIONSTORE u 0 a', '-ERR at least 1 input key is needed for \'zunionstore\' command'],
      ['ZUNIONSTORE u 3 a b', '-ERR syntax error'],
      ['ZUNIONSTORE u 2 a b WEIGHTS 1', '-ERR syntax error'],
      ['ZUNIONSTORE u 2 a b WEIGHTS 1 x', '-ERR weight value is not a float'],
      ['ZUNIONSTORE u 2 a b AGGREGATE AVG', '-ERR syntax error'],
      ['ZUNIONSTORE u 2 a b FOO', '-ERR syntax error'],
      ['SET str x', '+OK'],
      ['ZUNIONSTORE u 2 a str', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['ZINTERSTORE u 0 a', '-ERR at least 1 input key is needed for \'zinterstore\' command'],
    ])
    db.close()
  })

  test('sorted-set commands on another type are WRONGTYPE', () => {
    const db = new TestDb()
    db.script([
      ['SET str x', '+OK'],
      ['ZADD str 1 a', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['ZSCORE str a', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['ZRANGE str 0 1', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['ZRANGE str 0 1 BYSCORE FOO', '-ERR syntax error'],
      ['ZCARD str', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    ])
    db.close()
  })

  test('RESP3 gives doubles and [member, score] pairs', () => {
    const db = new TestDb()
    db.resp = 3
    db.script([
      ['ZADD z 1 a 2.5 b inf c', 3],
      ['ZSCORE z b', { d: 2.5 }],
      ['ZSCORE z c', { d: Infinity }],
      ['ZMSCORE z a nope', [{ d: 1 }, null]],
      ['ZRANGE z 0 -1 WITHSCORES', [['a', { d: 1 }], ['b', { d: 2.5 }], ['c', { d: Infinity }]]],
      ['ZRANGEBYSCORE z -inf +inf WITHSCORES LIMIT 0 1', [['a', { d: 1 }]]],
      ['ZINCRBY z 1 a', { d: 2 }],
      ['ZADD z INCR 1 a', { d: 3 }],
      ['ZADD z XX INCR 1 nope', null],
      ['ZPOPMIN z', ['b', { d: 2.5 }]],
      ['ZPOPMIN z 1', [['a', { d: 3 }]]],
      ['ZPOPMAX z 5', [['c', { d: Infinity }]]],
    ])
    db.close()
  })
})
