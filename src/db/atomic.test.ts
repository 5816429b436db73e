import { describe, expect, test } from 'bun:test'
import { Keyspace } from './keyspace.ts'
import { executeAtomic } from './atomic.ts'

const enc = new TextEncoder()
const cmds = (...lines: string[]) => lines.map(l => l.split(' ').map(a => enc.encode(a)))
const ctx = () => ({ now: Date.now(), resp: 2 as const })
const get = (ks: Keyspace, key: string) => {
  const r = ks.execute(cmds(`GET ${key}`)[0]!, ctx())
  return r.t === 'bulk' && r.v != null ? new TextDecoder().decode(r.v) : null
}

describe('executeAtomic', () => {
  test('runs every command in one transaction and returns every reply', () => {
    const ks = Keyspace.open(':memory:')
    const r = executeAtomic(ks, cmds('SET a 1', 'INCR a', 'LPUSH l x'), ctx())
    expect('replies' in r && r.replies.map(x => x.t)).toEqual(['simple', 'int', 'int'])
    expect(get(ks, 'a')).toBe('2')
  })

  test('an error undoes the commands before it, even those that skip savepoints', () => {
    const ks = Keyspace.open(':memory:')
    executeAtomic(ks, cmds('SET keep 1'), ctx())
    const r = executeAtomic(ks, cmds('SET a 1', 'HSET h f v', 'INCR keep', 'INCR h'), ctx())
    expect(r).toMatchObject({ failed: 3 })
    expect([get(ks, 'a'), get(ks, 'keep')]).toEqual([null, '1'])
    expect(ks.inBatch).toBe(false)
  })

  test('a refused guard undoes the batch', () => {
    const ks = Keyspace.open(':memory:')
    const r = executeAtomic(ks, cmds('GET a', 'SET a changed'), ctx(), (i, reply) => i !== 0 || reply.t === 'bulk' && reply.v != null)
    expect(r).toMatchObject({ failed: 0 })
    expect(get(ks, 'a')).toBeNull()
  })
})
