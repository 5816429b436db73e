import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keyspace } from './keyspace.ts'
import { bytes, plain, TestDb, text } from './testing.ts'
import { dbCommands } from './commands/index.ts'

const root = mkdtempSync(join(tmpdir(), 'leither-keyspace-'))
afterAll(() => { rmSync(root, { recursive: true, force: true }) })
let files = 0
const freshPath = (): string => join(root, `ks-${files++}.db`)
const ctx = { now: 1_700_000_000_000, resp: 2 as const }
const exec = (ks: Keyspace, ...args: Array<string | Uint8Array>) =>
  plain(ks.execute(args.map(a => (typeof a === 'string' ? bytes(a) : a)), ctx), 2)

describe('Keyspace.execute', () => {
  test('finds commands in any case and checks arity with Redis\'s texts', () => {
    const db = new TestDb()
    db.script([
      ['set k v', '+OK'],
      ['GeT k', 'v'],
      ['GET', "-ERR wrong number of arguments for 'get' command"],
      ['get a b', "-ERR wrong number of arguments for 'get' command"],
      ['zadd z', "-ERR wrong number of arguments for 'zadd' command"],
      ['nosuch a "b c"', "-ERR unknown command 'nosuch', with args beginning with: 'a' 'b c' "],
    ])
    db.close()
  })

  test('answers an error, not an exception, for commands the server handles', () => {
    const db = new TestDb()
    expect(db.run('PING')).toBe("-ERR 'ping' is answered by the connection, not the keyspace")
    expect(db.ks.command('ping')?.group).toBe('connection')
    expect(db.ks.command('WATCH')?.firstKey).toBe(1)
    db.close()
  })

  test('an unknown command with a newline in its arguments still answers one line', () => {
    const db = new TestDb()
    const r = db.run('FOO', 'a\r\nb')
    expect(r).toBe("-ERR unknown command 'FOO', with args beginning with: 'a  b' ")
    db.close()
  })

  test('the registry defines each command once, with flags and key positions', () => {
    const names = dbCommands.map(c => c.name)
    expect(new Set(names).size).toBe(names.length)
    for (const c of dbCommands) {
      expect(c.name).toBe(c.name.toUpperCase())
      expect(c.flags.includes('write') && c.flags.includes('readonly')).toBe(false)
      if (c.run !== undefined && c.group !== 'server') expect(c.flags.includes('write') || c.flags.includes('readonly')).toBe(true)
    }
    const expected = ['PING', 'ECHO', 'QUIT', 'SELECT', 'AUTH', 'HELLO', 'CLIENT', 'INFO', 'COMMAND', 'MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH',
      'PUBLISH', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PSUBSCRIBE', 'PUNSUBSCRIBE', 'PUBSUB']
    for (const n of expected) expect(dbCommands.find(c => c.name === n)?.run).toBeUndefined()
  })

  test('keys and values are binary: any byte, empty strings, large values', () => {
    const db = new TestDb()
    const key = new Uint8Array([0, 255, 13, 10, 0x80, 0])
    const value = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 255)
    expect(plain(db.raw('SET', key, value))).toBe('+OK')
    const got = db.raw('GET', key)
    expect(got.t === 'bulk' && got.v !== null && Buffer.compare(got.v, value) === 0).toBe(true)
    expect(plain(db.raw('STRLEN', key))).toBe(value.length)
    expect(plain(db.raw('SET', new Uint8Array(0), new Uint8Array(0)))).toBe('+OK')
    expect(plain(db.raw('GET', new Uint8Array(0)))).toBe('')
    expect(plain(db.raw('HSET', 'h', key, key))).toBe(1)
    expect(plain(db.raw('HGET', 'h', key))).toBe(text(key))
    expect(plain(db.raw('SADD', 's', key, new Uint8Array([0])))).toBe(2)
    expect(plain(db.raw('SISMEMBER', 's', new Uint8Array([0, 255])))).toBe(0)
    const keys = plain(db.raw('KEYS', '*')) as string[]
    expect(keys.sort()).toEqual(['', 'h', 's', text(key)].sort())
    db.close()
  })

  test('64-bit integers stay exact beyond 2^53', () => {
    const db = new TestDb()
    db.script([
      ['SET n 9007199254740993', '+OK'],
      ['INCR n', 9007199254740994n],
      ['INCRBY n -9007199254740994', 0],
      ['HINCRBY h f 9223372036854775807', 9223372036854775807n],
      ['HINCRBY h f 1', '-ERR increment or decrement would overflow'],
      ['HINCRBY h f -9223372036854775807', 0],
      ['DECRBY m 9223372036854775807', -9223372036854775807n],
      ['DECR m', -9223372036854775808n],
      ['DECR m', '-ERR increment or decrement would overflow'],
      ['GET m', '-9223372036854775808'],
    ])
    db.close()
  })

  test('a command that fails leaves nothing written, inside a batch too', () => {
    const db = new TestDb()
    db.run('SET s x')
    db.ks.begin()
    expect(db.run('SET a 1')).toBe('+OK')
    // MSET checks its arity before writing; SMOVE fails on the destination after reading the source.
    expect(db.run('MSET b 1 c')).toBe("-ERR wrong number of arguments for 'mset' command")
    db.run('SADD src m')
    expect(db.run('SMOVE src s m')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value')
    db.ks.commit()
    expect(db.run('GET a')).toBe('1')
    expect(db.run('EXISTS b')).toBe(0)
    expect(db.run('SMEMBERS src')).toEqual(['m'])
    db.close()
  })
})

describe('group commit', () => {
  test('writes inside begin/commit all persist; rollback discards them', () => {
    const path = freshPath()
    const ks = Keyspace.open(path)
    ks.begin()
    for (let i = 0; i < 100; i++) exec(ks, 'SET', `k${i}`, String(i))
    exec(ks, 'RPUSH', 'l', 'a', 'b')
    ks.commit()
    const seq = ks.seq()
    ks.begin()
    exec(ks, 'SET', 'k1', 'changed')
    exec(ks, 'DEL', 'k2')
    exec(ks, 'SET', 'new', 'x')
    exec(ks, 'FLUSHDB')
    expect(exec(ks, 'DBSIZE')).toBe(0)
    ks.rollback()
    expect(ks.seq()).toBe(seq)
    expect(exec(ks, 'DBSIZE')).toBe(101)
    expect(exec(ks, 'GET', 'k1')).toBe('1')
    expect(exec(ks, 'EXISTS', 'new')).toBe(0)
    ks.close()
    const again = Keyspace.open(path)
    expect(exec(again, 'DBSIZE')).toBe(101)
    expect(exec(again, 'GET', 'k99')).toBe('99')
    expect(exec(again, 'LRANGE', 'l', '0', '-1')).toEqual(['a', 'b'])
    expect(again.seq()).toBe(seq)
    again.close()
  })

  test('a write that throws halfway is undone, and the rest of the batch stays', () => {
    const ks = Keyspace.open(':memory:')
    ks.begin()
    exec(ks, 'SET', 'before', '1')
    expect(() => ks.write(() => {
      ks.strings.set(bytes('half'), bytes('x'), ctx.now, null)
      throw new Error('disk full')
    })).toThrow('disk full')
    exec(ks, 'SET', 'after', '1')
    ks.commit()
    expect(exec(ks, 'KEYS', '*')).toEqual(['before', 'after'])
    expect(exec(ks, 'DBSIZE')).toBe(2)
    ks.close()
  })

  test('listeners hear of written keys only after the commit, once per key', () => {
    const ks = Keyspace.open(':memory:')
    const heard: string[][] = []
    const stop = ks.onWrite((keys, flushed) => heard.push([...keys.map(text), ...(flushed ? ['<flushed>'] : [])]))
    exec(ks, 'SET', 'a', '1')
    expect(heard).toEqual([['a']])
    ks.begin()
    exec(ks, 'SET', 'b', '1')
    exec(ks, 'RPUSH', 'b2', 'x', 'y')
    exec(ks, 'SET', 'b', '2')
    exec(ks, 'GET', 'a')
    expect(heard).toHaveLength(1)
    ks.commit()
    expect(heard[1]).toEqual(['b', 'b2'])
    exec(ks, 'SADD', 's', 'm')
    exec(ks, 'SADD', 's', 'm')
    expect(heard).toHaveLength(3)
    ks.begin()
    exec(ks, 'SET', 'gone', '1')
    ks.rollback()
    exec(ks, 'FLUSHDB')
    expect(heard[3]).toEqual(['<flushed>'])
    stop()
    exec(ks, 'SET', 'c', '1')
    expect(heard).toHaveLength(4)
    ks.close()
  })

  test('keyVersion changes when a key is written, deleted or expires, and not on reads', () => {
    const db = new TestDb()
    const v = () => db.ks.keyVersion(bytes('k'), db.now)
    const v0 = v()
    db.run('SET k 1')
    const v1 = v()
    expect(v1).not.toBe(v0)
    db.run('GET k')
    db.run('SADD other x')
    expect(v()).toBe(v1)
    db.run('SET k 1')
    const v2 = v()
    expect(v2).not.toBe(v1)
    db.run('PEXPIRE k 100')
    const v3 = v()
    expect(v3).not.toBe(v2)
    db.advance(100)
    const v4 = v()
    expect(v4).not.toBe(v3)
    db.ks.sweepExpired(100, db.now)
    expect(v()).not.toBe(v3)
    db.run('SET k 2')
    const v5 = v()
    db.run('DEL k')
    expect(v()).not.toBe(v5)
    db.close()
  })
})

describe('files', () => {
  test('a read-only keyspace reads and refuses every write with Redis\'s READONLY', () => {
    const path = freshPath()
    const ks = Keyspace.open(path)
    exec(ks, 'SET', 'a', '1')
    exec(ks, 'ZADD', 'z', '1', 'm')
    ks.close()
    const ro = Keyspace.open(path, { readonly: true })
    expect(exec(ro, 'GET', 'a')).toBe('1')
    expect(exec(ro, 'ZSCORE', 'z', 'm')).toBe('1')
    for (const cmd of [['SET', 'a', '2'], ['DEL', 'a'], ['FLUSHDB'], ['BLPOP', 'l', '0'], ['EXPIRE', 'a', '10']]) {
      expect(exec(ro, ...cmd)).toBe("-READONLY You can't write against a read only replica.")
    }
    expect(ro.sweepExpired()).toBe(0)
    expect(() => ro.applyChanges([])).toThrow()
    ro.begin()
    expect(exec(ro, 'GET', 'a')).toBe('1')
    ro.commit()
    ro.close()
  })

  test('opening a file that is not a keyspace fails with the path in the message', () => {
    expect(() => Keyspace.open(join(root, 'no-such-dir', 'x.db'))).toThrow(/no-such-dir/)
  })

  test('reopening keeps every type, expiry and the sequence', () => {
    const path = freshPath()
    const db = new TestDb(path)
    db.script([
      ['SET s v PX 100000', '+OK'],
      ['HSET h f v', 1],
      ['RPUSH l a b c', 3],
      ['SADD set m', 1],
      ['ZADD z 2.5 m', 1],
    ])
    const digest = db.ks.digest(db.now)
    const seq = db.ks.seq()
    db.close()
    const again = new TestDb(path)
    expect(again.ks.digest(again.now)).toBe(digest)
    expect(again.ks.seq()).toBe(seq)
    again.script([
      ['PTTL s', 100000],
      ['LRANGE l 0 -1', ['a', 'b', 'c']],
      ['ZSCORE z m', '2.5'],
    ])
    again.close()
  })
})

describe('SCAN', () => {
  test('returns every key present throughout exactly once while other keys come and go', () => {
    const db = new TestDb()
    for (let i = 0; i < 500; i++) db.run('SET', `stay:${i}`, 'x')
    const seen = new Map<string, number>()
    let cursor = '0'
    let round = 0
    do {
      const [next, keys] = db.run('SCAN', cursor, 'COUNT', '37') as [string, string[]]
      for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1)
      cursor = next
      // Meanwhile: new keys, deleted keys, overwritten and renamed-over keys.
      db.run('SET', `new:${round}`, 'x')
      db.run('DEL', `new:${round - 3}`)
      db.run('SET', `stay:${(round * 7) % 500}`, 'y')
      db.run('RPUSH', `tmp:${round}`, 'a')
      db.run('RENAME', `tmp:${round}`, `stay:${(round * 11) % 500}`)
      round++
    } while (cursor !== '0')
    for (let i = 0; i < 500; i++) expect(seen.get(`stay:${i}`)).toBe(1)
    db.close()
  })

  test('HSCAN, SSCAN and ZSCAN return every member present throughout exactly once', () => {
    const db = new TestDb()
    for (let i = 0; i < 300; i++) {
      db.run('HSET', 'h', `f${i}`, 'v')
      db.run('SADD', 's', `m${i}`)
      db.run('ZADD', 'z', String(i), `m${i}`)
    }
    for (const [cmd, key, prefix, step] of [['HSCAN', 'h', 'f', 2], ['SSCAN', 's', 'm', 1], ['ZSCAN', 'z', 'm', 2]] as const) {
      const seen = new Map<string, number>()
      let cursor = '0'
      let round = 0
      do {
        const [next, items] = db.run(cmd, key, cursor, 'COUNT', '17') as [string, string[]]
        for (let i = 0; i < items.length; i += step) seen.set(items[i]!, (seen.get(items[i]!) ?? 0) + 1)
        cursor = next
        if (cmd === 'HSCAN') db.run('HSET', 'h', `new${round}`, 'v')
        if (cmd === 'SSCAN') db.run('SADD', 's', `new${round}`)
        if (cmd === 'ZSCAN') db.run('ZADD', 'z', '1000', `new${round}`)
        round++
      } while (cursor !== '0')
      for (let i = 0; i < 300; i++) expect(seen.get(`${prefix}${i}`)).toBe(1)
    }
    db.close()
  })

  test('MATCH and TYPE filter, COUNT bounds the work per call', () => {
    const db = new TestDb()
    for (let i = 0; i < 50; i++) db.run('SET', `user:${i}`, 'x')
    for (let i = 0; i < 50; i++) db.run('RPUSH', `list:${i}`, 'x')
    const collect = (...opts: string[]): string[] => {
      const out: string[] = []
      let cursor = '0'
      do {
        const [next, keys] = db.run('SCAN', cursor, ...opts) as [string, string[]]
        expect(keys.length).toBeLessThanOrEqual(10)
        out.push(...keys)
        cursor = next
      } while (cursor !== '0')
      return out
    }
    expect(collect('MATCH', 'user:*')).toHaveLength(50)
    expect(collect('TYPE', 'list')).toHaveLength(50)
    expect(collect('TYPE', 'LIST', 'MATCH', 'list:1*')).toHaveLength(11)
    expect(collect()).toHaveLength(100)
    db.close()
  })
})

describe('blocking commands', () => {
  test('answer wait with their keys and the timeout in ms when nothing is there', () => {
    const db = new TestDb()
    db.script([
      ['BLPOP a b 1.5', { wait: ['a', 'b'], timeoutMs: 1500 }],
      ['BRPOP a 0', { wait: ['a'], timeoutMs: 0 }],
      ['BLMOVE src dst LEFT RIGHT 0.001', { wait: ['src'], timeoutMs: 1 }],
      ['BLPOP a -0.5', '-ERR timeout is negative'],
      ['BLPOP a x', '-ERR timeout is not a float or out of range'],
      ['RPUSH b v', 1],
      ['BLPOP a b 0', ['b', 'v']],
      ['RPUSH src w', 1],
      ['BLMOVE src dst LEFT RIGHT 0', 'w'],
      ['LRANGE dst 0 -1', ['w']],
    ])
    db.close()
  })
})
