import { describe, expect, test } from 'bun:test'
import { autoMark, mimeiId } from './mimei-id.ts'
import { shortIdTag } from '../pki/index.ts'

const author = 'h3PPmr6HVHrmaV_WAbnEP6t3x87'

describe('MiMei IDs', () => {
  test('are the same for the same parameters and tagged as entities', () => {
    const p = { author, appId: '', type: 'file' as const, ext: '', mark: '16650373773415379251557603663' }
    expect(mimeiId(p)).toBe(mimeiId({ ...p }))
    expect(mimeiId(p)).toHaveLength(27)
    expect(shortIdTag(mimeiId(p))).toBe(1)
    // pinned: the serialisation is part of the contract (documented in README)
    expect(mimeiId(p)).toBe('N_tetpoO4HoFBujA9IQ6fTcGCop')
  })

  test('change with every parameter', () => {
    const base = { author, appId: '', type: 'file' as const, ext: '', mark: 'm' }
    const ids = new Set([
      mimeiId(base),
      mimeiId({ ...base, author: 'h7Nkwe4rfb1d15En8yQ65Lhhq9b' }),
      mimeiId({ ...base, appId: 'h7Nkwe4rfb1d15En8yQ65Lhhq9b' }),
      mimeiId({ ...base, type: 'db' }),
      mimeiId({ ...base, ext: 'x' }),
      mimeiId({ ...base, mark: 'n' }),
    ])
    expect(ids.size).toBe(6)
  })

  test('auto marks are unix seconds followed by 19 random digits', () => {
    const mark = autoMark(1665037377_000)
    expect(mark).toMatch(/^1665037377\d{19}$/)
    expect(autoMark()).not.toBe(autoMark())
  })

  test('refuse fields that would make the serialisation ambiguous', () => {
    expect(() => mimeiId({ author, appId: '', type: 'file', ext: 'a\nb', mark: 'm' })).toThrow(/newline/)
    expect(() => mimeiId({ author: 'me', appId: '', type: 'file', ext: '', mark: 'm' })).toThrow(/27-character/)
    expect(() => mimeiId({ author, appId: '', type: 'blob' as any, ext: '', mark: 'm' })).toThrow(/"file" or "db"/)
  })
})
