import { describe, expect, test } from 'bun:test'
import { generateKey, shortIdFromPublicKey } from '../pki/index.ts'
import { mimeiId } from './mimei-id.ts'
import { mimeiKey, mimeiSelector, signMiMeiRecord, validateMiMeiRecord, type MiMeiRecordBody } from './mimei-record.ts'

async function setup() {
  const key = await generateKey()
  const author = shortIdFromPublicKey(key.publicKey.raw)
  const fields = { author, appId: '', type: 'file' as const, ext: '', mark: 'm1' }
  const mid = mimeiId(fields)
  const body: MiMeiRecordBody = { mid, author, app: '', ext: '', mark: 'm1', type: 'file', created: 1, rights: 0x07276704, versions: [{ ver: 1, cid: 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o' }], release: null }
  return { key, author, mid, body }
}

describe('MiMei records', () => {
  test('signed by the author validate', async () => {
    const { key, mid, body } = await setup()
    const r = await signMiMeiRecord(key, body, 5, Date.now() + 60_000)
    const back = await validateMiMeiRecord(mimeiKey(mid), r.bytes)
    expect(back.seq).toBe(5)
    expect(back.body.versions).toEqual(body.versions)
  })

  test('signed by any other key are refused (forgery)', async () => {
    const { mid, body } = await setup()
    const other = await generateKey()
    const forged = await signMiMeiRecord(other, body, 6, Date.now() + 60_000)
    await expect(validateMiMeiRecord(mimeiKey(mid), forged.bytes)).rejects.toThrow(/not signed by its author/)
    // claiming to be the author does not help: the ID is derived from the author
    const claimed = await signMiMeiRecord(other, { ...body, author: shortIdFromPublicKey(other.publicKey.raw) }, 6, Date.now() + 60_000)
    await expect(validateMiMeiRecord(mimeiKey(mid), claimed.bytes)).rejects.toThrow(/not derived/)
  })

  test('that expired are refused', async () => {
    const { key, mid, body } = await setup()
    const old = await signMiMeiRecord(key, body, 7, Date.now() - 1)
    await expect(validateMiMeiRecord(mimeiKey(mid), old.bytes)).rejects.toThrow(/expired/)
  })

  test('under the wrong key or with a tampered body are refused', async () => {
    const { key, mid, body } = await setup()
    const r = await signMiMeiRecord(key, body, 8, Date.now() + 60_000)
    await expect(validateMiMeiRecord(mimeiKey('h7Nkwe4rfb1d15En8yQ65Lhhq9b'), r.bytes)).rejects.toThrow(/record is for/)
    const json = JSON.parse(new TextDecoder().decode(r.bytes))
    json.data = Buffer.from(JSON.stringify({ ...body, versions: [] })).toString('base64url')
    await expect(validateMiMeiRecord(mimeiKey(mid), new TextEncoder().encode(JSON.stringify(json)))).rejects.toThrow(/bad signature/)
  })

  test('select the highest sequence, so a replayed older one loses', async () => {
    const { key, body } = await setup()
    const older = await signMiMeiRecord(key, body, 3, Date.now() + 60_000)
    const newer = await signMiMeiRecord(key, body, 9, Date.now() + 60_000)
    expect(mimeiSelector(new Uint8Array(), [older.bytes, newer.bytes])).toBe(1)
    expect(mimeiSelector(new Uint8Array(), [newer.bytes, older.bytes])).toBe(0)
  })
})
