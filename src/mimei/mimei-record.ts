/**
 * The signed MiMei record (SPEC §5): what `publish` puts on Leither's DHT at
 * /mimei/<mid> and pushes to providers. The envelope is pki/signed-record;
 * the payload is JSON. A record is valid only when its signer is the author
 * the MiMei ID was derived from, so no other key can publish a MiMei.
 */
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { decodeRecord, encodeRecord, signRecord, signerId, type SignedRecord } from '../pki/index.ts'
import { InvalidInputError } from '../utils/errors.ts'
import { mimeiId, type MiMeiType } from './mimei-id.ts'
import type { MiMeiFields, VersionEntry } from './mimei-store.ts'

export const MIMEI_NAMESPACE = 'mimei'

export interface MiMeiRecordBody extends MiMeiFields {
  /** db MiMei versions also carry their digest and the CID of their delta from the previous version */
  versions: VersionEntry[]
  release: number | null
}

export interface MiMeiRecord {
  body: MiMeiRecordBody
  seq: number
  eol: number
  bytes: Uint8Array
}

export const mimeiKey = (mid: string) => `/mimei/${mid}`

const enc = new TextEncoder()
const dec = new TextDecoder()

export async function signMiMeiRecord(key: Ed25519PrivateKey, body: MiMeiRecordBody, seq: number, eol: number): Promise<MiMeiRecord> {
  const signed = await signRecord(key, { key: mimeiKey(body.mid), seq, eol, payload: enc.encode(JSON.stringify(body)) })
  const bytes = encodeRecord(signed)
  return { body, seq, eol, bytes }
}

function parseBody(record: SignedRecord): MiMeiRecordBody {
  let body: any
  try {
    body = JSON.parse(dec.decode(record.payload))
  } catch {
    throw new InvalidInputError(`MiMei record for "${record.key}" has no JSON body`)
  }
  const ok = body != null && typeof body.mid === 'string' && typeof body.author === 'string' &&
    typeof body.app === 'string' && typeof body.ext === 'string' && typeof body.mark === 'string' &&
    (body.type === 'file' || body.type === 'db') && Number.isSafeInteger(body.created) && Number.isSafeInteger(body.rights) &&
    Array.isArray(body.versions) && body.versions.every((v: any) => Number.isSafeInteger(v?.ver) && v.ver > 0 && typeof v.cid === 'string' &&
      (v.digest === undefined || typeof v.digest === 'string') && (v.delta === undefined || typeof v.delta === 'string')) &&
    (body.release === null || Number.isSafeInteger(body.release))
  if (!ok) throw new InvalidInputError(`MiMei record for "${record.key}" has a malformed body`)
  return body
}

/**
 * Checks a record for a MiMei: signature, key, the ID's derivation from the
 * body, the signer being the author, and its age. Every node runs this on
 * every record, its own included.
 */
export async function validateMiMeiRecord(key: string, bytes: Uint8Array, now = Date.now()): Promise<MiMeiRecord> {
  const m = /^\/mimei\/([A-Za-z0-9_-]{27})$/.exec(key)
  if (m == null) throw new InvalidInputError(`invalid MiMei key "${key}"`)
  const record = await decodeRecord(bytes)
  if (record.key !== key) throw new InvalidInputError(`record is for "${record.key}", not "${key}"`)
  const body = parseBody(record)
  if (body.mid !== m[1]) throw new InvalidInputError(`record body names "${body.mid}", not "${m[1]}"`)
  if (mimeiId({ author: body.author, appId: body.app, type: body.type, ext: body.ext, mark: body.mark }) !== body.mid) throw new InvalidInputError(`MiMei "${body.mid}" is not derived from the record's author and fields`)
  if (signerId(record) !== body.author) throw new InvalidInputError(`MiMei record for "${body.mid}" is not signed by its author ${body.author}`)
  if (record.eol <= now) throw new InvalidInputError(`MiMei record for "${body.mid}" expired at ${new Date(record.eol).toISOString()}`)
  return { body, seq: record.seq, eol: record.eol, bytes }
}

export async function mimeiValidator(key: Uint8Array, value: Uint8Array): Promise<void> {
  await validateMiMeiRecord(dec.decode(key), value)
}

/** The highest sequence wins (a replayed older record loses everywhere). */
export function mimeiSelector(_key: Uint8Array, records: Uint8Array[]): number {
  let best = 0
  let bestSeq = -1
  records.forEach((bytes, i) => {
    try {
      const seq = Number(JSON.parse(dec.decode(bytes)).seq)
      if (seq > bestSeq) { best = i; bestSeq = seq }
    } catch { /* unreadable: never best */ }
  })
  return best
}
