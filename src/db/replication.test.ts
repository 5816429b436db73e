import { describe, expect, test } from 'bun:test'
import { decodeChanges, encodeChanges } from './changes.ts'
import type { Change } from './changes.ts'
import { TestDb, text } from './testing.ts'

const WRITES = [
  'SET s1 hello',
  'SET s2 "bin\\x00\\xff"',
  'HSET h a 1 b 2 c 3',
  'RPUSH l x y z',
  'LPUSH l w',
  'SADD set m1 m2 m3',
  'ZADD z 1 a 2.5 b -inf c',
  'SET ttl v PX 50000',
  'SET gone v',
  'DEL gone',
]

const summary = (changes: Iterable<Change>): string[] =>
  [...changes].map(c => (c.op === 'reset' ? 'reset' : `${c.op} ${text(c.key)}`))

/** Copies a to b through the wire encoding, as a provider receives it. */
function ship(from: TestDb, since: number, to: TestDb): Uint8Array {
  const bytes = encodeChanges(from.ks.changesSince(since, from.now))
  to.ks.applyChanges(decodeChanges(bytes))
  return bytes
}

describe('digest', () => {
  test('is equal for equal content, whatever order and history the writes had', () => {
    const a = new TestDb()
    const b = new TestDb()
    for (const w of WRITES) a.run(w)
    for (const w of [...WRITES].reverse()) b.run(w)
    // b's reversed order gets some values wrong: bring them to a's content by other paths.
    b.run('DEL l')
    b.run('RPUSH l w x y z')
    b.run('DEL gone')
    b.run('HSET h c 3')
    b.run('HDEL h zz')
    b.run('ZINCRBY z 0 a')
    expect(b.ks.digest(b.now)).toBe(a.ks.digest(a.now))
    expect(b.ks.seq()).not.toBe(a.ks.seq())
    b.run('HSET h c 4')
    expect(b.ks.digest(b.now)).not.toBe(a.ks.digest(a.now))
    a.close()
    b.close()
  })

  test('covers types, values and expiry times', () => {
    const a = new TestDb()
    const b = new TestDb()
    a.run('SET k 1')
    b.run('RPUSH k 1')
    expect(a.ks.digest(a.now)).not.toBe(b.ks.digest(b.now))
    b.run('DEL k')
    b.run('SET k 1 PX 1000')
    expect(a.ks.digest(a.now)).not.toBe(b.ks.digest(b.now))
    b.run('PERSIST k')
    expect(a.ks.digest(a.now)).toBe(b.ks.digest(b.now))
    a.close()
    b.close()
  })

  test('leaves out keys that have expired, swept or not', () => {
    const a = new TestDb()
    const b = new TestDb()
    a.run('SET k v')
    b.run('SET k v')
    b.run('SET old v PX 10')
    b.advance(10)
    a.advance(10)
    expect(b.ks.digest(b.now)).toBe(a.ks.digest(a.now))
    b.ks.sweepExpired(10, b.now)
    expect(b.ks.digest(b.now)).toBe(a.ks.digest(a.now))
    a.close()
    b.close()
  })
})

describe('changesSince and applyChanges', () => {
  test('bring a copy taken at a sequence up to date, deletes and expiries included', () => {
    const origin = new TestDb()
    for (const w of WRITES) origin.run(w)
    origin.run('SET expiring v PX 100')
    const copy = new TestDb()
    ship(origin, 0, copy)
    expect(copy.ks.digest(copy.now)).toBe(origin.ks.digest(origin.now))
    const at = origin.ks.seq()
    expect(copy.ks.seq()).toBe(at)

    origin.run('SET s1 changed')
    origin.run('DEL s2')
    origin.run('HDEL h a')
    origin.run('LPOP l')
    origin.run('SREM set m1 m2 m3')
    origin.run('ZADD z 7 d')
    origin.run('RENAME ttl renamed')
    origin.run('SET fresh 1')
    origin.advance(200)
    copy.advance(200)
    origin.ks.sweepExpired(100, origin.now)
    const changes = summary(origin.ks.changesSince(at, origin.now))
    expect(changes.sort()).toEqual(['del expiring', 'del s2', 'del set', 'del ttl', 'put fresh', 'put h', 'put l', 'put renamed', 'put s1', 'put z'].sort())
    ship(origin, at, copy)
    expect(copy.ks.digest(copy.now)).toBe(origin.ks.digest(origin.now))
    expect(copy.run('GET s1')).toBe('changed')
    expect(copy.run('EXISTS set s2 ttl expiring')).toBe(0)
    expect(copy.ks.seq()).toBe(origin.ks.seq())
    origin.close()
    copy.close()
  })

  test('report a key that expired but was not swept as deleted', () => {
    const origin = new TestDb()
    origin.run('SET a 1')
    const at = origin.ks.seq()
    origin.run('SET b 1 PX 10')
    origin.advance(20)
    expect(summary(origin.ks.changesSince(at, origin.now))).toEqual(['del b'])
    origin.close()
  })

  test('are in (seq, key) order and encode to the same bytes every time', () => {
    const origin = new TestDb()
    origin.run('MSET b 1 a 2 c 3')
    origin.run('SET a 3')
    origin.run('DEL c')
    expect(summary(origin.ks.changesSince(0, origin.now))).toEqual(['put b', 'put a', 'del c'])
    const one = encodeChanges(origin.ks.changesSince(0, origin.now))
    const two = encodeChanges(origin.ks.changesSince(0, origin.now))
    expect(Buffer.compare(one, two)).toBe(0)
    origin.close()
  })

  test('after FLUSHDB a diff from before it starts with a reset and carries everything', () => {
    const origin = new TestDb()
    origin.run('MSET a 1 b 2')
    const copy = new TestDb()
    ship(origin, 0, copy)
    const at = origin.ks.seq()
    origin.run('FLUSHDB')
    origin.run('SET c 3')
    expect(summary(origin.ks.changesSince(at, origin.now))).toEqual(['reset', 'put c'])
    ship(origin, at, copy)
    expect(copy.run('KEYS *')).toEqual(['c'])
    expect(copy.ks.digest(copy.now)).toBe(origin.ks.digest(origin.now))
    const later = origin.ks.seq()
    origin.run('SET d 4')
    expect(summary(origin.ks.changesSince(later, origin.now))).toEqual(['put d'])
    origin.close()
    copy.close()
  })

  test('after compacting tombstones a diff from before them is a full copy', () => {
    const origin = new TestDb()
    origin.run('MSET a 1 b 2')
    const copy = new TestDb()
    ship(origin, 0, copy)
    const at = origin.ks.seq()
    origin.run('DEL a')
    origin.run('SET c 3')
    origin.ks.compactTombstones(origin.ks.seq())
    const changes = summary(origin.ks.changesSince(at, origin.now))
    expect(changes[0]).toBe('reset')
    ship(origin, at, copy)
    expect(copy.ks.digest(copy.now)).toBe(origin.ks.digest(origin.now))
    origin.close()
    copy.close()
  })

  test('a provider relays what it received to the next one, deletions included', () => {
    const origin = new TestDb()
    const middle = new TestDb()
    const last = new TestDb()
    origin.run('MSET a 1 b 2')
    ship(origin, 0, middle)
    ship(middle, 0, last)
    const at = origin.ks.seq()
    origin.run('DEL a')
    origin.run('SADD s x')
    ship(origin, at, middle)
    ship(middle, at, last)
    expect(last.ks.digest(last.now)).toBe(origin.ks.digest(origin.now))
    origin.close()
    middle.close()
    last.close()
  })

  test('a diff of a few changes to many keys is small', () => {
    const origin = new TestDb()
    origin.ks.begin()
    for (let i = 0; i < 2000; i++) origin.run('SET', `key:${i}`, 'x'.repeat(100))
    origin.ks.commit()
    const full = encodeChanges(origin.ks.dump(origin.now)).length
    const at = origin.ks.seq()
    for (let i = 0; i < 10; i++) origin.run('SET', `key:${i}`, 'changed')
    for (let i = 10; i < 15; i++) origin.run('DEL', `key:${i}`)
    const diff = encodeChanges(origin.ks.changesSince(at, origin.now)).length
    expect(diff).toBeLessThan(full / 100)
    origin.close()
  })

  test('dump into an empty keyspace gives an equal digest', () => {
    const origin = new TestDb()
    for (const w of WRITES) origin.run(w)
    origin.run('DEL l')
    const copy = new TestDb()
    copy.ks.applyChanges(decodeChanges(encodeChanges(origin.ks.dump(origin.now))))
    expect(copy.ks.digest(copy.now)).toBe(origin.ks.digest(origin.now))
    expect(copy.run('ZRANGE z 0 -1 WITHSCORES')).toEqual(['c', '-inf', 'a', '1', 'b', '2.5'])
    expect(copy.run('PTTL ttl')).toBe(50000)
    origin.close()
    copy.close()
  })

  test('applying changes inside a batch joins the batch', () => {
    const origin = new TestDb()
    origin.run('SET a 1')
    const copy = new TestDb()
    copy.ks.begin()
    copy.ks.applyChanges(origin.ks.changesSince(0, origin.now))
    copy.ks.rollback()
    expect(copy.run('EXISTS a')).toBe(0)
    origin.close()
    copy.close()
  })
})
