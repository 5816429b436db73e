/**
 * Set commands: replies and errors as Redis 7.0 gives them (the expected replies
 * were recorded from a real redis-server running the same commands).
 */
import { describe, test } from 'bun:test'
import { TestDb } from '../testing.ts'

describe('set commands', () => {
  test('SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS', () => {
    const db = new TestDb()
    db.script([
      ['SADD s a b c', 3],
      ['SADD s a d', 1],
      ['SCARD s', 4],
      ['SISMEMBER s a', 1],
      ['SISMEMBER s z', 0],
      ['SMISMEMBER s a z b', [1, 0, 1]],
      ['SMISMEMBER nokey a', [0]],
      ['SMEMBERS s', ['d', 'c', 'b', 'a']],
      ['SMEMBERS nokey', []],
      ['SREM s a z', 1],
      ['SREM nokey a', 0],
      ['SREM s b c d', 3],
      ['EXISTS s', 0],
    ])
    db.close()
  })

  test('SINTER, SUNION, SDIFF and their STORE forms', () => {
    const db = new TestDb()
    db.script([
      ['SADD s a b c d', 4],
      ['SADD t c d e', 3],
      ['SINTER s t', ['d', 'c']],
      ['SINTER s nokey', []],
      ['SUNION s t nokey', ['d', 'c', 'b', 'e', 'a']],
      ['SDIFF s t', ['b', 'a']],
      ['SDIFF nokey s', []],
      ['SDIFF s nokey', ['b', 'c', 'd', 'a']],
      ['SINTERSTORE d s t', 2],
      ['SMEMBERS d', ['c', 'd']],
      ['SUNIONSTORE d s t', 5],
      ['SMEMBERS d', ['d', 'c', 'b', 'e', 'a']],
      ['SDIFFSTORE d s t', 2],
      ['SMEMBERS d', ['b', 'a']],
      ['SINTERSTORE d s nokey', 0],
      ['EXISTS d', 0],
      ['SUNIONSTORE s s t', 5],
      ['SMEMBERS s', ['d', 'c', 'b', 'e', 'a']],
      ['SET str x', '+OK'],
      ['SINTER s str', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['SINTER nokey str', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['SUNIONSTORE str s t', 5],
      ['TYPE str', '+set'],
    ])
    db.close()
  })

  test('SINTERCARD counts up to a LIMIT', () => {
    const db = new TestDb()
    db.script([
      ['SADD s a b c d', 4],
      ['SADD t c d e', 3],
      ['SINTERCARD 2 s t', 2],
      ['SINTERCARD 2 s t LIMIT 1', 1],
      ['SINTERCARD 2 s t LIMIT 0', 2],
      ['SINTERCARD 2 s nokey', 0],
      ['SINTERCARD 0 s', '-ERR numkeys should be greater than 0'],
      ['SINTERCARD 3 s t', '-ERR Number of keys can\'t be greater than number of args'],
      ['SINTERCARD 1 s LIMIT -1', '-ERR LIMIT can\'t be negative'],
      ['SINTERCARD 1 s FOO', '-ERR syntax error'],
      ['SINTERCARD x s', '-ERR numkeys should be greater than 0'],
    ])
    db.close()
  })

  test('SMOVE moves a member between sets', () => {
    const db = new TestDb()
    db.script([
      ['SADD s a b c', 3],
      ['SADD t x', 1],
      ['SMOVE s t b', 1],
      ['SMOVE s t zz', 0],
      ['SMOVE nokey t a', 0],
      ['SMOVE s s c', 1],
      ['SMOVE s new c', 1],
      ['SMEMBERS new', ['c']],
      ['SMEMBERS s', ['a']],
      ['SET str x', '+OK'],
      ['SMOVE s str a', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['SMOVE str s a', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    ])
    db.close()
  })

  test('SPOP and SRANDMEMBER check their count', () => {
    const db = new TestDb()
    db.script([
      ['SADD t b c d e', 4],
      ['SPOP nokey', null],
      ['SPOP nokey 3', []],
      ['SPOP t -1', '-ERR value is out of range, must be positive'],
      ['SPOP t 0', []],
      ['SPOP t 1 2', '-ERR syntax error'],
      ['SRANDMEMBER nokey', null],
      ['SRANDMEMBER nokey 3', []],
      ['SRANDMEMBER t 0', []],
      ['SRANDMEMBER t 100', ['d', 'c', 'b', 'e']],
      ['SRANDMEMBER t 1 2', '-ERR syntax error'],
      ['SADD one x', 1],
      ['SPOP one 5', ['x']],
      ['EXISTS one', 0],
      ['SADD two x', 1],
      ['SRANDMEMBER two -3', ['x', 'x', 'x']],
      ['SPOP two', 'x'],
      ['EXISTS two', 0],
    ])
    db.close()
  })

  test('SMEMBERS and SPOP with a count answer RESP3 sets', () => {
    const db = new TestDb()
    db.resp = 3
    db.script([
      ['SADD s a', 1],
      ['SMEMBERS s', { set: ['a'] }],
      ['SINTER s s', { set: ['a'] }],
      ['SRANDMEMBER s 5', ['a']],
      ['SPOP s 5', { set: ['a'] }],
      ['SPOP s 5', { set: [] }],
    ])
    db.close()
  })
})
