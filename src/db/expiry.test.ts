import { describe, expect, test } from 'bun:test'
import { TestDb } from './testing.ts'

describe('expiry', () => {
  test('an expired key reads as missing at once, for every type and command', () => {
    const db = new TestDb()
    db.script([
      ['SET s v PX 100', '+OK'],
      ['HSET h f v', 1],
      ['PEXPIRE h 100', 1],
      ['RPUSH l a', 1],
      ['PEXPIRE l 100', 1],
      ['ZADD z 1 m', 1],
      ['PEXPIRE z 100', 1],
    ])
    db.advance(99)
    db.script([['PTTL s', 1], ['TTL s', 0], ['GET s', 'v'], ['EXISTS s h l z', 4]])
    db.advance(1)
    db.script([
      ['GET s', null],
      ['EXISTS s h l z', 0],
      ['TYPE h', '+none'],
      ['HGET h f', null],
      ['LRANGE l 0 -1', []],
      ['ZSCORE z m', null],
      ['TTL s', -2],
      ['KEYS *', []],
      ['SCAN 0', ['0', []]],
      ['RANDOMKEY', null],
      ['DBSIZE', 4], // as Redis: counted until swept
    ])
    expect(db.ks.sweepExpired(100, db.now)).toBe(4)
    db.script([['DBSIZE', 0]])
    db.close()
  })

  test('a write to an expired key starts from an empty value', () => {
    const db = new TestDb()
    db.run('RPUSH l a b')
    db.run('PEXPIRE l 10')
    db.run('SET n 5 PX 10')
    db.run('HSET h f 1')
    db.run('PEXPIRE h 10')
    db.advance(10)
    db.script([
      ['RPUSH l c', 1],
      ['LRANGE l 0 -1', ['c']],
      ['TTL l', -1],
      ['INCR n', 1],
      ['HSET h g 2', 1],
      ['HGETALL h', ['g', '2']],
      ['SET k v PX 10', '+OK'],
    ])
    db.advance(10)
    db.script([
      ['SET k w KEEPTTL', '+OK'],
      ['TTL k', -1],
      ['SETNX k again', 0],
      ['RENAME k k2', '+OK'],
    ])
    db.advance(1000)
    db.script([['SET x y EX 1', '+OK']])
    db.advance(999)
    db.script([['GET x', 'y'], ['PERSIST x', 1]])
    db.advance(10_000)
    db.script([['GET x', 'y']])
    db.close()
  })

  test('the sweeper deletes in small batches, soonest first, leaving live keys alone', () => {
    const db = new TestDb()
    for (let i = 0; i < 25; i++) db.run('SET', `k${i}`, 'v', 'PX', String(10 + i))
    db.run('SET keep v')
    db.run('SET later v PX 100000')
    db.advance(100)
    expect(db.ks.sweepExpired(10, db.now)).toBe(10)
    expect(db.ks.sweepExpired(10, db.now)).toBe(10)
    expect(db.ks.sweepExpired(10, db.now)).toBe(5)
    expect(db.ks.sweepExpired(10, db.now)).toBe(0)
    db.script([['DBSIZE', 2], ['KEYS *', ['keep', 'later']]])
    db.close()
  })

  test('the sweeper finds expiries set, moved and removed between its rounds, and atomic batches\' too', () => {
    const db = new TestDb()
    db.run('SET far v PX 100000')
    expect(db.ks.sweepExpired(10, db.now)).toBe(0) // reads the soonest expiry: far away
    db.run('SET soon v PX 20')
    db.run('PEXPIRE far 30')
    db.run('SET kept v PX 10')
    db.run('PERSIST kept')
    db.advance(15)
    expect(db.ks.sweepExpired(10, db.now)).toBe(0)
    db.advance(10)
    expect(db.ks.sweepExpired(10, db.now)).toBe(1)
    db.ks.begin()
    db.run('SET inbatch v PX 1')
    db.ks.commit()
    db.advance(10)
    expect(db.ks.sweepExpired(10, db.now)).toBe(2) // far (due at 30) and the batch's key
    db.script([['KEYS *', ['kept']]])
    db.advance(1_000_000)
    expect(db.ks.sweepExpired(10, db.now)).toBe(0)
    db.close()
  })

  test('EXAT and PXAT in the past leave nothing; EXPIRE with a negative time deletes', () => {
    const db = new TestDb()
    db.script([
      ['SET k v PXAT 1', '+OK'],
      ['EXISTS k', 0],
      ['SET k v', '+OK'],
      ['GETEX k PXAT 1', 'v'],
      ['EXISTS k', 0],
      ['SET k v', '+OK'],
      ['PEXPIRE k -5', 1],
      ['EXISTS k', 0],
      ['SET k v', '+OK'],
      ['EXPIREAT k 1700000001', 1],
      ['PTTL k', 1000],
    ])
    db.close()
  })
})
