import { describe, expect, test } from 'bun:test'
import { mkdtemp, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKey, idsOf, keyFileText, parseKeyFile, readKeyFile, writeKeyFile } from './key-file.ts'

describe('key files', () => {
  test('round-trip a generated key through pk=/sk= text', async () => {
    const key = await generateKey()
    const text = keyFileText(key)
    expect(text).toMatch(/^pk=[A-Za-z0-9_-]{43}=\nsk=[A-Za-z0-9_-]{86}==\n$/)
    const parsed = parseKeyFile(text)
    expect(parsed.privateKey!.equals(key)).toBe(true)
    expect(parsed.publicKey.equals(key.publicKey)).toBe(true)
  })

  test('give the documented short ID for a public-key-only file', () => {
    const { publicKey, privateKey } = parseKeyFile('pk=2T1U4-IUMfYpppIcPi8ITJazt8I2PpOI8W1jctmm1Hs=\n')
    expect(privateKey).toBeUndefined()
    const ids = idsOf(publicKey)
    expect(ids.id).toBe('h3PPmr6HVHrmaV_WAbnEP6t3x87')
    expect(ids.peerId).toStartWith('12D3KooW')
  })

  test('reject garbage, wrong lengths and mismatched halves with clear errors', async () => {
    expect(() => parseKeyFile('hello')).toThrow(/not a key=value line/)
    expect(() => parseKeyFile('pk=abc')).toThrow(/must be 32 bytes/)
    expect(() => parseKeyFile('pk=!!!')).toThrow(/not base64url/)
    const a = await generateKey()
    const b = await generateKey()
    const mixed = keyFileText(a.publicKey) + keyFileText(b).split('\n')[1]
    expect(() => parseKeyFile(mixed)).toThrow(/does not belong/)
  })

  test('are written with mode 0600 and never silently overwritten', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'leither-key-'))
    const path = join(dir, 'k.key')
    const key = await generateKey()
    await writeKeyFile(path, key)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await readKeyFile(path)).privateKey!.equals(key)).toBe(true)
    await expect(writeKeyFile(path, await generateKey())).rejects.toThrow(/already exists/)
    expect((await readKeyFile(path)).privateKey!.equals(key)).toBe(true)
  })
})
