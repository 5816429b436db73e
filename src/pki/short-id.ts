/**
 * Leither's 27-character short IDs (SPEC §2).
 *
 * h = SHA-256(pubkey)[0:20]; s = base64url(h) without padding (27 chars);
 * id = B64[val(s[26]) | tag] + s[1..25] + s[0]. The last base64 character of
 * 20 bytes carries only 4 data bits, so its two low bits are free for the tag.
 */
import { createHash } from 'node:crypto'

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** The 2-bit type tag carried in the first character of an ID. */
export const IdTag = {
  /** content (mac) IDs */
  content: 0,
  /** users, nodes, apps and MiMei */
  entity: 1,
} as const
export type IdTag = (typeof IdTag)[keyof typeof IdTag]

const SHORT_ID = /^[A-Za-z0-9_-]{27}$/

/** Turns 20 digest bytes into a tagged short ID. */
export function shortIdFromDigest(h: Uint8Array, tag: number = IdTag.entity): string {
  if (h.length !== 20) throw new RangeError(`short ID digest must be 20 bytes, got ${h.length}`)
  if (tag < 0 || tag > 3) throw new RangeError(`short ID tag must be 0..3, got ${tag}`)
  const s = Buffer.from(h).toString('base64url')
  const last = B64URL.indexOf(s[26]!)
  return B64URL[last | tag]! + s.slice(1, 26) + s[0]
}

/** The short ID of an Ed25519 public key (32 bytes). */
export function shortIdFromPublicKey(pk: Uint8Array, tag: number = IdTag.entity): string {
  const h = createHash('sha256').update(pk).digest().subarray(0, 20)
  return shortIdFromDigest(h, tag)
}

/** True when the string has the shape of a short ID (27 base64url characters). */
export function isShortId(s: string): boolean {
  return SHORT_ID.test(s)
}

/** The 2-bit type tag of a short ID. */
export function shortIdTag(id: string): number {
  if (!isShortId(id)) throw new TypeError(`not a short ID: "${id}"`)
  return B64URL.indexOf(id[0]!) & 3
}
