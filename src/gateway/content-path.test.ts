import { describe, expect, test } from 'bun:test'
import { formatContentPath, parseCid, parseContentPath } from './content-path.ts'

const V0 = 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o'
const V1 = 'bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2mby'

describe('parseContentPath', () => {
  test('reads a bare CIDv0 without a trailing slash', () => {
    const p = parseContentPath(`/ipfs/${V0}`)
    expect(p.cid.toString()).toBe(V0)
    expect(p.segments).toEqual([])
    expect(p.trailingSlash).toBe(false)
    expect(p.path).toBe(`/ipfs/${V0}`)
  })

  test('keeps a CIDv1 as written and notes the trailing slash', () => {
    const p = parseContentPath(`/ipfs/${V1}/`)
    expect(p.cidText).toBe(V1)
    expect(p.cid.version).toBe(1)
    expect(p.trailingSlash).toBe(true)
    expect(p.path).toBe(`/ipfs/${V1}/`)
  })

  test('percent-decodes segments and re-encodes the canonical path', () => {
    const p = parseContentPath(`/ipfs/${V0}/a%20b/%C3%BC.txt`)
    expect(p.segments).toEqual(['a b', 'ü.txt'])
    expect(p.path).toBe(`/ipfs/${V0}/a%20b/%C3%BC.txt`)
  })

  test('drops empty and "." segments', () => {
    expect(parseContentPath(`/ipfs/${V0}//a/./b/%2E/`).segments).toEqual(['a', 'b'])
  })

  test('applies ".." but never climbs above the CID', () => {
    expect(parseContentPath(`/ipfs/${V0}/a/b/../c`).segments).toEqual(['a', 'c'])
    const p = parseContentPath(`/ipfs/${V0}/a/%2e%2e/../../etc/passwd`)
    expect(p.cid.toString()).toBe(V0)
    expect(p.segments).toEqual(['etc', 'passwd'])
  })

  test('rejects a segment holding an encoded slash or NUL', () => {
    expect(() => parseContentPath(`/ipfs/${V0}/a%2Fb`)).toThrow('encoded "/"')
    expect(() => parseContentPath(`/ipfs/${V0}/a%00b`)).toThrow('NUL')
  })

  test('rejects malformed percent-encoding', () => {
    expect(() => parseContentPath(`/ipfs/${V0}/%E0%A4%A`)).toThrow('malformed percent-encoding')
  })
})

describe('parseCid', () => {
  test('accepts base58 v0, base32, base36 and base16 CIDs', () => {
    const v1 = parseCid(V1)
    expect(parseCid(V0).toV1().equals(v1)).toBe(true)
    expect(parseCid(v1.toString(/* base32 */)).equals(v1)).toBe(true)
    expect(parseCid('k2jmtxw8rjh1z69c6not3wt5ttk6shd6a3a8xhfpb0eoc2prl8sajkx8').version).toBe(1)
    expect(parseCid(`f${Buffer.from(v1.bytes).toString('hex')}`).equals(v1)).toBe(true)
  })

  test('rejects junk with a 400 error that quotes it', () => {
    let error: unknown
    try { parseCid('Qmnope') } catch (err) { error = err }
    expect((error as { status: number }).status).toBe(400)
    expect((error as Error).message).toStartWith('Invalid CID "Qmnope":')
  })
})

test('formatContentPath encodes names that would change the URL', () => {
  expect(formatContentPath(V0, ['a?b', '#c', '%d'], false)).toBe(`/ipfs/${V0}/a%3Fb/%23c/%25d`)
})
