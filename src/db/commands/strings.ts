/** String commands: GET/SET and their variants, counters, ranges. */
import type { DbCommand, ExecContext } from '../command.ts'
import { array, bulk, Errors, int, NULL_BULK, OK } from '../reply.ts'
import type { Reply } from '../reply.ts'
import { ascii, concat, fail, int64Arg, intArg, is, latin1, MAX_STRING, parseInt64, parseIntNumber, Texts, toReplyInt } from '../args.ts'
import { addLongDouble, formatLongDouble, parseLongDouble } from '../longdouble.ts'
import type { Keyspace } from '../keyspace.ts'
import { STRING } from '../types/keys.ts'
import { checksFirst, define, EMPTY_BULK, ONE, ZERO } from './util.ts'

const INT64_MAX = 9223372036854775807n
const INT64_MIN = -9223372036854775808n

interface SetOptions {
  nx: boolean
  xx: boolean
  get: boolean
  keepTtl: boolean
  persist: boolean
  unit: 'EX' | 'PX' | 'EXAT' | 'PXAT' | null
  expire: Uint8Array | null
}

/** SET's and GETEX's options, with Redis's rules on which may be combined. */
function parseSetOptions(args: Uint8Array[], from: number, forGetex: boolean): SetOptions {
  const o: SetOptions = { nx: false, xx: false, get: false, keepTtl: false, persist: false, unit: null, expire: null }
  const isSet = !forGetex
  for (let j = from; j < args.length; j++) {
    const a = args[j]!
    const next = j + 1 < args.length ? args[j + 1]! : null
    const u = o.unit
    if (is(a, 'NX') && !o.xx && isSet) o.nx = true
    else if (is(a, 'XX') && !o.nx && isSet) o.xx = true
    else if (is(a, 'GET') && isSet) o.get = true
    else if (is(a, 'KEEPTTL') && !o.persist && u === null && isSet) o.keepTtl = true
    else if (is(a, 'PERSIST') && forGetex && u === null && !o.keepTtl) o.persist = true
    else if (next !== null && !o.keepTtl && !o.persist && (is(a, 'EX') || is(a, 'PX') || is(a, 'EXAT') || is(a, 'PXAT'))) {
      const unit = latin1(a).toUpperCase() as SetOptions['unit']
      if (u !== null && u !== unit) fail(Errors.syntax)
      o.unit = unit
      o.expire = next
      j++
    } else fail(Errors.syntax)
  }
  return o
}

/** The absolute expiry (unix ms) the options ask for; "invalid expire time" when out of range. */
function expireAt(o: SetOptions, now: number, command: string): number {
  let ms = int64Arg(o.expire!)
  const seconds = o.unit === 'EX' || o.unit === 'EXAT'
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) fail(Texts.expireTime(command))
  if (seconds) ms *= 1000n
  if (o.unit === 'EX' || o.unit === 'PX') ms += BigInt(now)
  if (ms > INT64_MAX) fail(Texts.expireTime(command))
  return Number(ms)
}

function get(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const v = ks.strings.get(args[1]!, ctx.now)
  return v === null ? NULL_BULK : { t: 'bulk', v }
}

function set(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const key = args[1]!
  if (args.length === 3) {
    ks.strings.set(key, args[2]!, ctx.now, null)
    return OK
  }
  const o = parseSetOptions(args, 3, false)
  const exp = o.expire !== null ? expireAt(o, ctx.now, 'set') : null
  let old: Reply = OK
  if (o.get) {
    const v = ks.strings.get(key, ctx.now)
    old = v === null ? NULL_BULK : bulk(v)
  }
  if (o.nx || o.xx) {
    const found = ks.keys.find(key, ctx.now) !== undefined
    if ((o.nx && found) || (o.xx && !found)) return o.get ? old : NULL_BULK
  }
  ks.strings.set(key, args[2]!, ctx.now, exp, o.keepTtl)
  return old
}

function setnx(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  if (ks.keys.find(args[1]!, ctx.now) !== undefined) return ZERO
  ks.strings.set(args[1]!, args[2]!, ctx.now, null)
  return ONE
}

function setexCommand(unit: 'EX' | 'PX', name: string) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    const exp = expireAt({ unit, expire: args[2]! } as SetOptions, ctx.now, name)
    ks.strings.set(args[1]!, args[3]!, ctx.now, exp)
    return OK
  }
}

function mget(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const out: Reply[] = []
  for (let i = 1; i < args.length; i++) {
    const row = ks.strings.row(args[i]!, ctx.now)
    out.push(row !== undefined && row.type === STRING ? { t: 'bulk', v: row.value } : NULL_BULK)
  }
  return array(out)
}

function mset(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  if (args.length % 2 === 0) fail(Errors.arity('mset'))
  for (let i = 1; i < args.length; i += 2) ks.strings.set(args[i]!, args[i + 1]!, ctx.now, null)
  return OK
}

function msetnx(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  if (args.length % 2 === 0) fail(Errors.arity('msetnx'))
  for (let i = 1; i < args.length; i += 2) if (ks.keys.find(args[i]!, ctx.now) !== undefined) return ZERO
  for (let i = 1; i < args.length; i += 2) ks.strings.set(args[i]!, args[i + 1]!, ctx.now, null)
  return ONE
}

function getset(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const old = ks.strings.get(args[1]!, ctx.now)
  ks.strings.set(args[1]!, args[2]!, ctx.now, null)
  return old === null ? NULL_BULK : bulk(old)
}

function getdel(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.strings.typed(args[1]!, ctx.now)
  if (row === undefined) return NULL_BULK
  ks.keys.remove(args[1]!, row)
  return bulk(row.value)
}

function getex(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const o = parseSetOptions(args, 2, true)
  const key = args[1]!
  const row = ks.strings.typed(key, ctx.now)
  if (row === undefined) return NULL_BULK
  const reply = bulk(row.value)
  if (o.expire !== null) {
    const exp = expireAt(o, ctx.now, 'getex')
    if ((o.unit === 'EXAT' || o.unit === 'PXAT') && exp <= ctx.now) ks.keys.remove(key, row)
    else ks.keys.setExpire(key, row.id, exp)
  } else if (o.persist && row.exp !== null) {
    ks.keys.setExpire(key, row.id, null)
  }
  return reply
}

function append(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const key = args[1]!
  const row = ks.strings.typed(key, ctx.now)
  if (row === undefined) {
    ks.strings.set(key, args[2]!, ctx.now, null)
    return int(args[2]!.length)
  }
  const old = row.value!
  if (old.length + args[2]!.length > MAX_STRING) fail(Texts.tooBig)
  const value = concat([old, args[2]!])
  ks.strings.update(key, row.id, value)
  return int(value.length)
}

function strlen(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  return int(ks.strings.get(args[1]!, ctx.now)?.length ?? 0)
}

function getrange(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  let start = intArg(args[2]!)
  let end = intArg(args[3]!)
  const s = ks.strings.get(args[1]!, ctx.now)
  if (s === null) return EMPTY_BULK
  const n = s.length
  if (start < 0 && end < 0 && start > end) return EMPTY_BULK
  if (start < 0) start = n + start
  if (end < 0) end = n + end
  if (start < 0) start = 0
  if (end < 0) end = 0
  if (end >= n) end = n - 1
  if (start > end || n === 0) return EMPTY_BULK
  return bulk(s.slice(start, end + 1))
}

function setrange(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const offset = intArg(args[2]!)
  if (offset < 0) fail('ERR offset is out of range')
  const key = args[1]!
  const piece = args[3]!
  const row = ks.strings.typed(key, ctx.now)
  if (row === undefined) {
    if (piece.length === 0) return ZERO
    if (offset + piece.length > MAX_STRING) fail(Texts.tooBig)
    const value = new Uint8Array(offset + piece.length)
    value.set(piece, offset)
    ks.strings.set(key, value, ctx.now, null)
    return int(value.length)
  }
  const old = row.value!
  if (piece.length === 0) return int(old.length)
  if (offset + piece.length > MAX_STRING) fail(Texts.tooBig)
  const value = new Uint8Array(Math.max(old.length, offset + piece.length))
  value.set(old)
  value.set(piece, offset)
  ks.strings.update(key, row.id, value)
  return int(value.length)
}

/** An increment as a number when it is small enough for exact sums with any value of up to 15 digits. */
const SMALL = 2n ** 52n
const small = (v: bigint): number | bigint => (v > -SMALL && v < SMALL ? Number(v) : v)

/** A safe integer's decimal digits as bytes (what INCR stores), without a TextEncoder call. */
function digits(v: number): Uint8Array {
  const s = String(v)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

/**
 * INCR and friends: the value must be a 64-bit integer; the result must stay
 * one. A value of up to 15 digits plus an increment under 2^52 is summed
 * exactly as numbers; anything larger goes through bigint, with the overflow check.
 */
function incrBy(ks: Keyspace, key: Uint8Array, incr: number | bigint, now: number): Reply {
  const row = ks.strings.typed(key, now)
  let result: number | bigint
  if (row === undefined) result = incr
  else {
    const v = row.value!
    const current = typeof incr === 'number' && v.length <= 15 ? parseIntNumber(v) : null
    if (current !== null) result = current + (incr as number)
    else {
      const cur = parseInt64(v) ?? fail(Errors.notInteger)
      const by = BigInt(incr)
      if ((by < 0n && cur < 0n && by < INT64_MIN - cur) || (by > 0n && cur > 0n && by > INT64_MAX - cur)) fail(Errors.overflow)
      result = cur + by
    }
  }
  const value = typeof result === 'number' ? digits(result) : ascii(result.toString())
  if (row === undefined) ks.strings.set(key, value, now, null)
  else ks.strings.update(key, row.id, value)
  return int(typeof result === 'bigint' ? toReplyInt(result) : result)
}

function incrbyfloat(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const key = args[1]!
  const row = ks.strings.typed(key, ctx.now)
  const current = row === undefined ? { neg: false, m: 0n, e: 0 } : parseLongDouble(row.value!) ?? fail(Errors.notFloat)
  const incr = parseLongDouble(args[2]!) ?? fail(Errors.notFloat)
  const sum = addLongDouble(current, incr)
  if (sum.inf === true) fail(Texts.nanOrInf)
  const value = ascii(formatLongDouble(sum))
  if (row === undefined) ks.strings.set(key, value, ctx.now, null)
  else ks.strings.update(key, row.id, value)
  return bulk(value)
}

export const stringCommands: DbCommand[] = [
  define('GET', 2, ['readonly', 'fast'], [1, 1, 1], 'strings', 'Get the value of a key', get),
  checksFirst(define('SET', -3, ['write'], [1, 1, 1], 'strings', 'Set the string value of a key', set, { status: 'supported', notes: 'EX PX EXAT PXAT NX XX GET KEEPTTL' })),
  checksFirst(define('SETNX', 3, ['write', 'fast'], [1, 1, 1], 'strings', 'Set the value of a key, only if the key does not exist', setnx)),
  checksFirst(define('SETEX', 4, ['write'], [1, 1, 1], 'strings', 'Set the value and expiration of a key', setexCommand('EX', 'setex'))),
  checksFirst(define('PSETEX', 4, ['write'], [1, 1, 1], 'strings', 'Set the value and expiration in milliseconds of a key', setexCommand('PX', 'psetex'))),
  define('MGET', -2, ['readonly', 'fast'], [1, -1, 1], 'strings', 'Get the values of all the given keys', mget),
  checksFirst(define('MSET', -3, ['write'], [1, -1, 2], 'strings', 'Set multiple keys to multiple values', mset)),
  define('MSETNX', -3, ['write'], [1, -1, 2], 'strings', 'Set multiple keys to multiple values, only if none of the keys exist', msetnx),
  checksFirst(define('GETSET', 3, ['write', 'fast'], [1, 1, 1], 'strings', 'Set the string value of a key and return its old value', getset)),
  define('GETDEL', 2, ['write', 'fast'], [1, 1, 1], 'strings', 'Get the value of a key and delete the key', getdel),
  define('GETEX', -2, ['write', 'fast'], [1, 1, 1], 'strings', 'Get the value of a key and optionally set its expiration', getex, { status: 'supported', notes: 'EX PX EXAT PXAT PERSIST' }),
  define('APPEND', 3, ['write', 'fast'], [1, 1, 1], 'strings', 'Append a value to a key', append),
  define('STRLEN', 2, ['readonly', 'fast'], [1, 1, 1], 'strings', 'Get the length of the value stored in a key', strlen),
  define('GETRANGE', 4, ['readonly'], [1, 1, 1], 'strings', 'Get a substring of the string stored at a key', getrange),
  define('SETRANGE', 4, ['write'], [1, 1, 1], 'strings', 'Overwrite part of a string at key starting at the specified offset', setrange),
  checksFirst(define('INCR', 2, ['write', 'fast'], [1, 1, 1], 'strings', 'Increment the integer value of a key by one', (ks, args, ctx) => incrBy(ks, args[1]!, 1, ctx.now))),
  checksFirst(define('INCRBY', 3, ['write', 'fast'], [1, 1, 1], 'strings', 'Increment the integer value of a key by the given amount', (ks, args, ctx) => incrBy(ks, args[1]!, small(int64Arg(args[2]!)), ctx.now))),
  checksFirst(define('INCRBYFLOAT', 3, ['write', 'fast'], [1, 1, 1], 'strings', 'Increment the float value of a key by the given amount', incrbyfloat,
    { status: 'supported', notes: 'computed in 80-bit long double and printed as Redis on x86-64 does' })),
  checksFirst(define('DECR', 2, ['write', 'fast'], [1, 1, 1], 'strings', 'Decrement the integer value of a key by one', (ks, args, ctx) => incrBy(ks, args[1]!, -1, ctx.now))),
  checksFirst(define('DECRBY', 3, ['write', 'fast'], [1, 1, 1], 'strings', 'Decrement the integer value of a key by the given number', (ks, args, ctx) => {
    const by = int64Arg(args[2]!)
    if (by === INT64_MIN) fail('ERR decrement would overflow')
    return incrBy(ks, args[1]!, small(-by), ctx.now)
  })),
]
