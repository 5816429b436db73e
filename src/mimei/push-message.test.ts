import { describe, expect, test } from 'bun:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { decodePush, encodePush, verifyFrames } from './push-message.ts'

const record = new TextEncoder().encode('{"a signed":"record"}')
async function block(text: string): Promise<[CID, Uint8Array]> {
  const bytes = new TextEncoder().encode(text)
  return [CID.createV1(raw.code, await sha256.digest(bytes)), bytes]
}

describe('the push message', () => {
  test('carries a record and its blocks, each checked on arrival', async () => {
    const blocks = [await block('one'), await block('two')]
    const push = decodePush(encodePush(record, blocks))
    expect(push.record).toEqual(record)
    const got = await verifyFrames(push.frames)
    expect(got.map(([c, b]) => [c.toString(), new TextDecoder().decode(b)])).toEqual([[blocks[0]![0].toString(), 'one'], [blocks[1]![0].toString(), 'two']])
  })

  test('a bare record (the first format) is a push without blocks', () => {
    expect(decodePush(record)).toEqual({ record, frames: [] })
  })

  test('refuses a block whose bytes are not its CID, and a message cut short', async () => {
    const [cid] = await block('honest')
    const forged = encodePush(record, [[cid, new TextEncoder().encode('forged')]])
    await expect(verifyFrames(decodePush(forged).frames)).rejects.toThrow('does not match its hash')
    const whole = encodePush(record, [await block('x')])
    expect(() => decodePush(whole.subarray(0, whole.length - 1))).toThrow('cut short')
    expect(() => decodePush(whole.subarray(0, 8))).toThrow('cut short')
  })
})
