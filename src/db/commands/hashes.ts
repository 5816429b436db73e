/** Hash commands. */
import type { DbCommand, ExecContext } from '../command.ts'
import { array, bulk, Errors, int, NULL_BULK, OK } from '../reply.ts'
import type { Reply } from '../reply.ts'
import { ascii, fail, int64Arg, intArg, is, latin1, parseInt64, Texts, toReplyInt } from '../args.ts'
import { addLongDouble, formatLongDouble, longDoubleFromInt, parseLongDouble } from '../longdouble.ts'
import type { Keyspace } from '../keyspace.ts'
import { HASH } from '../types/keys.ts'
import type { FieldRow } from '../types/hashes.ts'
import { checksFirst, cursorArg, define, EMPTY_ARRAY, EMPTY_SCAN, matches, ONE, scanOptions, scanReply, scanWindow, ZERO } from './util.ts'

const INT64_MAX = 9223372036854775807n
const INT64_MIN = -9223372036854775808n

function hset(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  if (args.length % 2 === 1) fail(Errors.arity(latin1(args[0]!)))
  const key = args[1]!
  const row = ks.keys.open(key, HASH, ctx.now)
  const fresh = row.len === 0
  let added = 0
  for (let i = 2; i < args.length; i += 2) if (ks.hashes.put(row.id, args[i]!, args[i + 1]!, fresh)) added++
  ks.keys.settle(key, row, row.len + added)
  return is(args[0]!, 'HMSET') ? OK : int(added)
}

function hsetnx(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const key = args[1]!
  const row = ks.keys.typedForWrite(key, HASH, ctx.now)
  if (row !== undefined && ks.hashes.get(row.id, args[2]!) !== undefined) return ZERO
  const target = row ?? ks.keys.open(key, HASH, ctx.now)
  ks.hashes.add(target.id, args[2]!, args[3]!)
  ks.keys.settle(key, target, target.len + 1)
  return ONE
}

function hget(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.typed(args[1]!, HASH, ctx.now)
  if (row === undefined) return NULL_BULK
  const v = ks.hashes.get(row.id, args[2]!)
  return v === undefined ? NULL_BULK : bulk(v)
}

function hmget(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.typed(args[1]!, HASH, ctx.now)
  const out: Reply[] = []
  for (let i = 2; i < args.length; i++) {
    const v = row === undefined ? undefined : ks.hashes.get(row.id, args[i]!)
    out.push(v === undefined ? NULL_BULK : bulk(v))
  }
  return array(out)
}

function hgetall(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.typed(args[1]!, HASH, ctx.now)
  if (row === undefined) return { t: 'map', v: [] }
  return { t: 'map', v: ks.hashes.all(row.id).map(r => [bulk(r.field), bulk(r.value)] as [Reply, Reply]) }
}

function hdel(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const key = args[1]!
  const row = ks.keys.typedForWrite(key, HASH, ctx.now)
  if (row === undefined) return ZERO
  let n = 0
  for (let i = 2; i < args.length; i++) if (ks.hashes.delete(row.id, args[i]!)) n++
  if (n > 0) ks.keys.settle(key, row, row.len - n)
  return int(n)
}

function hexists(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.typed(args[1]!, HASH, ctx.now)
  return row !== undefined && ks.hashes.get(row.id, args[2]!) !== undefined ? ONE : ZERO
}

function hlen(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  return int(ks.keys.typed(args[1]!, HASH, ctx.now)?.len ?? 0)
}

function hkeysCommand(part: 'field' | 'value') {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    const row = ks.keys.typed(args[1]!, HASH, ctx.now)
    if (row === undefined) return EMPTY_ARRAY
    return array(ks.hashes.all(row.id).map(r => bulk(r[part])))
  }
}

function hincrby(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const incr = int64Arg(args[3]!)
  const key = args[1]!
  const row = ks.keys.open(key, HASH, ctx.now)
  const old = ks.hashes.get(row.id, args[2]!)
  let value = 0n
  if (old !== undefined) value = parseInt64(old) ?? fail(Texts.hashNotInt)
  if ((incr < 0n && value < 0n && incr < INT64_MIN - value) || (incr > 0n && value > 0n && incr > INT64_MAX - value)) fail(Errors.overflow)
  value += incr
  const added = ks.hashes.put(row.id, args[2]!, ascii(value.toString()), old === undefined)
  ks.keys.settle(key, row, row.len + (added ? 1 : 0))
  return int(toReplyInt(value))
}

function hincrbyfloat(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const incr = parseLongDouble(args[3]!) ?? fail(Errors.notFloat)
  if (incr.inf === true) fail('ERR value is NaN or Infinity')
  const key = args[1]!
  const row = ks.keys.open(key, HASH, ctx.now)
  const old = ks.hashes.get(row.id, args[2]!)
  let value = { neg: false, m: 0n, e: 0 }
  if (old !== undefined) {
    const asInt = parseInt64(old)
    value = asInt !== null ? longDoubleFromInt(asInt) : (parseLongDouble(old) ?? fail(Texts.hashNotFloat))
  }
  const sum = addLongDouble(value, incr)
  if (sum.inf === true) fail(Texts.nanOrInf)
  const text = ascii(formatLongDouble(sum))
  const added = ks.hashes.put(row.id, args[2]!, text, old === undefined)
  ks.keys.settle(key, row, row.len + (added ? 1 : 0))
  return bulk(text)
}

function hstrlen(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.typed(args[1]!, HASH, ctx.now)
  return int(row === undefined ? 0 : (ks.hashes.get(row.id, args[2]!)?.length ?? 0))
}

function hscan(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const cursor = cursorArg(args[2]!)
  const row = ks.keys.typed(args[1]!, HASH, ctx.now)
  if (row === undefined) return EMPTY_SCAN
  const o = scanOptions(args, 3, false)
  const { rows, next } = ks.hashes.scan(row.id, ...scanWindow(row.len, cursor, o.count))
  const out: Reply[] = []
  for (const r of rows) {
    if (!matches(o, r.field)) continue
    out.push(bulk(r.field), bulk(r.value))
  }
  return scanReply(next, out)
}

/** Picks `count` distinct random fields (count < len). */
function distinctRandom(ks: Keyspace, id: number, len: number, count: number): FieldRow[] {
  if (count * 2 > len) {
    // Most of the hash: keep a uniform sample while reading it once.
    const sample: FieldRow[] = []
    let seen = 0
    for (const r of ks.hashes.each(id)) {
      seen++
      if (sample.length < count) sample.push(r)
      else {
        const j = Math.floor(Math.random() * seen)
        if (j < count) sample[j] = r
      }
    }
    return sample
  }
  const picked = new Map<string, FieldRow>()
  while (picked.size < count) {
    const r = ks.hashes.random(id)
    picked.set(latin1(r.field), r)
  }
  return [...picked.values()]
}

function hrandfield(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  if (args.length === 2) {
    const row = ks.keys.typed(args[1]!, HASH, ctx.now)
    if (row === undefined) return NULL_BULK
    return bulk(ks.hashes.random(row.id).field)
  }
  const l = intArg(args[2]!)
  let withValues = false
  if (args.length > 4 || (args.length === 4 && !is(args[3]!, 'WITHVALUES'))) fail(Errors.syntax)
  if (args.length === 4) {
    withValues = true
    if (Math.abs(l) > 2 ** 62) fail('ERR value is out of range')
  }
  const row = ks.keys.typed(args[1]!, HASH, ctx.now)
  if (row === undefined || l === 0) return EMPTY_ARRAY
  let rows: FieldRow[]
  if (l < 0 || l === 1) {
    rows = []
    for (let i = 0; i < Math.abs(l); i++) rows.push(ks.hashes.random(row.id))
  } else if (l >= row.len) {
    rows = ks.hashes.all(row.id)
  } else {
    rows = distinctRandom(ks, row.id, row.len, l)
  }
  const out: Reply[] = []
  for (const r of rows) {
    if (!withValues) out.push(bulk(r.field))
    else if (ctx.resp === 3) out.push(array([bulk(r.field), bulk(r.value)]))
    else out.push(bulk(r.field), bulk(r.value))
  }
  return array(out)
}

export const hashCommands: DbCommand[] = [
  checksFirst(define('HSET', -4, ['write', 'fast'], [1, 1, 1], 'hashes', 'Set the string value of a hash field', hset)),
  define('HSETNX', 4, ['write', 'fast'], [1, 1, 1], 'hashes', 'Set the value of a hash field, only if the field does not exist', hsetnx),
  define('HGET', 3, ['readonly', 'fast'], [1, 1, 1], 'hashes', 'Get the value of a hash field', hget),
  checksFirst(define('HMSET', -4, ['write', 'fast'], [1, 1, 1], 'hashes', 'Set multiple hash fields to multiple values', hset)),
  define('HMGET', -3, ['readonly', 'fast'], [1, 1, 1], 'hashes', 'Get the values of all the given hash fields', hmget),
  define('HGETALL', 2, ['readonly'], [1, 1, 1], 'hashes', 'Get all the fields and values in a hash', hgetall,
    { status: 'supported', notes: 'fields come in hash order (as a large Redis hash), not insertion order' }),
  define('HDEL', -3, ['write', 'fast'], [1, 1, 1], 'hashes', 'Delete one or more hash fields', hdel),
  define('HEXISTS', 3, ['readonly', 'fast'], [1, 1, 1], 'hashes', 'Determine if a hash field exists', hexists),
  define('HLEN', 2, ['readonly', 'fast'], [1, 1, 1], 'hashes', 'Get the number of fields in a hash', hlen),
  define('HKEYS', 2, ['readonly'], [1, 1, 1], 'hashes', 'Get all the fields in a hash', hkeysCommand('field')),
  define('HVALS', 2, ['readonly'], [1, 1, 1], 'hashes', 'Get all the values in a hash', hkeysCommand('value')),
  define('HINCRBY', 4, ['write', 'fast'], [1, 1, 1], 'hashes', 'Increment the integer value of a hash field by the given number', hincrby),
  define('HINCRBYFLOAT', 4, ['write', 'fast'], [1, 1, 1], 'hashes', 'Increment the float value of a hash field by the given amount', hincrbyfloat,
    { status: 'supported', notes: 'computed in 80-bit long double, as Redis on x86-64' }),
  define('HSTRLEN', 3, ['readonly', 'fast'], [1, 1, 1], 'hashes', 'Get the length of the value of a hash field', hstrlen),
  define('HSCAN', -3, ['readonly'], [1, 1, 1], 'hashes', 'Incrementally iterate hash fields and associated values', hscan,
    { status: 'supported', notes: 'MATCH COUNT; the cursor is a field hash: fields present throughout are returned exactly once; up to 128 fields come in one step' }),
  define('HRANDFIELD', -2, ['readonly'], [1, 1, 1], 'hashes', 'Get one or multiple random fields from a hash', hrandfield, { status: 'supported', notes: 'count, WITHVALUES' }),
]

