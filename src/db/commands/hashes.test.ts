/**
 * Hash commands: replies and errors as Redis 7.0 gives them (the expected replies
 * were recorded from a real redis-server running the same commands).
 */
import { describe, test } from 'bun:test'
import { TestDb } from '../testing.ts'

describe('hash commands', () => {
  test('HSET, HGET, HMGET, HGETALL, HLEN, HKEYS, HVALS, HEXISTS, HSTRLEN', () => {
    const db = new TestDb()
    db.script([
      ['HSET h a 1 b 2', 2],
      ['HSET h a 3', 0],
      ['HSET h a', '-ERR wrong number of arguments for \'hset\' command'],
      ['HMSET h c 4', '+OK'],
      ['HMSET h c', '-ERR wrong number of arguments for \'hmset\' command'],
      ['HGET h a', '3'],
      ['HGET h z', null],
      ['HGET nokey a', null],
      ['HMGET h a z c', ['3', null, '4']],
      ['HMGET nokey a', [null]],
      ['HGETALL h', ['a', '3', 'b', '2', 'c', '4']],
      ['HGETALL nokey', []],
      ['HLEN h', 3],
      ['HLEN nokey', 0],
      ['HKEYS h', ['a', 'b', 'c']],
      ['HVALS h', ['3', '2', '4']],
      ['HEXISTS h a', 1],
      ['HEXISTS h z', 0],
      ['HSTRLEN h a', 1],
      ['HSTRLEN h z', 0],
    ])
    db.close()
  })

  test('HSETNX only adds; HDEL removes fields and the key with the last one', () => {
    const db = new TestDb()
    db.script([
      ['HSETNX h a x', 1],
      ['HSETNX h a y', 0],
      ['HGET h a', 'x'],
      ['HSET h b 1 c 2', 2],
      ['HDEL h a zz', 1],
      ['HLEN h', 2],
      ['HDEL h b c', 2],
      ['EXISTS h', 0],
      ['HDEL h b', 0],
    ])
    db.close()
  })

  test('HINCRBY and HINCRBYFLOAT check the field and the increment', () => {
    const db = new TestDb()
    db.script([
      ['HSET h a 5 s abc', 2],
      ['HINCRBY h a 10', 15],
      ['HINCRBY h new 5', 5],
      ['HINCRBY h s 1', '-ERR hash value is not an integer'],
      ['HINCRBY h a abc', '-ERR value is not an integer or out of range'],
      ['HINCRBY h a 9223372036854775807', '-ERR increment or decrement would overflow'],
      ['HINCRBYFLOAT h f 1.5', '1.5'],
      ['HINCRBYFLOAT h f 0.1', '1.6'],
      ['HINCRBYFLOAT h a 0.5', '15.5'],
      ['HINCRBYFLOAT h s 1', '-ERR hash value is not a float'],
      ['HINCRBYFLOAT h f inf', '-ERR value is NaN or Infinity'],
      ['HINCRBYFLOAT h f abc', '-ERR value is not a valid float'],
      ['HGETALL h', ['a', '15.5', 's', 'abc', 'new', '5', 'f', '1.6']],
    ])
    db.close()
  })

  test('hash commands on another type are WRONGTYPE', () => {
    const db = new TestDb()
    db.script([
      ['SET s x', '+OK'],
      ['HGET s a', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['HSET s a 1', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['HGETALL s', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['HLEN s', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['HSCAN s 0', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    ])
    db.close()
  })

  test('HRANDFIELD with a count returns distinct fields, or repeats with a negative count', () => {
    const db = new TestDb()
    db.script([
      ['HRANDFIELD nokey', null],
      ['HRANDFIELD nokey 5', []],
      ['HSET r a 1 b 2 c 3', 3],
      ['HRANDFIELD r 10', ['a', 'b', 'c']],
      ['HRANDFIELD r 3', ['a', 'b', 'c']],
      ['HRANDFIELD r 10 WITHVALUES', ['a', '1', 'b', '2', 'c', '3']],
      ['HRANDFIELD r 0', []],
      ['HRANDFIELD r 1 FOO', '-ERR syntax error'],
      ['HRANDFIELD r abc', '-ERR value is not an integer or out of range'],
    ])
    db.close()
  })

  test('HSCAN returns fields and values', () => {
    const db = new TestDb()
    db.script([
      ['HSET r a 1 b 2 c 3', 3],
      ['HSCAN r 0 MATCH a', ['0', ['a', '1']]],
      ['HSCAN nokey 0 FOO', ['0', []]],
      ['HSCAN r abc', '-ERR invalid cursor'],
      ['HSCAN r 0 COUNT 0', '-ERR syntax error'],
    ])
    db.close()
  })

  test('HGETALL and HRANDFIELD WITHVALUES answer RESP3 maps and pairs', () => {
    const db = new TestDb()
    db.resp = 3
    db.script([
      ['HSET h a 1 b 2', 2],
      ['HGETALL h', { map: [['a', '1'], ['b', '2']] }],
      ['HGETALL nokey', { map: [] }],
      ['HRANDFIELD h 5 WITHVALUES', [['a', '1'], ['b', '2']]],
    ])
    db.close()
  })
})
