/**
 * Signed records: the envelope every Leither DHT record travels in (node
 * records now, MiMei records later). JSON so people can read it; the
 * signature covers a fixed byte layout, never the JSON text.
 *
 *   signed bytes = "leither-record/1\n" + key + "\n" + seq + "\n" + eol + "\n" + payload
 */
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { InvalidInputError } from '../utils/errors.ts'
import { shortIdFromPublicKey } from './short-id.ts'

export interface SignedRecord {
  /** the DHT key the record is stored under */
  key: string
  /** higher wins; a replayed older record loses */
  seq: number
  /** end of life, unix milliseconds */
  eol: number
  /** signer's Ed25519 public key */
  publicKey: Uint8Array
  payload: Uint8Array
  signature: Uint8Array
}

/** Biggest record the DHT carries (kubo caps IPNS records at 10 KiB too). */
export const MAX_RECORD_BYTES = 10 * 1024

const enc = new TextEncoder()
const dec = new TextDecoder()
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url')
const unb64 = (s: unknown, what: string): Uint8Array => {
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]*$/.test(s)) throw new InvalidInputError(`record ${what} is not base64url`)
  return new Uint8Array(Buffer.from(s, 'base64url'))
}

function signedBytes(key: string, seq: number, eol: number, payload: Uint8Array): Uint8Array {
  const head = enc.encode(`leither-record/1\n${key}\n${seq}\n${eol}\n`)
  const out = new Uint8Array(head.length + payload.length)
  out.set(head)
  out.set(payload, head.length)
  return out
}

export async function signRecord(privateKey: Ed25519PrivateKey, init: { key: string, seq: number, eol: number, payload: Uint8Array }): Promise<SignedRecord> {
  const signature = await privateKey.sign(signedBytes(init.key, init.seq, init.eol, init.payload))
  return { ...init, publicKey: privateKey.publicKey.raw, signature }
}

export function encodeRecord(r: SignedRecord): Uint8Array {
  const bytes = enc.encode(JSON.stringify({ v: 1, key: r.key, seq: r.seq, eol: r.eol, pk: b64(r.publicKey), data: b64(r.payload), sig: b64(r.signature) }))
  if (bytes.length > MAX_RECORD_BYTES) throw new InvalidInputError(`record for "${r.key}" is ${bytes.length} bytes; the limit is ${MAX_RECORD_BYTES}`)
  return bytes
}

/** Parses and checks a record's shape and signature (not its key's meaning or its age). */
export async function decodeRecord(bytes: Uint8Array): Promise<SignedRecord> {
  if (bytes.length > MAX_RECORD_BYTES) throw new InvalidInputError(`record is ${bytes.length} bytes; the limit is ${MAX_RECORD_BYTES}`)
  let json: any
  try {
    json = JSON.parse(dec.decode(bytes))
  } catch {
    throw new InvalidInputError('record is not JSON')
  }
  if (json?.v !== 1 || typeof json.key !== 'string' || !Number.isSafeInteger(json.seq) || json.seq < 0 || !Number.isSafeInteger(json.eol)) {
    throw new InvalidInputError('record is not a version-1 Leither record')
  }
  const record: SignedRecord = {
    key: json.key,
    seq: json.seq,
    eol: json.eol,
    publicKey: unb64(json.pk, 'pk'),
    payload: unb64(json.data, 'data'),
    signature: unb64(json.sig, 'sig'),
  }
  if (record.publicKey.length !== 32) throw new InvalidInputError('record pk is not an Ed25519 public key')
  const ok = await publicKeyFromRaw(record.publicKey).verify(signedBytes(record.key, record.seq, record.eol, record.payload), record.signature)
  if (!ok) throw new InvalidInputError(`record for "${record.key}" has a bad signature`)
  return record
}

/** The short ID of a record's signer. */
export function signerId(r: SignedRecord): string {
  return shortIdFromPublicKey(r.publicKey)
}
