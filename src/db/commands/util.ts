/**
 * What the command files share: the definition helper, common replies,
 * SCAN options, index normalisation and the *STORE target handling.
 */
import type { CommandFlag, CommandGroup, DbCommand, ExecContext } from '../command.ts'
import { array, bulk, Errors, int } from '../reply.ts'
import type { Reply } from '../reply.ts'
import { fail, intArg, is, Texts } from '../args.ts'
import { globMatch } from '../glob.ts'
import type { Keyspace } from '../keyspace.ts'
import type { TypeCode } from '../types/keys.ts'

type Run = (ks: Keyspace, args: Uint8Array[], ctx: ExecContext) => Reply

/** Defines a command: COMMAND INFO's fields, then the function that runs it. */
export function define(
  name: string,
  arity: number,
  flags: CommandFlag[],
  keys: [first: number, last: number, step: number],
  group: CommandGroup,
  summary: string,
  run?: Run,
  compat?: DbCommand['compat'],
): DbCommand {
  const cmd: DbCommand = { name, arity, flags, firstKey: keys[0], lastKey: keys[1], keyStep: keys[2], group, summary }
  if (run !== undefined) cmd.run = run
  if (compat !== undefined) cmd.compat = compat
  return cmd
}

/** Marks a write command whose errors all come before its first write (DbCommand.checksFirst). */
export function checksFirst(cmd: DbCommand): DbCommand {
  cmd.checksFirst = true
  return cmd
}

export const ZERO: Reply = int(0)
export const ONE: Reply = int(1)
export const EMPTY_ARRAY: Reply = array([])
export const NULL_ARRAY: Reply = array(null)
export const EMPTY_BULK: Reply = bulk(new Uint8Array(0))
export const EMPTY_SCAN: Reply = array([bulk('0'), array([])])

export const bool = (b: boolean): Reply => (b ? ONE : ZERO)
export const double = (v: number): Reply => ({ t: 'double', v })
export const set = (v: Reply[]): Reply => ({ t: 'set', v })

/** SCAN's cursor: an unsigned decimal (strtoul: an empty string is 0); "ERR invalid cursor" otherwise. */
export function cursorArg(b: Uint8Array): number {
  let i = 0
  if (b[0] === 43 || b[0] === 45) i = 1
  let digits = ''
  for (; i < b.length; i++) {
    const c = b[i]!
    if (c < 48 || c > 57) fail(Texts.invalidCursor)
    digits += String.fromCharCode(c)
  }
  const v = digits.length === 0 ? 0n : BigInt(digits)
  if (v > 18446744073709551615n) fail(Texts.invalidCursor)
  if (b[0] === 45 && v !== 0n) return Number.MAX_SAFE_INTEGER // wraps to a huge cursor, as strtoul
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v)
}

/** A collection this small comes whole in one SCAN step, whatever the cursor, as a small Redis collection does. */
const SCAN_WHOLE = 128

/** The cursor and page size to read a collection of `len` with. */
export function scanWindow(len: number, cursor: number, count: number): [cursor: number, count: number] {
  return len <= SCAN_WHOLE ? [0, SCAN_WHOLE + 1] : [cursor, count]
}

export interface ScanOptions {
  match: Uint8Array | null
  count: number
  type: Uint8Array | null
}

/** MATCH / COUNT (and TYPE for SCAN) from args[from]. */
export function scanOptions(args: Uint8Array[], from: number, allowType: boolean): ScanOptions {
  const o: ScanOptions = { match: null, count: 10, type: null }
  for (let i = from; i < args.length; i += 2) {
    const more = i + 1 < args.length
    if (more && is(args[i]!, 'COUNT')) {
      o.count = intArg(args[i + 1]!)
      if (o.count < 1) fail(Errors.syntax)
    } else if (more && is(args[i]!, 'MATCH')) {
      const p = args[i + 1]!
      o.match = p.length === 1 && p[0] === 42 ? null : p
    } else if (more && allowType && is(args[i]!, 'TYPE')) {
      o.type = args[i + 1]!
    } else {
      fail(Errors.syntax)
    }
  }
  return o
}

export function matches(o: ScanOptions, name: Uint8Array): boolean {
  return o.match === null || globMatch(o.match, name)
}

/** The reply of a SCAN step. */
export function scanReply(next: number, items: Reply[]): Reply {
  return array([bulk(String(next)), array(items)])
}

/**
 * Redis's start/stop normalisation for LRANGE, ZRANGE, LTRIM…: negative
 * counts from the end; null when the range is empty.
 */
export function normalizeRange(start: number, stop: number, len: number): [number, number] | null {
  if (start < 0) start = len + start
  if (stop < 0) stop = len + stop
  if (start < 0) start = 0
  if (start > stop || start >= len) return null
  if (stop >= len) stop = len - 1
  return [start, stop]
}

/** Whether `key` is among `keys`. */
export function includes(keys: Uint8Array[], key: Uint8Array): boolean {
  outer: for (const k of keys) {
    if (k.length !== key.length) continue
    for (let i = 0; i < k.length; i++) if (k[i] !== key[i]) continue outer
    return true
  }
  return false
}

/**
 * Writes a computed collection to `dest`, replacing whatever it held:
 * `build(id)` writes the elements under key id `id` and returns how many.
 * An existing destination keeps its id (so a SCAN in progress still sees
 * it once) unless it is also a source, read while building; an empty
 * result deletes it. Returns the size.
 */
export function storeInto(ks: Keyspace, dest: Uint8Array, type: TypeCode, now: number, destIsSource: boolean, build: (id: number) => number): number {
  const keys = ks.keys
  const old = keys.findForWrite(dest, now)
  let id: number
  if (old !== undefined && !destIsSource) {
    keys.clearData(old)
    id = old.id
  } else {
    id = keys.freshId()
  }
  const len = build(id)
  if (old === undefined) {
    if (len > 0) keys.create(dest, type, null, len, 0, null, id)
    return len
  }
  if (len === 0) {
    keys.remove(dest, old)
    return 0
  }
  if (id !== old.id) {
    keys.clearData(old)
    keys.moveData(type, id, old.id)
  }
  keys.retype(dest, old.id, type, len)
  return len
}
