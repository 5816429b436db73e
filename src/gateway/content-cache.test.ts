import { expect, test } from 'bun:test'
import { ContentCache } from './content-cache.ts'

test('keeps values within its byte budget, evicting the least recently used', () => {
  const cache = new ContentCache<string>(100, 50)
  cache.set('a', 'A', 40)
  cache.set('b', 'B', 40)
  expect(cache.get('a')).toBe('A') // now b is the least recently used
  cache.set('c', 'C', 40)
  expect(cache.get('b')).toBeUndefined()
  expect(cache.get('a')).toBe('A')
  expect(cache.get('c')).toBe('C')
  expect(cache.bytes).toBe(80)
})

test('refuses a value larger than one entry may be, keeping the rest', () => {
  const cache = new ContentCache<string>(100, 50)
  cache.set('a', 'A', 40)
  cache.set('big', 'BIG', 51)
  expect(cache.get('big')).toBeUndefined()
  expect(cache.get('a')).toBe('A')
})

test('replacing a key counts its bytes once', () => {
  const cache = new ContentCache<string>(100)
  cache.set('a', 'A', 5)
  cache.set('a', 'A2', 6)
  expect(cache.get('a')).toBe('A2')
  expect(cache.bytes).toBe(6)
  expect(cache.size).toBe(1)
})

test('an entry may be at most a sixteenth of the budget by default, and a zero budget keeps nothing', () => {
  expect(new ContentCache(32 * 1024 * 1024).maxEntryBytes).toBe(2 * 1024 * 1024)
  const off = new ContentCache<string>(0)
  off.set('a', 'A', 1)
  expect(off.get('a')).toBeUndefined()
})
