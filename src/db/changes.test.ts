import { describe, expect, test } from 'bun:test'
import { decodeChanges, encodeChanges } from './changes.ts'
import type { Change } from './changes.ts'
import { bytes } from './testing.ts'
import { InvalidInputError } from '../utils/errors.ts'

const SAMPLE: Change[] = [
  { op: 'reset', seq: 3 },
  { op: 'put', key: bytes('s'), seq: 4, expireAt: null, type: 'string', value: bytes('v\x00\xff') },
  { op: 'put', key: bytes(''), seq: 5, expireAt: 1_700_000_000_123, type: 'string', value: new Uint8Array(0) },
  { op: 'put', key: bytes('h'), seq: 6, expireAt: null, type: 'hash', value: [[bytes('f'), bytes('1')], [bytes('g'), bytes('')]] },
  { op: 'put', key: bytes('l'), seq: 7, expireAt: 0, type: 'list', value: [bytes('a'), bytes('a'), bytes('b')] },
  { op: 'put', key: bytes('set'), seq: 8, expireAt: null, type: 'set', value: [bytes('m')] },
  { op: 'put', key: bytes('z'), seq: 9, expireAt: null, type: 'zset', value: [[bytes('a'), -Infinity], [bytes('b'), 0.1], [bytes('c'), Infinity]] },
  { op: 'del', key: bytes('gone'), seq: 2 ** 53 - 1 },
]

describe('encodeChanges / decodeChanges', () => {
  test('round-trip every kind of change and value', () => {
    expect(decodeChanges(encodeChanges(SAMPLE))).toEqual(SAMPLE)
    expect(decodeChanges(encodeChanges([]))).toEqual([])
  })

  test('give the same bytes for the same changes, and different bytes for different ones', () => {
    const a = encodeChanges(SAMPLE)
    const b = encodeChanges(structuredClone(SAMPLE))
    expect(Buffer.compare(a, b)).toBe(0)
    const changed = structuredClone(SAMPLE)
    ;(changed[6] as { value: Array<[Uint8Array, number]> }).value[1]![1] = 0.2
    expect(Buffer.compare(a, encodeChanges(changed))).not.toBe(0)
  })

  test('are compact: a small put costs a few bytes beyond its key and value', () => {
    const one = encodeChanges([{ op: 'put', key: bytes('key'), seq: 1000, expireAt: null, type: 'string', value: bytes('value') }])
    expect(one.length).toBeLessThanOrEqual(4 + 1 + 2 + 4 + 1 + 1 + 6)
  })

  test('refuse truncated or malformed input with InvalidInputError', () => {
    const good = encodeChanges(SAMPLE)
    for (let n = 1; n < good.length; n += 7) {
      const cut = good.subarray(0, n)
      let err: unknown
      try {
        decodeChanges(cut)
      } catch (e) {
        err = e
      }
      // A cut may fall between records; otherwise it must be refused, never misread.
      if (err !== undefined) expect(err).toBeInstanceOf(InvalidInputError)
    }
    expect(() => decodeChanges(bytes('XXXX'))).toThrow(InvalidInputError)
    expect(() => decodeChanges(new Uint8Array([0x4c, 0x4b, 0x43, 0x31, 9, 1]))).toThrow(/unknown change kind 9/)
    expect(() => decodeChanges(new Uint8Array([0x4c, 0x4b, 0x43, 0x31, 2, 1, 1, 0x6b, 7]))).toThrow(/unknown value type 7/)
    expect(() => decodeChanges(new Uint8Array([0x4c, 0x4b, 0x43, 0x31, 2, 1, 1, 0x6b, 2, 0, 0xff, 0xff, 0x7f]))).toThrow(/exceeds/)
  })
})
