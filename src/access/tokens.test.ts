import { describe, expect, test } from 'bun:test'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EXEC, READ, TokenStore, WRITE, allows, formatRights, parseRights } from './index.ts'

const MID = 'RCsi4anIeHQhG8ACbFkXugIVqgg'

async function withStore(fn: (store: TokenStore, file: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'leither-tokens-'))
  try {
    const file = join(dir, 'data', 'tokens.json')
    await fn(new TokenStore(file), file)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('rights', () => {
  test('letters and digits', () => {
    expect(parseRights('rw')).toBe(READ | WRITE)
    expect(parseRights('rwx')).toBe(7)
    expect(parseRights('x')).toBe(EXEC)
    expect(parseRights('5')).toBe(5)
    expect(parseRights(6)).toBe(6)
    expect(formatRights(5)).toBe('r-x')
    for (const bad of ['rr', 'q', '8', '', 'rw ', -1, 9, 1.5]) {
      if (bad === 'rw ') continue // trimmed: allowed
      expect(() => parseRights(bad as any)).toThrow('invalid rights')
    }
  })
})

describe('the token store', () => {
  test('creates, verifies, lists, revokes; keeps only a hash, in a 0600 file', () => withStore(async (store, file) => {
    const { token, info } = await store.create({ scope: MID, rights: 'rw', label: 'notes app' })
    expect(token).toMatch(/^lt1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}$/)
    expect(await store.verify(token)).toEqual(info)
    const text = await readFile(file, 'utf8')
    expect(text).not.toContain(token.split('.')[2])
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    // A second store on the same file (a restart) knows the token.
    expect((await new TokenStore(file).verify(token)).scope).toBe(MID)
    expect(await store.list()).toEqual([info])
    await store.revoke(info.id)
    await expect(store.verify(token)).rejects.toThrow('unknown or revoked')
    await expect(store.revoke(info.id)).rejects.toThrow('no token')
  }))

  test('refuses a wrong secret, a malformed token and an expired one', () => withStore(async store => {
    const { token } = await store.create({ scope: '*', rights: 'r', ttlMs: 1000 })
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA')
    await expect(store.verify(forged)).rejects.toThrow('unknown or revoked')
    await expect(store.verify('Bearer nonsense')).rejects.toThrow('malformed')
    await expect(store.verify(token, Date.now() + 2000)).rejects.toThrow('expired')
  }))

  test('bad input changes nothing', () => withStore(async (store, file) => {
    await expect(store.create({ scope: 'not a mid' })).rejects.toThrow('invalid token scope')
    await expect(store.create({ scope: MID, rights: 0 })).rejects.toThrow('at least one right')
    await expect(store.create({ scope: MID, ttlMs: -5 })).rejects.toThrow('lifetime')
    await expect(stat(file)).rejects.toThrow()
  }))

  test('a damaged file is named, not overwritten', () => withStore(async (_, file) => {
    await new TokenStore(file).create({ scope: '-' })
    await writeFile(file, '{ not json')
    await expect(new TokenStore(file).create({ scope: '-' })).rejects.toThrow('tokens.json is unreadable')
    expect(await readFile(file, 'utf8')).toBe('{ not json')
  }))

  test('scope and rights decide', () => {
    const info = { id: 'x', scope: MID, rights: READ | WRITE, label: '', created: 0, expires: 0 }
    expect(allows(info, MID, READ)).toBe(true)
    expect(allows(info, MID, WRITE | EXEC)).toBe(false)
    expect(allows(info, '-', READ)).toBe(false)
    expect(allows({ ...info, scope: '*' }, '-', WRITE)).toBe(true)
  })
})
