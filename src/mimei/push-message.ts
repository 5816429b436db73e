/**
 * What a publish pushes to providers over gossipsub: the signed record and,
 * when the new version is small, its blocks — so a provider has everything
 * the moment the push arrives, without a round trip to a busy author.
 *
 *   "LMP2" | varint(record length) | record | { varint(frame length) | CID bytes + block bytes }*
 *
 * A push without the magic is a bare record (the first format). Blocks are
 * checked against their CIDs by the receiver before anything is stored.
 */
import * as varint from 'uint8-varint'
import { CID } from 'multiformats/cid'
import { verifiedBlock } from './dag-protocol.ts'
import { concatBytes } from '../utils/bytes.ts'

const MAGIC = new TextEncoder().encode('LMP2')
/** Blocks ride along up to this many bytes; a bigger version is fetched (dag-protocol.ts). */
export const PUSH_BLOCK_BUDGET = 256 * 1024

export function encodePush(record: Uint8Array, blocks: Array<[CID, Uint8Array]>): Uint8Array {
  const parts: Uint8Array[] = [MAGIC, varint.encode(record.length), record]
  for (const [cid, bytes] of blocks) {
    parts.push(varint.encode(cid.bytes.length + bytes.length), cid.bytes, bytes)
  }
  return concatBytes(parts)
}

export interface Push {
  record: Uint8Array
  /** Still unchecked: call verify() before storing. */
  frames: Uint8Array[]
}

/** Splits a push; throws on a malformed one. */
export function decodePush(data: Uint8Array): Push {
  if (!startsWithMagic(data)) return { record: data, frames: [] }
  let at = MAGIC.length
  const recordLength = varint.decode(data, at)
  at += varint.encodingLength(recordLength)
  if (at + recordLength > data.length) throw new Error('push: record cut short')
  const record = data.subarray(at, at + recordLength)
  at += recordLength
  const frames: Uint8Array[] = []
  while (at < data.length) {
    const n = varint.decode(data, at)
    at += varint.encodingLength(n)
    if (n === 0 || at + n > data.length) throw new Error('push: block cut short')
    frames.push(data.subarray(at, at + n))
    at += n
  }
  return { record, frames }
}

/** The frames as checked blocks; throws at the first that does not match its CID. */
export async function verifyFrames(frames: Uint8Array[]): Promise<Array<[CID, Uint8Array]>> {
  const out: Array<[CID, Uint8Array]> = []
  for (const frame of frames) out.push(await verifiedBlock(frame))
  return out
}

function startsWithMagic(data: Uint8Array): boolean {
  if (data.length < MAGIC.length) return false
  for (let i = 0; i < MAGIC.length; i++) if (data[i] !== MAGIC[i]) return false
  return true
}
