/**
 * The SDK's key encoding: byte order of the encodings must be IndexedDB's
 * key order, and decoding must give the key back — checked on random keys
 * against a direct implementation of IndexedDB's comparison.
 */
import { describe, expect, test } from 'bun:test'
import './leither.js'

const L = (globalThis as any).Leither

/** IndexedDB's key comparison (types: number < Date < string < array), strings by code point. */
function idbCompare(a: any, b: any): number {
  const rank = (k: any) => typeof k === 'number' ? 1 : k instanceof Date ? 2 : typeof k === 'string' ? 3 : 4
  const ra = rank(a), rb = rank(b)
  if (ra !== rb) return ra - rb
  if (ra === 1) return a === b ? 0 : a < b ? -1 : 1
  if (ra === 2) return a.getTime() === b.getTime() ? 0 : a.getTime() < b.getTime() ? -1 : 1
  if (ra === 3) {
    const x = [...a].map(c => c.codePointAt(0)!), y = [...b].map(c => c.codePointAt(0)!)
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
    return x.length - y.length
  }
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = idbCompare(a[i], b[i])
    if (c !== 0) return c
  }
  return a.length - b.length
}

function randomKey(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * (depth > 1 ? 3 : 4))
  if (pick === 0) {
    const specials = [0, -0, 1, -1, 0.5, -0.5, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, -(2 ** 53)]
    return rand() < 0.3 ? specials[Math.floor(rand() * specials.length)] : (rand() - 0.5) * 10 ** Math.floor(rand() * 20)
  }
  if (pick === 1) return new Date(Math.floor((rand() - 0.3) * 4e12))
  if (pick === 2) {
    const alphabet = ['', 'a', 'b', 'ab', '\x00', '\x01', '\x02', 'z', 'é', '中', '😀', '5', '0']
    let s = ''
    const n = Math.floor(rand() * 4)
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)]
    return s
  }
  const n = Math.floor(rand() * 4)
  return Array.from({ length: n }, () => randomKey(rand, depth + 1))
}

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
}

describe('SDK key encoding', () => {
  test('orders random keys as IndexedDB does, and decodes back', () => {
    const rand = seeded(42)
    const keys = Array.from({ length: 3000 }, () => randomKey(rand))
    for (const k of keys) {
      const back = L.keys.decode(L.keys.encode(k))
      expect(idbCompare(back, k)).toBe(0)
    }
    for (let i = 0; i < 20000; i++) {
      const a = keys[Math.floor(rand() * keys.length)], b = keys[Math.floor(rand() * keys.length)]
      const ea = L.keys.encode(a), eb = L.keys.encode(b)
      const byBytes = Buffer.compare(Buffer.from(ea, 'utf8'), Buffer.from(eb, 'utf8'))
      expect([Math.sign(byBytes), a, b]).toEqual([Math.sign(idbCompare(a, b)), a, b])
    }
  })

  test('no encoding is a prefix of another (an index entry is enc(indexKey) + enc(key))', () => {
    const rand = seeded(7)
    const encoded = [...new Set(Array.from({ length: 800 }, () => L.keys.encode(randomKey(rand))))]
    for (const a of encoded) for (const b of encoded) if (a !== b) expect(b.startsWith(a)).toBe(false)
  })

  test('refuses what is not a key', () => {
    for (const bad of [NaN, new Date(NaN), null, undefined, {}, true, [1, {}]]) {
      expect(() => L.keys.encode(bad)).toThrow()
    }
  })

  test('key ranges: bounds, openness, includes', () => {
    const R = L.KeyRange
    expect(() => R.bound(2, 1)).toThrow('lower bound')
    expect(() => R.bound(1, 1, true, false)).toThrow('lower bound')
    const r = R.bound('b', 'd', false, true)
    expect(['a', 'b', 'c', 'd', 'e'].filter(k => r.includes(k))).toEqual(['b', 'c'])
    expect(R.lowerBound(5, true).includes(5)).toBe(false)
    expect(R.upperBound(5).includes(5)).toBe(true)
    expect(R.only([1, 'x']).includes([1, 'x'])).toBe(true)
  })
})
