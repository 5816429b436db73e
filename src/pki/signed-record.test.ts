import { describe, expect, test } from 'bun:test'
import { decodeRecord, encodeRecord, signRecord, signerId, MAX_RECORD_BYTES } from './signed-record.ts'
import { generateKey } from './key-file.ts'
import { shortIdFromPublicKey } from './short-id.ts'

const payload = new TextEncoder().encode('hello')

describe('signed records', () => {
  test('round-trip and name their signer', async () => {
    const key = await generateKey()
    const r = await signRecord(key, { key: '/leither/x/name', seq: 3, eol: Date.now() + 1000, payload })
    const back = await decodeRecord(encodeRecord(r))
    expect(back.seq).toBe(3)
    expect(new TextDecoder().decode(back.payload)).toBe('hello')
    expect(signerId(back)).toBe(shortIdFromPublicKey(key.publicKey.raw))
  })

  test('refuse any change to the signed fields', async () => {
    const key = await generateKey()
    const r = await signRecord(key, { key: '/leither/x/name', seq: 3, eol: 99, payload })
    const json = JSON.parse(new TextDecoder().decode(encodeRecord(r)))
    for (const tamper of [{ seq: 4 }, { key: '/leither/x/other' }, { eol: 100 }, { data: Buffer.from('jello').toString('base64url') }]) {
      const bytes = new TextEncoder().encode(JSON.stringify({ ...json, ...tamper }))
      await expect(decodeRecord(bytes)).rejects.toThrow(/bad signature/)
    }
    const other = await generateKey()
    const forged = new TextEncoder().encode(JSON.stringify({ ...json, pk: Buffer.from(other.publicKey.raw).toString('base64url') }))
    await expect(decodeRecord(forged)).rejects.toThrow(/bad signature/)
  })

  test('refuse garbage and oversized records', async () => {
    await expect(decodeRecord(new TextEncoder().encode('nope'))).rejects.toThrow(/not JSON/)
    await expect(decodeRecord(new TextEncoder().encode('{"v":2}'))).rejects.toThrow(/version-1/)
    const key = await generateKey()
    const big = await signRecord(key, { key: '/k', seq: 1, eol: 1, payload: new Uint8Array(MAX_RECORD_BYTES) })
    expect(() => encodeRecord(big)).toThrow(/limit is 10240/)
  })
})
