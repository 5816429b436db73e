import { describe, expect, test } from 'bun:test'
import { openDatabase } from '../store/index.ts'
import { TrackedDatabase } from './tracked-db.ts'
import { Keyspace } from './keyspace.ts'
import { REGISTRY } from './registry.ts'
import type { Entry } from './registry.ts'
import { fail } from './args.ts'
import { STRING } from './types/keys.ts'
import { define, checksFirst } from './commands/util.ts'
import { dbCommands } from './commands/index.ts'
import { bytes, plain } from './testing.ts'

const now = 1_700_000_000_000
const exec = (ks: Keyspace, ...args: string[]) => plain(ks.execute(args.map(bytes), { now, resp: 2 }), 2)

describe('TrackedDatabase', () => {
  test('counts every statement that may write, and announces those on the keys table', () => {
    const db = new TrackedDatabase(openDatabase(':memory:'))
    const heard: boolean[] = []
    db.onKeys = write => heard.push(write)
    db.exec('CREATE TABLE keys (k INTEGER); CREATE TABLE other (k INTEGER)')
    expect(db.writes).toBe(1)
    expect(heard).toEqual([true])
    db.prepare('INSERT INTO other VALUES (?)').run(1)
    db.prepare('SELECT k FROM other').all()
    expect([db.writes, heard.length]).toEqual([2, 1])
    db.prepare('INSERT INTO keys VALUES (?)').run(1)
    db.prepare('  select k FROM keys').get()
    db.prepare('WITH x AS (SELECT 1) DELETE FROM other').run()
    expect(db.writes).toBe(4)
    expect(heard).toEqual([true, true, false])
    db.prepareQuiet('UPDATE keys SET k = 2').run()
    expect([db.writes, heard.length]).toEqual([4, 3])
    db.close()
  })
})

describe('commands that run without a savepoint inside a batch', () => {
  test('are write commands whose errors come first: the batch goes on after them', () => {
    for (const c of dbCommands) if (c.checksFirst === true) expect(c.flags).toContain('write')
    const ks = Keyspace.open(':memory:')
    exec(ks, 'SET', 's', 'text')
    ks.begin()
    expect(exec(ks, 'LPUSH', 's', 'x')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value')
    expect(exec(ks, 'INCR', 's')).toBe('-ERR value is not an integer or out of range')
    expect(exec(ks, 'HSET', 'h', 'f')).toBe("-ERR wrong number of arguments for 'hset' command")
    expect(exec(ks, 'SET', 'n', '1', 'PX', '0')).toBe("-ERR invalid expire time in 'set' command")
    expect(exec(ks, 'ZADD', 'z', 'NX', 'XX', '1', 'm')).toBe('-ERR XX and NX options at the same time are not compatible')
    exec(ks, 'SET', 'big', '9223372036854775807')
    expect(exec(ks, 'INCR', 'big')).toBe('-ERR increment or decrement would overflow')
    expect(exec(ks, 'RPUSH', 'l', 'a')).toBe(1)
    ks.commit()
    expect((exec(ks, 'KEYS', '*') as string[]).sort()).toEqual(['big', 'l', 's'])
    expect(exec(ks, 'GET', 'big')).toBe('9223372036854775807')
    ks.close()
  })

  test('one that answers an error after writing undoes its whole batch, and no reply of it may be sent', () => {
    // A command breaking its promise to find its errors first (as a failing disk would make any command do).
    const cmd = checksFirst(define('TESTBREAKS', 2, ['write'], [1, 1, 1], 'strings', 'test', (ks, args) => {
      ks.keys.create(args[1]!, STRING, null, 0, 0, bytes('half'))
      fail('ERR too late')
    }))
    const entry: Entry = { cmd, name: 'testbreaks', arity: 2, write: true, checksFirst: true, run: cmd.run }
    REGISTRY.set('TESTBREAKS', entry)
    try {
      const ks = Keyspace.open(':memory:')
      exec(ks, 'SET', 'before', '0')
      ks.begin()
      expect(exec(ks, 'INCR', 'before')).toBe(1)
      expect(exec(ks, 'SET', 'a', '1')).toBe('+OK')
      const broken = "-ERR testbreaks failed after writing (ERR too late); the batch it was in is undone"
      expect(exec(ks, 'TESTBREAKS', 'junk')).toBe(broken)
      expect(exec(ks, 'GET', 'a')).toBe(broken)
      expect(() => ks.commit()).toThrow('failed after writing')
      expect(ks.inBatch).toBe(false)
      expect(exec(ks, 'MGET', 'before', 'a', 'junk')).toEqual(['0', null, null])
      // The next batch is a fresh one.
      ks.begin()
      expect(exec(ks, 'INCR', 'before')).toBe(1)
      ks.commit()
      expect(exec(ks, 'GET', 'before')).toBe('1')
      ks.close()
    } finally {
      REGISTRY.delete('TESTBREAKS')
    }
  })

  test('outside a batch such a command still has its own transaction, undone on error', () => {
    const cmd = checksFirst(define('TESTBREAKS2', 2, ['write'], [1, 1, 1], 'strings', 'test', (ks, args) => {
      ks.keys.create(args[1]!, STRING, null, 0, 0, bytes('half'))
      fail('ERR too late')
    }))
    REGISTRY.set('TESTBREAKS2', { cmd, name: 'testbreaks2', arity: 2, write: true, checksFirst: true, run: cmd.run })
    try {
      const ks = Keyspace.open(':memory:')
      expect(exec(ks, 'TESTBREAKS2', 'junk')).toBe('-ERR too late')
      expect(exec(ks, 'EXISTS', 'junk')).toBe(0)
      expect(exec(ks, 'SET', 'a', '1')).toBe('+OK')
      ks.close()
    } finally {
      REGISTRY.delete('TESTBREAKS2')
    }
  })
})

describe('command lookup', () => {
  test('a name array changed in place after a lookup finds the new command', () => {
    const ks = Keyspace.open(':memory:')
    const name = bytes('GET')
    expect(plain(ks.execute([name, bytes('k')], { now, resp: 2 }), 2)).toBe(null)
    name.set(bytes('SET'))
    expect(plain(ks.execute([name, bytes('k'), bytes('v')], { now, resp: 2 }), 2)).toBe('+OK')
    expect(plain(ks.execute([bytes('get'), bytes('k')], { now, resp: 2 }), 2)).toBe('v')
    ks.close()
  })
})
