/** List commands, the blocking pops included (they answer `wait` when there is nothing to pop). */
import type { DbCommand, ExecContext } from '../command.ts'
import { array, bulk, Errors, int, NULL_BULK, OK } from '../reply.ts'
import type { Reply } from '../reply.ts'
import { fail, intArg, is, parseInt64, Texts } from '../args.ts'
import { parseDouble } from '../float.ts'
import type { Keyspace } from '../keyspace.ts'
import { LIST } from '../types/keys.ts'
import type { KeyRow } from '../types/keys.ts'
import { checksFirst, define, EMPTY_ARRAY, NULL_ARRAY, normalizeRange, ZERO } from './util.ts'

/** Stores a list's new bounds, or deletes the key when it is empty. */
function settleList(ks: Keyspace, key: Uint8Array, row: KeyRow): void {
  if (row.len === 0) ks.keys.remove(key, row)
  else ks.keys.setList(key, row.id, row.head, row.len)
}

function pushCommand(left: boolean, onlyIfExists: boolean) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    const key = args[1]!
    let row = ks.keys.typedForWrite(key, LIST, ctx.now)
    if (row === undefined) {
      if (onlyIfExists) return ZERO
      row = ks.keys.open(key, LIST, ctx.now)
    }
    ks.lists.push(row, args.slice(2), left)
    settleList(ks, key, row)
    return int(row.len)
  }
}

function popCommand(left: boolean) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    if (args.length > 3) fail(Errors.arity(left ? 'lpop' : 'rpop'))
    const hasCount = args.length === 3
    let count = 1
    if (hasCount) {
      count = intArg(args[2]!, Texts.positive)
      if (count < 0) fail(Texts.positive)
    }
    const key = args[1]!
    const row = ks.keys.typedForWrite(key, LIST, ctx.now)
    if (row === undefined) return hasCount ? NULL_ARRAY : NULL_BULK
    if (hasCount && count === 0) return EMPTY_ARRAY
    const values = ks.lists.pop(row, count, left)
    settleList(ks, key, row)
    return hasCount ? array(values.map(v => bulk(v))) : bulk(values[0]!)
  }
}

function llen(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  return int(ks.keys.typed(args[1]!, LIST, ctx.now)?.len ?? 0)
}

function lrange(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const start = intArg(args[2]!)
  const stop = intArg(args[3]!)
  const row = ks.keys.typed(args[1]!, LIST, ctx.now)
  if (row === undefined) return EMPTY_ARRAY
  const range = normalizeRange(start, stop, row.len)
  if (range === null) return EMPTY_ARRAY
  return array(ks.lists.range(row, range[0], range[1]).map(v => bulk(v)))
}

function lindex(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.typed(args[1]!, LIST, ctx.now)
  if (row === undefined) return NULL_BULK
  let index = intArg(args[2]!)
  if (index < 0) index += row.len
  if (index < 0 || index >= row.len) return NULL_BULK
  const v = ks.lists.at(row, index)
  return v === undefined ? NULL_BULK : bulk(v)
}

function lset(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const key = args[1]!
  const row = ks.keys.typedForWrite(key, LIST, ctx.now)
  if (row === undefined) fail(Errors.noSuchKey)
  let index = intArg(args[2]!)
  if (index < 0) index += row.len
  if (index < 0 || index >= row.len) fail(Texts.indexRange)
  ks.lists.set(row, index, args[3]!)
  ks.keys.bump(key, row.id)
  return OK
}

function lrem(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const count = intArg(args[2]!)
  const key = args[1]!
  const row = ks.keys.typedForWrite(key, LIST, ctx.now)
  if (row === undefined) return ZERO
  const n = ks.lists.remove(row, count, args[3]!)
  if (n > 0) settleList(ks, key, row)
  return int(n)
}

function ltrim(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const start = intArg(args[2]!)
  const stop = intArg(args[3]!)
  const key = args[1]!
  const row = ks.keys.typedForWrite(key, LIST, ctx.now)
  if (row === undefined) return OK
  const range = normalizeRange(start, stop, row.len)
  if (range === null) {
    ks.keys.remove(key, row)
    return OK
  }
  if (range[0] === 0 && range[1] === row.len - 1) return OK
  ks.lists.trim(row, range[0], range[1])
  settleList(ks, key, row)
  return OK
}

function linsert(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  let after: boolean
  if (is(args[2]!, 'AFTER')) after = true
  else if (is(args[2]!, 'BEFORE')) after = false
  else fail(Errors.syntax)
  const key = args[1]!
  const row = ks.keys.typedForWrite(key, LIST, ctx.now)
  if (row === undefined) return ZERO
  const found = ks.lists.find(row, args[3]!, false, 0, 1)
  if (found.length === 0) return int(-1)
  ks.lists.insertAfter(row, after ? found[0]! : found[0]! - 1, args[4]!)
  settleList(ks, key, row)
  return int(row.len)
}

function lpos(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  let rank = 1
  let count = -1
  let maxlen = 0
  for (let j = 3; j < args.length; j++) {
    const more = j + 1 < args.length
    if (more && is(args[j]!, 'RANK')) {
      const big = parseInt64(args[++j]!)
      if (big === null) fail(Errors.notInteger)
      const v = Number(big)
      if (v === 0) fail("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
      // Redis 7.0 negates INT64_MIN into itself: the first match from the tail.
      rank = big === -9223372036854775808n ? -1 : v
    } else if (more && is(args[j]!, 'COUNT')) {
      count = intArg(args[++j]!, "ERR COUNT can't be negative")
      if (count < 0) fail("ERR COUNT can't be negative")
    } else if (more && is(args[j]!, 'MAXLEN')) {
      maxlen = intArg(args[++j]!, "ERR MAXLEN can't be negative")
      if (maxlen < 0) fail("ERR MAXLEN can't be negative")
    } else fail(Errors.syntax)
  }
  const row = ks.keys.typed(args[1]!, LIST, ctx.now)
  if (row === undefined) return count !== -1 ? EMPTY_ARRAY : NULL_BULK
  const found = ks.lists.find(row, args[2]!, rank < 0, Math.abs(rank) - 1, count === -1 ? 1 : count === 0 ? -1 : count, maxlen)
  if (count !== -1) return array(found.map(i => int(i)))
  return found.length === 0 ? NULL_BULK : int(found[0]!)
}

function sideArg(b: Uint8Array): boolean {
  if (is(b, 'LEFT')) return true
  if (is(b, 'RIGHT')) return false
  return fail(Errors.syntax)
}

/** LMOVE's core: null when the source is missing (or empty). */
function move(ks: Keyspace, from: Uint8Array, to: Uint8Array, fromLeft: boolean, toLeft: boolean, now: number): Uint8Array | null {
  const src = ks.keys.typedForWrite(from, LIST, now)
  if (src === undefined) return null
  ks.keys.typedForWrite(to, LIST, now) // WRONGTYPE before anything moves
  const [value] = ks.lists.pop(src, 1, fromLeft)
  settleList(ks, from, src)
  const dst = ks.keys.open(to, LIST, now)
  ks.lists.push(dst, [value!], toLeft)
  settleList(ks, to, dst)
  return value!
}

function lmove(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const fromLeft = sideArg(args[3]!)
  const toLeft = sideArg(args[4]!)
  const v = move(ks, args[1]!, args[2]!, fromLeft, toLeft, ctx.now)
  return v === null ? NULL_BULK : bulk(v)
}

function rpoplpush(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const v = move(ks, args[1]!, args[2]!, false, true, ctx.now)
  return v === null ? NULL_BULK : bulk(v)
}

/** A blocking command's timeout in seconds (a double; 0: forever) as milliseconds. */
function timeoutArg(b: Uint8Array): number {
  const secs = parseDouble(b) ?? fail('ERR timeout is not a float or out of range')
  const ms = Math.trunc(secs * 1000)
  if (ms < 0) fail('ERR timeout is negative')
  if (!Number.isFinite(ms) || ms > 9223372036854775807 - Date.now()) fail('ERR timeout is out of range')
  return ms
}

function blockingPop(left: boolean) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    const timeoutMs = timeoutArg(args[args.length - 1]!)
    const keys = args.slice(1, -1)
    for (const key of keys) {
      const row = ks.keys.typedForWrite(key, LIST, ctx.now)
      if (row === undefined || row.len === 0) continue
      const [value] = ks.lists.pop(row, 1, left)
      settleList(ks, key, row)
      return array([bulk(key), bulk(value!)])
    }
    return { t: 'wait', keys, timeoutMs }
  }
}

function blmove(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const fromLeft = sideArg(args[3]!)
  const toLeft = sideArg(args[4]!)
  const timeoutMs = timeoutArg(args[5]!)
  const v = move(ks, args[1]!, args[2]!, fromLeft, toLeft, ctx.now)
  return v === null ? { t: 'wait', keys: [args[1]!], timeoutMs } : bulk(v)
}

const blocking = 'blocks by answering { t: "wait" }: the server waits for a push to one of the keys, then runs it again'

export const listCommands: DbCommand[] = [
  checksFirst(define('LPUSH', -3, ['write', 'fast'], [1, 1, 1], 'lists', 'Prepend one or multiple elements to a list', pushCommand(true, false))),
  checksFirst(define('RPUSH', -3, ['write', 'fast'], [1, 1, 1], 'lists', 'Append one or multiple elements to a list', pushCommand(false, false))),
  checksFirst(define('LPUSHX', -3, ['write', 'fast'], [1, 1, 1], 'lists', 'Prepend an element to a list, only if the list exists', pushCommand(true, true))),
  checksFirst(define('RPUSHX', -3, ['write', 'fast'], [1, 1, 1], 'lists', 'Append an element to a list, only if the list exists', pushCommand(false, true))),
  define('LPOP', -2, ['write', 'fast'], [1, 1, 1], 'lists', 'Remove and get the first elements in a list', popCommand(true), { status: 'supported', notes: 'count' }),
  define('RPOP', -2, ['write', 'fast'], [1, 1, 1], 'lists', 'Remove and get the last elements in a list', popCommand(false), { status: 'supported', notes: 'count' }),
  define('LLEN', 2, ['readonly', 'fast'], [1, 1, 1], 'lists', 'Get the length of a list', llen),
  define('LRANGE', 4, ['readonly'], [1, 1, 1], 'lists', 'Get a range of elements from a list', lrange),
  define('LINDEX', 3, ['readonly'], [1, 1, 1], 'lists', 'Get an element from a list by its index', lindex, { status: 'supported', notes: 'O(log n)' }),
  define('LSET', 4, ['write'], [1, 1, 1], 'lists', 'Set the value of an element in a list by its index', lset),
  define('LREM', 4, ['write'], [1, 1, 1], 'lists', 'Remove elements from a list', lrem),
  define('LTRIM', 4, ['write'], [1, 1, 1], 'lists', 'Trim a list to the specified range', ltrim),
  define('LINSERT', 5, ['write'], [1, 1, 1], 'lists', 'Insert an element before or after another element in a list', linsert),
  define('LPOS', -3, ['readonly'], [1, 1, 1], 'lists', 'Return the index of matching elements on a list', lpos, { status: 'supported', notes: 'RANK COUNT MAXLEN' }),
  define('LMOVE', 5, ['write'], [1, 2, 1], 'lists', 'Pop an element from a list, push it to another list and return it', lmove),
  define('RPOPLPUSH', 3, ['write'], [1, 2, 1], 'lists', 'Remove the last element in a list, prepend it to another list and return it', rpoplpush),
  define('BLPOP', -3, ['write', 'noscript', 'blocking'], [1, -2, 1], 'lists', 'Remove and get the first element in a list, or block until one is available', blockingPop(true), { status: 'supported', notes: blocking }),
  define('BRPOP', -3, ['write', 'noscript', 'blocking'], [1, -2, 1], 'lists', 'Remove and get the last element in a list, or block until one is available', blockingPop(false), { status: 'supported', notes: blocking }),
  define('BLMOVE', 6, ['write', 'noscript', 'blocking'], [1, 2, 1], 'lists', 'Pop an element from a list, push it to another list and return it; or block until one is available', blmove, { status: 'supported', notes: blocking }),
]
