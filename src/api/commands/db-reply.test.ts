import { describe, expect, test } from 'bun:test'
import { replyToJson, replyToText } from './db-reply.ts'
import { array, bulk, err, int, OK } from '../../db/reply.ts'

describe('database replies', () => {
  test('print as redis-cli prints them', () => {
    expect(replyToText(OK)).toBe('OK')
    expect(replyToText(int(3))).toBe('(integer) 3')
    expect(replyToText(bulk('a"b\n'))).toBe('"a\\"b\\n"')
    expect(replyToText(bulk(null))).toBe('(nil)')
    expect(replyToText(err('WRONGTYPE x'))).toBe('(error) WRONGTYPE x')
    expect(replyToText(array([]))).toBe('(empty array)')
    expect(replyToText(array([bulk('a'), array([bulk('b'), int(1)])]))).toBe('1) "a"\n2) 1) "b"\n   2) (integer) 1')
  })

  test('turn into plain JSON, binary as base64', () => {
    expect(replyToJson(array([bulk('a'), int(2), bulk(null)]))).toEqual(['a', 2, null])
    expect(replyToJson(bulk(new Uint8Array([0xff, 0x00])))).toEqual({ base64: '/wA=' })
    expect(replyToJson(int(2n ** 62n))).toBe('4611686018427387904')
    expect(replyToJson(err('ERR x'))).toEqual({ error: 'ERR x' })
  })
})
