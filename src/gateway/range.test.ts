import { expect, test } from 'bun:test'
import { parseRange } from './range.ts'

test('bytes=a-b is that inclusive span, clamped to the size', () => {
  expect(parseRange('bytes=0-4', 12)).toEqual({ start: 0, end: 4 })
  expect(parseRange('bytes=10-99', 12)).toEqual({ start: 10, end: 11 })
})

test('bytes=a- runs to the end', () => {
  expect(parseRange('bytes=6-', 12)).toEqual({ start: 6, end: 11 })
})

test('bytes=-n is the last n bytes, or the whole body when n exceeds it', () => {
  expect(parseRange('bytes=-3', 12)).toEqual({ start: 9, end: 11 })
  expect(parseRange('bytes=-50', 12)).toEqual({ start: 0, end: 11 })
})

test('a start at or past the end is unsatisfiable', () => {
  expect(parseRange('bytes=12-', 12)).toBe('unsatisfiable')
  expect(parseRange('bytes=20-30', 12)).toBe('unsatisfiable')
  expect(parseRange('bytes=-0', 12)).toBe('unsatisfiable')
  expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable')
})

test('a missing, malformed, reversed or multi-range header means the whole body', () => {
  for (const header of [undefined, 'bytes=', 'bytes=-', 'items=0-1', 'bytes=5-1', 'bytes=a-b', 'bytes=0-1,3-4']) {
    expect(parseRange(header, 12)).toBeUndefined()
  }
})

test('the unit is case-insensitive and spaces are tolerated', () => {
  expect(parseRange(' Bytes = 1 - 2 ', 12)).toEqual({ start: 1, end: 2 })
})
