/**
 * Key commands: replies and errors as Redis 7.0 gives them (the expected replies
 * were recorded from a real redis-server running the same commands).
 */
import { describe, test } from 'bun:test'
import { TestDb } from '../testing.ts'

describe('key commands', () => {
  test('DEL, EXISTS, TYPE, TOUCH count the keys that exist', () => {
    const db = new TestDb()
    db.script([
      ['SET a 1', '+OK'],
      ['SET b 2', '+OK'],
      ['RPUSH l x', 1],
      ['SADD s x', 1],
      ['ZADD z 1 x', 1],
      ['HSET h f v', 1],
      ['TYPE a', '+string'],
      ['TYPE l', '+list'],
      ['TYPE s', '+set'],
      ['TYPE z', '+zset'],
      ['TYPE h', '+hash'],
      ['TYPE missing', '+none'],
      ['EXISTS a b b missing', 3],
      ['TOUCH a l missing', 2],
      ['DEL a l missing', 2],
      ['EXISTS a l', 0],
      ['UNLINK b s', 2],
      ['DBSIZE', 2],
    ])
    db.close()
  })

  test('EXPIRE with NX, XX, GT and LT, TTL and PERSIST', () => {
    const db = new TestDb()
    db.script([
      ['SET b 2', '+OK'],
      ['EXPIRE b 100', 1],
      ['TTL b', 100],
      ['EXPIRE b 100 NX', 0],
      ['EXPIRE b 200 XX', 1],
      ['EXPIRE b 50 GT', 0],
      ['EXPIRE b 500 GT', 1],
      ['EXPIRE b 600 LT', 0],
      ['EXPIRE b 100 LT', 1],
      ['TTL b', 100],
      ['PERSIST b', 1],
      ['PERSIST b', 0],
      ['TTL b', -1],
      ['EXPIRE b 100 XX', 0],
      ['EXPIRE b 100 GT', 0],
      ['EXPIRE b 100 LT', 1],
      ['TTL b', 100],
      ['PTTL missing', -2],
      ['TTL missing', -2],
      ['EXPIRE missing 10', 0],
      ['PERSIST missing', 0],
    ])
    db.close()
  })

  test('EXPIRE refuses bad options and out-of-range times', () => {
    const db = new TestDb()
    db.script([
      ['SET b 2', '+OK'],
      ['EXPIRE b 100 NX XX', '-ERR NX and XX, GT or LT options at the same time are not compatible'],
      ['EXPIRE b 100 GT LT', '-ERR GT and LT options at the same time are not compatible'],
      ['EXPIRE b 100 FOO', '-ERR Unsupported option FOO'],
      ['EXPIRE b abc', '-ERR value is not an integer or out of range'],
      ['EXPIRE b 9223372036854775807', '-ERR invalid expire time in \'expire\' command'],
      ['PEXPIRE b 9223372036854775807', '-ERR invalid expire time in \'pexpire\' command'],
      ['EXPIREAT b 9223372036854775807', '-ERR invalid expire time in \'expireat\' command'],
      ['TTL b', -1],
    ])
    db.close()
  })

  test('an expiry in the past deletes the key at once', () => {
    const db = new TestDb()
    db.script([
      ['SET b 1', '+OK'],
      ['EXPIRE b -1', 1],
      ['EXISTS b', 0],
      ['SET c 1', '+OK'],
      ['EXPIREAT c 1', 1],
      ['EXISTS c', 0],
      ['SET d 1', '+OK'],
      ['PEXPIREAT d 99999999999999', 1],
      ['EXISTS d', 1],
    ])
    db.close()
  })

  test('RENAME and RENAMENX move the value and its TTL', () => {
    const db = new TestDb()
    db.script([
      ['SET e 1', '+OK'],
      ['EXPIRE e 100', 1],
      ['RENAME e f', '+OK'],
      ['GET f', '1'],
      ['TTL f', 100],
      ['EXISTS e', 0],
      ['RENAME missing g', '-ERR no such key'],
      ['RENAMENX missing g', '-ERR no such key'],
      ['RENAME f f', '+OK'],
      ['RENAMENX f f', 0],
      ['SET g 2', '+OK'],
      ['RENAMENX f g', 0],
      ['RENAME f g', '+OK'],
      ['GET g', '1'],
      ['TTL g', 100],
      ['EXISTS f', 0],
      ['RPUSH l a b', 2],
      ['RENAME l g', '+OK'],
      ['LRANGE g 0 -1', ['a', 'b']],
    ])
    db.close()
  })

  test('COPY copies any type, REPLACE overwrites, DB is refused', () => {
    const db = new TestDb()
    db.script([
      ['SET g 2', '+OK'],
      ['COPY g h', 1],
      ['COPY g h', 0],
      ['SET g 3', '+OK'],
      ['COPY g h REPLACE', 1],
      ['GET h', '3'],
      ['COPY g g', '-ERR source and destination objects are the same'],
      ['COPY missing x', 0],
      ['COPY g h FOO', '-ERR syntax error'],
      ['RPUSH l a b c', 3],
      ['COPY l l2', 1],
      ['LRANGE l2 0 -1', ['a', 'b', 'c']],
      ['ZADD z 1 a 2 b', 2],
      ['COPY z h REPLACE', 1],
      ['ZRANGE h 0 -1 WITHSCORES', ['a', '1', 'b', '2']],
      ['TYPE h', '+zset'],
    ])
    db.close()
  })

  test('KEYS and SCAN MATCH use Redis glob patterns', () => {
    const db = new TestDb()
    db.script([
      ['MSET hello 1 hallo 2 hxllo 3 hllo 4 heeeello 5 "h[llo" 6 "h*llo" 7 a 8 "" 9', '+OK'],
      ['KEYS h?llo', ['h*llo', 'h[llo', 'hello', 'hxllo', 'hallo']],
      ['KEYS h*llo', ['h*llo', 'h[llo', 'hello', 'hllo', 'heeeello', 'hxllo', 'hallo']],
      ['KEYS h[ae]llo', ['hello', 'hallo']],
      ['KEYS h[^e]llo', ['h*llo', 'h[llo', 'hxllo', 'hallo']],
      ['KEYS h[a-b]llo', ['hallo']],
      ['KEYS "h\\\\*llo"', ['h*llo']],
      ['KEYS "h\\\\[llo"', ['h[llo']],
      ['KEYS *', ['h*llo', 'h[llo', 'hello', 'hllo', 'heeeello', 'a', 'hxllo', 'hallo', '']],
      ['KEYS h*', ['h*llo', 'h[llo', 'hello', 'hllo', 'heeeello', 'hxllo', 'hallo']],
      ['KEYS "h["', []],
      ['KEYS "[z-a]"', ['a']],
      ['KEYS "*[a"', ['a']],
    ])
    db.close()
  })

  test('SCAN checks its cursor and options', () => {
    const db = new TestDb()
    db.script([
      ['SCAN 0 COUNT 0', '-ERR syntax error'],
      ['SCAN 0 COUNT -1', '-ERR syntax error'],
      ['SCAN abc', '-ERR invalid cursor'],
      ['SCAN 0 MATCH', '-ERR syntax error'],
      ['SCAN 0 FOO bar', '-ERR syntax error'],
      ['SCAN 0 TYPE string', ['0', []]],
    ])
    db.close()
  })

  test('FLUSHDB empties the keyspace and accepts ASYNC or SYNC only', () => {
    const db = new TestDb()
    db.script([
      ['MSET a 1 b 2', '+OK'],
      ['DBSIZE', 2],
      ['FLUSHDB FOO', '-ERR syntax error'],
      ['FLUSHDB ASYNC', '+OK'],
      ['DBSIZE', 0],
      ['SET a 1', '+OK'],
      ['FLUSHDB SYNC', '+OK'],
      ['DBSIZE', 0],
      ['RANDOMKEY', null],
      ['SET only 1', '+OK'],
      ['RANDOMKEY', 'only'],
    ])
    db.close()
  })
})
