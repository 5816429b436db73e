import { describe, expect, test } from 'bun:test'
import { parseIpfsPath } from './ipfs-path.ts'

const hello = 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o'

describe('IPFS paths', () => {
  test('accept a bare CID, /ipfs/ and ipfs:// forms with sub-paths', () => {
    expect(parseIpfsPath(hello).exporterPath).toBe(hello)
    expect(parseIpfsPath(`/ipfs/${hello}/a/b`).segments).toEqual(['a', 'b'])
    expect(parseIpfsPath(`ipfs://${hello}/a/`).exporterPath).toBe(`${hello}/a`)
  })

  test('reject bad CIDs and dot segments with the value quoted', () => {
    expect(() => parseIpfsPath('QmNotACid')).toThrow('invalid CID: "QmNotACid"')
    expect(() => parseIpfsPath('')).toThrow(/invalid IPFS path/)
    expect(() => parseIpfsPath(`${hello}/../x`)).toThrow(/may not contain/)
  })
})
