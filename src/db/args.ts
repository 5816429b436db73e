/**
 * Argument parsing for the commands: Redis's strict integer and float rules,
 * case-insensitive option words, and the error a command throws to answer
 * with a Redis error reply. Arguments stay bytes; only numbers and option
 * words are ever looked at as text.
 */
import { Errors } from './reply.ts'
import { parseDouble } from './float.ts'

/** A user error: `Keyspace.execute` turns it into an error reply with this text. */
export class CommandError extends Error {
  override readonly name = 'CommandError'
}

/** Stops the command with a Redis error reply ("ERR …", "WRONGTYPE …"). */
export function fail(text: string): never {
  throw new CommandError(text)
}

/** More of Redis's error texts, beyond the common ones in reply.ts. */
export const Texts = {
  readonly: "READONLY You can't write against a read only replica.",
  indexRange: 'ERR index out of range',
  minMaxFloat: 'ERR min or max is not a float',
  minMaxLex: 'ERR min or max not valid string range item',
  positive: 'ERR value is out of range, must be positive',
  invalidCursor: 'ERR invalid cursor',
  nanScore: 'ERR resulting score is not a number (NaN)',
  nanOrInf: 'ERR increment would produce NaN or Infinity',
  hashNotInt: 'ERR hash value is not an integer',
  hashNotFloat: 'ERR hash value is not a float',
  tooBig: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  expireTime: (cmd: string) => `ERR invalid expire time in '${cmd.toLowerCase()}' command`,
} as const

/** The largest string SETRANGE/APPEND may build: Redis's default proto-max-bulk-len. */
export const MAX_STRING = 512 * 1024 * 1024

/** Whether `arg` is `word` (upper-case ASCII), ignoring case, without allocating. */
export function is(arg: Uint8Array, word: string): boolean {
  if (arg.length !== word.length) return false
  for (let i = 0; i < arg.length; i++) {
    let c = arg[i]!
    if (c >= 97 && c <= 122) c -= 32
    if (c !== word.charCodeAt(i)) return false
  }
  return true
}

/** Bytes as a Latin-1 string: one char per byte, lossless; for messages and map keys. */
export function latin1(b: Uint8Array): string {
  if (b.length < 64) {
    let s = ''
    for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!)
    return s
  }
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1')
}

const INT64_MAX = 9223372036854775807n
const INT64_MIN = -9223372036854775808n

/**
 * Redis's string2ll: an optional '-', then digits with no leading zero (only
 * "0" itself), nothing else, within a signed 64-bit range. Null otherwise.
 */
export function parseInt64(b: Uint8Array): bigint | null {
  const n = b.length
  if (n === 0 || n > 20) return null
  if (n === 1 && b[0] === 48) return 0n
  let i = 0
  const negative = b[0] === 45
  if (negative) i = 1
  if (i >= n || b[i]! < 49 || b[i]! > 57) return null
  if (n - i <= 15) {
    let v = 0
    for (; i < n; i++) {
      const c = b[i]!
      if (c < 48 || c > 57) return null
      v = v * 10 + (c - 48)
    }
    return BigInt(negative ? -v : v)
  }
  for (let j = i; j < n; j++) if (b[j]! < 48 || b[j]! > 57) return null
  const v = BigInt(latin1(b))
  return v > INT64_MAX || v < INT64_MIN ? null : v
}

/**
 * The same rule as a JS number, for counts and indexes; values beyond 2^53
 * come back rounded, which no index or count can tell apart. Null when invalid.
 */
export function parseIntNumber(b: Uint8Array): number | null {
  const n = b.length
  if (n === 0 || n > 20) return null
  if (n <= 15) {
    if (n === 1 && b[0] === 48) return 0
    let i = 0
    const negative = b[0] === 45
    if (negative) i = 1
    if (i >= n || b[i]! < 49 || b[i]! > 57) return null
    let v = 0
    for (; i < n; i++) {
      const c = b[i]!
      if (c < 48 || c > 57) return null
      v = v * 10 + (c - 48)
    }
    return negative ? -v : v
  }
  const v = parseInt64(b)
  return v == null ? null : Number(v)
}

/** An integer argument, or "ERR value is not an integer or out of range". */
export function intArg(b: Uint8Array, text: string = Errors.notInteger): number {
  const v = parseIntNumber(b)
  return v ?? fail(text)
}

/** A 64-bit integer argument kept exact. */
export function int64Arg(b: Uint8Array, text: string = Errors.notInteger): bigint {
  const v = parseInt64(b)
  return v ?? fail(text)
}

/** A float argument (strtod rules, no NaN, no overflow), or "ERR value is not a valid float". */
export function floatArg(b: Uint8Array, text: string = Errors.notFloat): number {
  const v = parseDouble(b)
  return v ?? fail(text)
}

/** A number as a reply: exact even beyond 2^53. */
export function toReplyInt(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v
}

const enc = new TextEncoder()

/** ASCII text as bytes (numbers formatted for storage or replies). */
export function ascii(s: string): Uint8Array {
  return enc.encode(s)
}

/** Byte-wise comparison, as memcmp then length: Redis's (and SQLite's BLOB) order. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!
    if (d !== 0) return d
  }
  return a.length - b.length
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Joins byte strings. */
export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
