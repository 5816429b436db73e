/**
 * Long random sequences of list, set, sorted-set and hash commands checked
 * against plain JavaScript models: positions, gaps closed by LREM and
 * LINSERT from either side, set algebra and score order at sizes the
 * recorded Redis scripts do not reach.
 */
import { describe, expect, test } from 'bun:test'
import { TestDb } from '../testing.ts'

function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

describe('against a model', () => {
  test('lists keep their order through pushes, pops, LINSERT, LREM, LSET and LTRIM', () => {
    const db = new TestDb()
    const rnd = random(11)
    const pick = (n: number): number => Math.floor(rnd() * n)
    let model: string[] = []
    const values = ['a', 'b', 'c', 'd', 'e']
    for (let step = 0; step < 4000; step++) {
      const v = values[pick(values.length)]!
      const op = pick(9)
      if (op === 0) { db.run('LPUSH', 'l', v); model.unshift(v) }
      else if (op === 1 || op === 8) { db.run('RPUSH', 'l', v, v); model.push(v, v) }
      else if (op === 2 && model.length > 0) { expect(db.run('LPOP', 'l')).toBe(model.shift()!) }
      else if (op === 3 && model.length > 0) { expect(db.run('RPOP', 'l')).toBe(model.pop()!) }
      else if (op === 4) {
        const pivot = values[pick(values.length)]!
        const after = rnd() < 0.5
        const at = model.indexOf(pivot)
        const r = db.run('LINSERT', 'l', after ? 'AFTER' : 'BEFORE', pivot, 'X')
        if (model.length === 0) expect(r).toBe(0)
        else if (at < 0) expect(r).toBe(-1)
        else { model.splice(after ? at + 1 : at, 0, 'X'); expect(r).toBe(model.length) }
      } else if (op === 5) {
        const count = pick(5) - 2
        let removed = 0
        if (count >= 0) {
          model = model.filter(x => (x === v && (count === 0 || removed < count) ? (removed++, false) : true))
        } else {
          const kept: string[] = []
          for (let i = model.length - 1; i >= 0; i--) {
            if (model[i] === v && removed < -count) removed++
            else kept.unshift(model[i]!)
          }
          model = kept
        }
        expect(db.run('LREM', 'l', String(count), v)).toBe(removed)
      } else if (op === 6 && model.length > 0) {
        const i = pick(model.length * 2) - model.length
        db.run('LSET', 'l', String(i), 'S')
        model[i < 0 ? model.length + i : i] = 'S'
      } else if (op === 7 && model.length > 20) {
        const start = pick(3)
        db.run('LTRIM', 'l', String(start), '-2')
        model = model.slice(start, -1)
      }
      if (step % 97 === 0 || step > 3990) {
        expect(db.run('LRANGE', 'l', '0', '-1')).toEqual(model)
        expect(db.run('LLEN', 'l')).toBe(model.length)
        if (model.length > 0) expect(db.run('LINDEX', 'l', String(Math.floor(model.length / 2)))).toBe(model[Math.floor(model.length / 2)]!)
      }
    }
    db.close()
  })

  test('sets and sorted sets agree with the model after thousands of changes', () => {
    const db = new TestDb()
    const rnd = random(5)
    const pick = (n: number): number => Math.floor(rnd() * n)
    const sets = [new Set<string>(), new Set<string>()]
    const zset = new Map<string, number>()
    for (let step = 0; step < 3000; step++) {
      const m = `m${pick(200)}`
      const which = pick(2)
      const op = pick(4)
      if (op === 0) { db.run('SADD', `s${which}`, m); sets[which]!.add(m) }
      else if (op === 1) { db.run('SREM', `s${which}`, m); sets[which]!.delete(m) }
      else if (op === 2) { const score = pick(50) / 4; db.run('ZADD', 'z', String(score), m); zset.set(m, score) }
      else { db.run('ZREM', 'z', m); zset.delete(m) }
    }
    const sorted = (xs: Iterable<string>): string[] => [...xs].sort()
    const [a, b] = sets as [Set<string>, Set<string>]
    expect(sorted(db.run('SMEMBERS s0') as string[])).toEqual(sorted(a))
    expect(sorted(db.run('SINTER s0 s1') as string[])).toEqual(sorted([...a].filter(x => b.has(x))))
    expect(sorted(db.run('SUNION s0 s1') as string[])).toEqual(sorted(new Set([...a, ...b])))
    expect(sorted(db.run('SDIFF s0 s1') as string[])).toEqual(sorted([...a].filter(x => !b.has(x))))
    expect(db.run('SINTERCARD 2 s0 s1')).toBe([...a].filter(x => b.has(x)).length)
    const order = [...zset.entries()].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1))
    expect(db.run('ZRANGE z 0 -1')).toEqual(order.map(e => e[0]))
    expect(db.run('ZREVRANGE z 0 4')).toEqual(order.slice(-5).reverse().map(e => e[0]))
    const [member] = order[Math.floor(order.length / 2)]!
    expect(db.run('ZRANK', 'z', member)).toBe(Math.floor(order.length / 2))
    expect(db.run('ZCOUNT z (2 5')).toBe(order.filter(e => e[1] > 2 && e[1] <= 5).length)
    expect(db.run('ZRANGEBYSCORE z 3 3')).toEqual(order.filter(e => e[1] === 3).map(e => e[0]))
    db.close()
  })

  test('SPOP, SRANDMEMBER and HRANDFIELD return distinct members for a positive count', () => {
    const db = new TestDb()
    for (let i = 0; i < 100; i++) {
      db.run('SADD', 's', `m${i}`)
      db.run('HSET', 'h', `f${i}`, String(i))
    }
    for (const count of [1, 5, 40, 70, 99]) {
      const r = db.run('SRANDMEMBER', 's', String(count)) as string[]
      expect(new Set(r).size).toBe(count)
      const f = db.run('HRANDFIELD', 'h', String(count), 'WITHVALUES') as string[]
      expect(f).toHaveLength(count * 2)
      for (let i = 0; i < f.length; i += 2) expect(f[i]).toBe(`f${f[i + 1]}`)
    }
    expect(db.run('SRANDMEMBER s -300')).toHaveLength(300)
    const popped = db.run('SPOP s 60') as string[]
    expect(new Set(popped).size).toBe(60)
    expect(db.run('SCARD s')).toBe(40)
    for (const m of popped) expect(db.run('SISMEMBER', 's', m)).toBe(0)
    db.close()
  })
})
