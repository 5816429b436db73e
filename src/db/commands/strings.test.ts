/**
 * String commands: replies and errors as Redis 7.0 gives them (the expected replies
 * were recorded from a real redis-server running the same commands).
 */
import { describe, test } from 'bun:test'
import { TestDb } from '../testing.ts'

describe('string commands', () => {
  test('SET stores, GET reads, NX and XX decide on existence, GET returns the old value', () => {
    const db = new TestDb()
    db.script([
      ['GET nokey', null],
      ['SET k v', '+OK'],
      ['GET k', 'v'],
      ['SET k v2 NX', null],
      ['SET k v3 XX', '+OK'],
      ['GET k', 'v3'],
      ['SET k2 v XX', null],
      ['EXISTS k2', 0],
      ['SET k v4 GET', 'v3'],
      ['SET k3 v4 GET', null],
      ['SET k v5 NX GET', 'v4'],
      ['GET k', 'v4'],
      ['SETNX k x', 0],
      ['SETNX n x', 1],
      ['GET n', 'x'],
    ])
    db.close()
  })

  test('SET refuses bad options and expiry times with Redis\'s errors', () => {
    const db = new TestDb()
    db.script([
      ['SET k v EX 0', '-ERR invalid expire time in \'set\' command'],
      ['SET k v EX -1', '-ERR invalid expire time in \'set\' command'],
      ['SET k v EX abc', '-ERR value is not an integer or out of range'],
      ['SET k v PX 9223372036854775807', '-ERR invalid expire time in \'set\' command'],
      ['SET k v EX 9223372036854775', '-ERR invalid expire time in \'set\' command'],
      ['SET k v EX 10 PX 10', '-ERR syntax error'],
      ['SET k v KEEPTTL EX 10', '-ERR syntax error'],
      ['SET k v EX 10 KEEPTTL', '-ERR syntax error'],
      ['SET k v NX XX', '-ERR syntax error'],
      ['SET k v EX', '-ERR syntax error'],
      ['SET k v FOO', '-ERR syntax error'],
      ['SETEX k 0 v', '-ERR invalid expire time in \'setex\' command'],
      ['SETEX k -5 v', '-ERR invalid expire time in \'setex\' command'],
      ['PSETEX k 0 v', '-ERR invalid expire time in \'psetex\' command'],
      ['EXISTS k', 0],
    ])
    db.close()
  })

  test('SET EX sets a TTL, KEEPTTL keeps it, a plain SET clears it', () => {
    const db = new TestDb()
    db.script([
      ['SET k v EX 100', '+OK'],
      ['TTL k', 100],
      ['SET k v EX 10 EX 20', '+OK'],
      ['TTL k', 20],
      ['SET k v2 KEEPTTL', '+OK'],
      ['TTL k', 20],
      ['SET k v3', '+OK'],
      ['TTL k', -1],
      ['SETEX k 10 v', '+OK'],
      ['TTL k', 10],
      ['PSETEX k 100000 v', '+OK'],
      ['TTL k', 100],
    ])
    db.close()
  })

  test('SET GET on a non-string is WRONGTYPE and writes nothing; plain SET replaces any type', () => {
    const db = new TestDb()
    db.script([
      ['HSET h f v', 1],
      ['SET h x GET', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['TYPE h', '+hash'],
      ['GET h', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['GETSET h x', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['SET h x', '+OK'],
      ['TYPE h', '+string'],
      ['GET h', 'x'],
    ])
    db.close()
  })

  test('MGET, MSET, MSETNX, GETSET, GETDEL', () => {
    const db = new TestDb()
    db.script([
      ['MSET a 1 b 2', '+OK'],
      ['MSET a 1 b', '-ERR wrong number of arguments for \'mset\' command'],
      ['MGET a b missing', ['1', '2', null]],
      ['HSET h f v', 1],
      ['MGET a h', ['1', null]],
      ['MSETNX a 1 c 2', 0],
      ['MSETNX c 1 d 2', 1],
      ['MGET c d', ['1', '2']],
      ['GETSET a 10', '1'],
      ['GET a', '10'],
      ['GETSET zz 10', null],
      ['GETDEL a', '10'],
      ['GETDEL a', null],
      ['EXISTS a', 0],
      ['GETDEL h', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    ])
    db.close()
  })

  test('APPEND and STRLEN', () => {
    const db = new TestDb()
    db.script([
      ['APPEND c xyz', 3],
      ['APPEND c abc', 6],
      ['GET c', 'xyzabc'],
      ['STRLEN c', 6],
      ['STRLEN nokey', 0],
      ['SET e ""', '+OK'],
      ['STRLEN e', 0],
      ['RPUSH l x', 1],
      ['STRLEN l', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['APPEND l x', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    ])
    db.close()
  })

  test('GETRANGE counts from either end and clamps; SETRANGE pads with zero bytes', () => {
    const db = new TestDb()
    db.script([
      ['SET s "Hello World"', '+OK'],
      ['GETRANGE s 0 4', 'Hello'],
      ['GETRANGE s -5 -1', 'World'],
      ['GETRANGE s -1 -5', ''],
      ['GETRANGE s 5 2', ''],
      ['GETRANGE s 0 100', 'Hello World'],
      ['GETRANGE s -100 2', 'Hel'],
      ['GETRANGE s 100 200', ''],
      ['GETRANGE nokey 0 1', ''],
      ['GETRANGE s a 1', '-ERR value is not an integer or out of range'],
      ['SETRANGE s 6 Redis', 11],
      ['GET s', 'Hello Redis'],
      ['SETRANGE s 20 X', 21],
      ['GET s', 'Hello Redis\x00\x00\x00\x00\x00\x00\x00\x00\x00X'],
      ['SETRANGE new 3 ab', 5],
      ['GET new', '\x00\x00\x00ab'],
      ['SETRANGE new2 5 ""', 0],
      ['EXISTS new2', 0],
      ['SETRANGE s 0 ""', 21],
      ['SETRANGE s -1 x', '-ERR offset is out of range'],
      ['SETRANGE s 536870912 x', '-ERR string exceeds maximum allowed size (proto-max-bulk-len)'],
    ])
    db.close()
  })

  test('INCR and friends work on 64-bit integers and refuse anything else', () => {
    const db = new TestDb()
    db.script([
      ['INCR c', 1],
      ['INCR c', 2],
      ['INCRBY c 10', 12],
      ['INCRBY c -20', -8],
      ['DECR c', -9],
      ['DECRBY c 5', -14],
      ['DECRBY c -9223372036854775808', '-ERR decrement would overflow'],
      ['INCRBY c abc', '-ERR value is not an integer or out of range'],
      ['INCRBY c 9223372036854775807', 9223372036854775793n],
      ['SET c 9223372036854775806', '+OK'],
      ['INCR c', 9223372036854775807n],
      ['INCR c', '-ERR increment or decrement would overflow'],
      ['GET c', '9223372036854775807'],
      ['SET c -9223372036854775808', '+OK'],
      ['DECR c', '-ERR increment or decrement would overflow'],
      ['INCRBY c 9223372036854775807', -1],
      ['SET c 4503599627370495', '+OK'],
      ['INCRBY c 4503599627370497', 9007199254740992n],
      ['INCRBY c 4503599627370497', 13510798882111489n],
      ['SET c 12abc', '+OK'],
      ['INCR c', '-ERR value is not an integer or out of range'],
      ['SET c " 12"', '+OK'],
      ['INCR c', '-ERR value is not an integer or out of range'],
      ['SET c 012', '+OK'],
      ['INCR c', '-ERR value is not an integer or out of range'],
      ['SET c -0', '+OK'],
      ['INCR c', '-ERR value is not an integer or out of range'],
      ['SET c 99999999999999999999', '+OK'],
      ['INCR c', '-ERR value is not an integer or out of range'],
      ['HSET h f 1', 1],
      ['INCR h', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    ])
    db.close()
  })

  test('INCRBYFLOAT computes in long double and prints like Redis', () => {
    const db = new TestDb()
    db.script([
      ['SET f 10.50', '+OK'],
      ['INCRBYFLOAT f 0.1', '10.6'],
      ['INCRBYFLOAT f -5', '5.6'],
      ['INCRBYFLOAT f 5.0e3', '5005.60000000000000009'],
      ['INCRBYFLOAT f 2.0e2', '5205.60000000000000009'],
      ['INCRBYFLOAT f 1e-17', '5205.60000000000000009'],
      ['INCRBYFLOAT g 3', '3'],
      ['INCRBYFLOAT g 0.3333333333333333333333', '3.33333333333333333'],
      ['INCRBYFLOAT g -3.3333333333333333', '0.00000000000000003'],
      ['INCRBYFLOAT y 1.23456789012345678901234567890', '1.23456789012345679'],
      ['INCRBYFLOAT y 123456789.123456789', '123456790.35802467912435532'],
      ['INCRBYFLOAT z 1e20', '100000000000000000000'],
      ['INCRBYFLOAT z 1', '100000000000000000000'],
      ['INCRBYFLOAT w 0.1', '0.1'],
      ['INCRBYFLOAT w 0.2', '0.3'],
      ['INCRBYFLOAT h -0.0', '0'],
      ['SET x 0x10', '+OK'],
      ['INCRBYFLOAT x 1', '17'],
      ['INCRBYFLOAT f abc', '-ERR value is not a valid float'],
      ['INCRBYFLOAT f inf', '-ERR increment would produce NaN or Infinity'],
      ['SET bad 1.2.3', '+OK'],
      ['INCRBYFLOAT bad 1', '-ERR value is not a valid float'],
    ])
    db.close()
  })

  test('GETEX reads and sets, changes or removes the expiry', () => {
    const db = new TestDb()
    db.script([
      ['SET k v', '+OK'],
      ['GETEX k', 'v'],
      ['GETEX k EX 100', 'v'],
      ['TTL k', 100],
      ['GETEX k PERSIST', 'v'],
      ['TTL k', -1],
      ['GETEX k PX 100000', 'v'],
      ['TTL k', 100],
      ['GETEX k EXAT 1', 'v'],
      ['EXISTS k', 0],
      ['GETEX missing EX abc', null],
      ['SET k v', '+OK'],
      ['GETEX k EX abc', '-ERR value is not an integer or out of range'],
      ['GETEX k EX 0', '-ERR invalid expire time in \'getex\' command'],
      ['GETEX k NX', '-ERR syntax error'],
      ['GETEX k PERSIST EX 10', '-ERR syntax error'],
      ['GETEX k EX 10 PERSIST', '-ERR syntax error'],
    ])
    db.close()
  })

  test('arity errors name the command in lower case; unknown commands quote their arguments', () => {
    const db = new TestDb()
    db.script([
      ['GET', '-ERR wrong number of arguments for \'get\' command'],
      ['GET a b', '-ERR wrong number of arguments for \'get\' command'],
      ['SET a', '-ERR wrong number of arguments for \'set\' command'],
      ['foo bar baz', '-ERR unknown command \'foo\', with args beginning with: \'bar\' \'baz\' '],
      ['FOO', '-ERR unknown command \'FOO\', with args beginning with: '],
      ['MSET a', '-ERR wrong number of arguments for \'mset\' command'],
    ])
    db.close()
  })
})
