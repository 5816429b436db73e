import { describe, expect, test } from 'bun:test'
import { isShortId, shortIdFromPublicKey, shortIdTag } from './short-id.ts'

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'))

describe('short IDs', () => {
  test('match the original system for the documented public keys', () => {
    expect(shortIdFromPublicKey(b64('2T1U4-IUMfYpppIcPi8ITJazt8I2PpOI8W1jctmm1Hs='))).toBe('h3PPmr6HVHrmaV_WAbnEP6t3x87')
    expect(shortIdFromPublicKey(b64('yPrZX6l9AWNwNVwpOh10a1Mdas56i6nEmV3LUNOjFZg='))).toBe('h7Nkwe4rfb1d15En8yQ65Lhhq9b')
  })

  test('carry the type tag in the low bits of the first character', () => {
    const pk = b64('2T1U4-IUMfYpppIcPi8ITJazt8I2PpOI8W1jctmm1Hs=')
    const content = shortIdFromPublicKey(pk, 0)
    expect(shortIdTag(content)).toBe(0)
    expect(shortIdTag(shortIdFromPublicKey(pk))).toBe(1)
    expect(content.slice(1)).toBe('3PPmr6HVHrmaV_WAbnEP6t3x87')
  })

  test('are 27 base64url characters', () => {
    expect(isShortId('h3PPmr6HVHrmaV_WAbnEP6t3x87')).toBe(true)
    expect(isShortId('h3PPmr6HVHrmaV_WAbnEP6t3x8')).toBe(false)
    expect(isShortId('h3PPmr6HVHrmaV/WAbnEP6t3x87')).toBe(false)
  })
})
