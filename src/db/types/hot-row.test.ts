import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keyspace } from '../keyspace.ts'
import type { Put } from '../changes.ts'
import { bytes, plain, text } from '../testing.ts'

const root = mkdtempSync(join(tmpdir(), 'leither-hot-row-'))
afterAll(() => { rmSync(root, { recursive: true, force: true }) })
let files = 0
const freshPath = (): string => join(root, `ks-${files++}.db`)
const now = 1_700_000_000_000
const exec = (ks: Keyspace, ...args: string[]) => plain(ks.execute(args.map(bytes), { now, resp: 2 }), 2)

describe('the key row kept in memory during a transaction', () => {
  test('a batch of writes to one key leaves its last state in the file', () => {
    const path = freshPath()
    const ks = Keyspace.open(path)
    ks.begin()
    for (let i = 1; i <= 500; i++) expect(exec(ks, 'INCR', 'counter')).toBe(i)
    for (let i = 0; i < 300; i++) exec(ks, 'LPUSH', 'list', `v${i}`)
    for (let i = 0; i < 300; i++) exec(ks, 'HSET', 'hash', `f${i % 7}`, `v${i}`)
    for (let i = 0; i < 300; i++) exec(ks, 'SET', 'string', `v${i}`)
    for (let i = 0; i < 300; i++) exec(ks, 'ZADD', 'zset', String(i), `m${i % 5}`)
    ks.commit()
    const seq = ks.seq()
    ks.close()
    const again = Keyspace.open(path)
    expect(exec(again, 'GET', 'counter')).toBe('500')
    expect(exec(again, 'LLEN', 'list')).toBe(300)
    expect(exec(again, 'LRANGE', 'list', '0', '1')).toEqual(['v299', 'v298'])
    expect(exec(again, 'HLEN', 'hash')).toBe(7)
    expect(exec(again, 'HGET', 'hash', 'f5')).toBe('v299')
    expect(exec(again, 'GET', 'string')).toBe('v299')
    expect(exec(again, 'ZRANGE', 'zset', '-1', '-1', 'WITHSCORES')).toEqual(['m4', '299'])
    expect(again.seq()).toBe(seq)
    // Each key's row carries the sequence of its last write: a diff from just before it holds that key alone.
    const changes = [...again.changesSince(seq - 1, now)] as Put[]
    expect(changes.map(c => text(c.key))).toEqual(['zset'])
    again.close()
  })

  test('SQL reading the keys table mid-batch sees the writes kept in memory', () => {
    const ks = Keyspace.open(':memory:')
    exec(ks, 'SET', 'other', 'x')
    const base = ks.seq()
    ks.begin()
    for (let i = 0; i < 5; i++) exec(ks, 'INCR', 'c')
    exec(ks, 'RPUSH', 'l', 'a', 'b')
    exec(ks, 'RPUSH', 'l', 'c')
    const puts = [...ks.changesSince(base, now)] as Put[]
    expect(puts.map(p => [text(p.key), p.seq])).toEqual([['c', base + 5], ['l', base + 7]])
    expect(puts[0]!.type === 'string' && text(puts[0]!.value)).toBe('5')
    expect(puts[1]!.type === 'list' && puts[1]!.value.map(text)).toEqual(['a', 'b', 'c'])
    exec(ks, 'INCR', 'c')
    expect(ks.keyVersion(bytes('c'), now)).toBe(base + 8)
    exec(ks, 'EXPIRE', 'c', '100')
    expect((exec(ks, 'KEYS', '*') as string[]).length).toBe(3)
    expect(exec(ks, 'SCAN', '0', 'COUNT', '10')).toEqual(['0', ['other', 'c', 'l']])
    ks.commit()
    expect(exec(ks, 'TTL', 'c')).toBe(100)
    expect(exec(ks, 'GET', 'c')).toBe('6')
    ks.close()
  })

  test('keys of the same length are told apart', () => {
    const ks = Keyspace.open(':memory:')
    ks.begin()
    for (let i = 0; i < 3; i++) {
      exec(ks, 'INCR', 'k1')
      exec(ks, 'INCR', 'k2')
      exec(ks, 'INCRBY', 'k1', '10')
    }
    expect(exec(ks, 'MGET', 'k1', 'k2')).toEqual(['33', '3'])
    ks.commit()
    expect(exec(ks, 'MGET', 'k1', 'k2')).toEqual(['33', '3'])
    ks.close()
  })

  test('an undone savepoint forgets the changes made to the row inside it', () => {
    const ks = Keyspace.open(':memory:')
    exec(ks, 'SET', 'k', '1')
    ks.begin()
    expect(exec(ks, 'INCR', 'k')).toBe(2)
    const id = ks.keys.find(bytes('k'), now)!.id
    expect(() => ks.write(() => {
      ks.strings.update(bytes('k'), id, bytes('99'))
      ks.keys.setExpire(bytes('k'), id, now + 5000)
      throw new Error('disk full')
    })).toThrow('disk full')
    expect(exec(ks, 'GET', 'k')).toBe('2')
    expect(exec(ks, 'PTTL', 'k')).toBe(-1)
    expect(exec(ks, 'INCR', 'k')).toBe(3)
    ks.commit()
    expect(exec(ks, 'GET', 'k')).toBe('3')
    ks.close()
  })

  test('a rolled-back batch leaves the row as it was, and the next batch reads it afresh', () => {
    const ks = Keyspace.open(':memory:')
    exec(ks, 'RPUSH', 'l', 'a')
    exec(ks, 'SET', 'n', '10')
    ks.begin()
    exec(ks, 'INCR', 'n')
    exec(ks, 'RPUSH', 'l', 'b', 'c')
    exec(ks, 'LPOP', 'l')
    ks.rollback()
    expect(exec(ks, 'GET', 'n')).toBe('10')
    expect(exec(ks, 'LRANGE', 'l', '0', '-1')).toEqual(['a'])
    ks.begin()
    expect(exec(ks, 'INCR', 'n')).toBe(11)
    expect(exec(ks, 'RPUSH', 'l', 'z')).toBe(2)
    ks.commit()
    expect(exec(ks, 'LRANGE', 'l', '0', '-1')).toEqual(['a', 'z'])
    ks.close()
  })

  test('a write from another connection between two batches is seen by the second', () => {
    const path = freshPath()
    const one = Keyspace.open(path)
    const two = Keyspace.open(path)
    one.begin()
    expect(exec(one, 'INCR', 'c')).toBe(1)
    one.commit()
    expect(exec(two, 'INCR', 'c')).toBe(2)
    expect(exec(two, 'RPUSH', 'l', 'x')).toBe(1)
    one.begin()
    expect(exec(one, 'INCR', 'c')).toBe(3)
    expect(exec(one, 'RPUSH', 'l', 'y')).toBe(2)
    one.commit()
    expect(exec(two, 'LRANGE', 'l', '0', '-1')).toEqual(['x', 'y'])
    one.close()
    two.close()
  })

  test('a key deleted, expired, renamed or retyped mid-batch is read again', () => {
    const ks = Keyspace.open(':memory:')
    ks.begin()
    exec(ks, 'INCR', 'k')
    exec(ks, 'DEL', 'k')
    expect(exec(ks, 'INCR', 'k')).toBe(1)
    exec(ks, 'RENAME', 'k', 'j')
    expect(exec(ks, 'GET', 'k')).toBe(null)
    expect(exec(ks, 'INCR', 'j')).toBe(2)
    exec(ks, 'PEXPIRE', 'j', '1')
    expect(plain(ks.execute(['INCR', 'j'].map(bytes), { now: now + 5, resp: 2 }), 2)).toBe(1)
    exec(ks, 'HSET', 'j2', 'f', 'v')
    exec(ks, 'SET', 'j2', 'now a string')
    expect(exec(ks, 'TYPE', 'j2')).toBe('+string')
    expect(exec(ks, 'HSET', 'j2', 'f', 'v')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value')
    ks.commit()
    expect(exec(ks, 'MGET', 'k', 'j', 'j2')).toEqual([null, '1', 'now a string'])
    ks.close()
  })

  test('nothing is kept outside a transaction', () => {
    const ks = Keyspace.open(':memory:')
    exec(ks, 'INCR', 'c')
    exec(ks, 'GET', 'c')
    expect(ks.keys.hot.active).toBe(false)
    expect(ks.keys.hot.is(bytes('c'))).toBe(false)
    ks.begin()
    exec(ks, 'GET', 'c')
    expect(ks.keys.hot.is(bytes('c'))).toBe(true)
    ks.commit()
    expect(ks.keys.hot.is(bytes('c'))).toBe(false)
    ks.close()
  })
})
