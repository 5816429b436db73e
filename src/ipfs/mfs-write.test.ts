import { describe, expect, test } from 'bun:test'
import { splice } from './mfs-write.ts'
import { InvalidInputError } from '../utils/errors.ts'

const OLD = '0123456789'
const readOld = async function * (offset: number, length?: number): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(OLD.slice(offset, length == null ? undefined : offset + length))
}
async function * whole(s: string): AsyncGenerator<Uint8Array> { yield new TextEncoder().encode(s) }
async function * byteByByte(s: string): AsyncGenerator<Uint8Array> { for (const b of new TextEncoder().encode(s)) yield Uint8Array.of(b) }

async function run(data: AsyncIterable<Uint8Array>, range: { offset?: number, count?: number }, oldSize = OLD.length): Promise<string> {
  const out: Uint8Array[] = []
  for await (const c of splice(oldSize, readOld, data, range)) out.push(c)
  return Buffer.concat(out).toString('latin1')
}

describe('the content of a write', () => {
  for (const [feed, source] of [['whole', whole], ['byte by byte', byteByByte]] as const) {
    test(`keeps the old bytes around the new ones (data fed ${feed})`, async () => {
      expect(await run(source('ab'), { offset: 3 })).toBe('012ab56789')
      expect(await run(source('abc'), {})).toBe('abc3456789')
      expect(await run(source('abcdef'), { offset: 8 })).toBe('01234567abcdef')
      expect(await run(source('abcdef'), { offset: 2, count: 3 })).toBe('01abc56789')
      expect(await run(source('xy'), { offset: 12 })).toBe('0123456789\0\0xy')
      expect(await run(source('xy'), { offset: 3 }, 0)).toBe('\0\0\0xy')
    })
  }

  test('refuses negative offsets and counts', async () => {
    await expect(run(whole('a'), { offset: -1 })).rejects.toBeInstanceOf(InvalidInputError)
    await expect(run(whole('a'), { count: -1 })).rejects.toBeInstanceOf(InvalidInputError)
  })
})
