/**
 * Leither's own DHT namespace, /leither/<signer short ID>/<name>: records a
 * node signs with its key. Every node validates with the same rules before
 * storing or returning a record, and so does the writer before it sends one
 * (kad-dht does not validate its own puts).
 */
import { decodeRecord, isShortId, signerId, type SignedRecord } from '../pki/index.ts'
import { InvalidInputError } from '../utils/errors.ts'

export const LEITHER_NAMESPACE = 'leither'
const NAME = /^[A-Za-z0-9._~-][A-Za-z0-9._~/-]{0,199}$/

export interface LeitherKey {
  signer: string
  name: string
}

export function parseLeitherKey(key: string): LeitherKey {
  const m = /^\/leither\/([^/]+)\/(.+)$/.exec(key)
  if (m == null || !isShortId(m[1]!) || !NAME.test(m[2]!) || m[2]!.includes('//') || m[2]!.split('/').includes('..')) {
    throw new InvalidInputError(`invalid Leither DHT key "${key}": expected /leither/<27-char signer ID>/<name>`)
  }
  return { signer: m[1]!, name: m[2]! }
}

/** Checks a record for its key: shape, signature, signer and age. */
export async function validateLeitherRecord(key: string, value: Uint8Array, now = Date.now()): Promise<SignedRecord> {
  const { signer } = parseLeitherKey(key)
  const record = await decodeRecord(value)
  if (record.key !== key) throw new InvalidInputError(`record is for "${record.key}", not "${key}"`)
  if (signerId(record) !== signer) throw new InvalidInputError(`record for "${key}" is not signed by ${signer}`)
  if (record.eol <= now) throw new InvalidInputError(`record for "${key}" expired at ${new Date(record.eol).toISOString()}`)
  return record
}

/** kad-dht validator: throws to refuse. */
export async function leitherValidator(key: Uint8Array, value: Uint8Array): Promise<void> {
  await validateLeitherRecord(new TextDecoder().decode(key), value)
}

/** kad-dht selector: the highest sequence wins, then the longest life. */
export function leitherSelector(_key: Uint8Array, records: Uint8Array[]): number {
  let best = 0
  let bestRank = [-1, -1]
  records.forEach((bytes, i) => {
    try {
      const r = JSON.parse(new TextDecoder().decode(bytes))
      const rank = [Number(r.seq) || 0, Number(r.eol) || 0]
      if (rank[0]! > bestRank[0]! || (rank[0] === bestRank[0] && rank[1]! > bestRank[1]!)) {
        best = i
        bestRank = rank
      }
    } catch { /* an unreadable record never wins */ }
  })
  return best
}
