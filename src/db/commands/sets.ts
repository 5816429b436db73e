/** Set commands; intersections, unions and differences run as single SQL statements. */
import type { DbCommand, ExecContext } from '../command.ts'
import { array, bulk, Errors, int, NULL_BULK } from '../reply.ts'
import type { Reply } from '../reply.ts'
import { fail, intArg, is, latin1, Texts } from '../args.ts'
import type { Keyspace } from '../keyspace.ts'
import { SET } from '../types/keys.ts'
import type { KeyRow } from '../types/keys.ts'
import type { MemberRow } from '../types/sets.ts'
import { bool, checksFirst, cursorArg, define, EMPTY_ARRAY, EMPTY_SCAN, includes, matches, scanOptions, scanReply, scanWindow, set, storeInto, ZERO } from './util.ts'

const members = (rows: MemberRow[]): Reply[] => rows.map(r => bulk(r.member))

function sadd(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const key = args[1]!
  const row = ks.keys.open(key, SET, ctx.now)
  let added = 0
  for (let i = 2; i < args.length; i++) if (ks.sets.add(row.id, args[i]!)) added++
  if (added > 0) ks.keys.settle(key, row, row.len + added)
  return int(added)
}

function srem(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const key = args[1]!
  const row = ks.keys.typedForWrite(key, SET, ctx.now)
  if (row === undefined) return ZERO
  let n = 0
  for (let i = 2; i < args.length; i++) if (ks.sets.delete(row.id, args[i]!)) n++
  if (n > 0) ks.keys.settle(key, row, row.len - n)
  return int(n)
}

function smembers(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.typed(args[1]!, SET, ctx.now)
  return set(row === undefined ? [] : members(ks.sets.all(row.id)))
}

function sismember(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.typed(args[1]!, SET, ctx.now)
  return bool(row !== undefined && ks.sets.has(row.id, args[2]!))
}

function smismember(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.typed(args[1]!, SET, ctx.now)
  const out: Reply[] = []
  for (let i = 2; i < args.length; i++) out.push(bool(row !== undefined && ks.sets.has(row.id, args[i]!)))
  return array(out)
}

function scard(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  return int(ks.keys.typed(args[1]!, SET, ctx.now)?.len ?? 0)
}

/** `count` distinct random members (count < len): probes for a few, one reservoir pass for many. */
function distinctRandom(ks: Keyspace, row: KeyRow, count: number): MemberRow[] {
  if (count * 2 > row.len) {
    const sample: MemberRow[] = []
    let seen = 0
    for (const r of ks.sets.each(row.id)) {
      seen++
      if (sample.length < count) sample.push(r)
      else {
        const j = Math.floor(Math.random() * seen)
        if (j < count) sample[j] = r
      }
    }
    return sample
  }
  const picked = new Map<string, MemberRow>()
  while (picked.size < count) {
    const r = ks.sets.random(row.id)
    picked.set(latin1(r.member), r)
  }
  return [...picked.values()]
}

function spop(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  if (args.length > 3) fail(Errors.syntax)
  const key = args[1]!
  if (args.length === 2) {
    const row = ks.keys.typedForWrite(key, SET, ctx.now)
    if (row === undefined) return NULL_BULK
    const r = ks.sets.random(row.id)
    ks.sets.delete(row.id, r.member)
    ks.keys.settle(key, row, row.len - 1)
    return bulk(r.member)
  }
  const count = intArg(args[2]!, Texts.positive)
  if (count < 0) fail(Texts.positive)
  const row = ks.keys.typedForWrite(key, SET, ctx.now)
  if (row === undefined || count === 0) return set([])
  if (count >= row.len) {
    const all = ks.sets.all(row.id)
    ks.keys.remove(key, row)
    return set(members(all))
  }
  const picked = distinctRandom(ks, row, count)
  for (const r of picked) ks.sets.delete(row.id, r.member)
  ks.keys.settle(key, row, row.len - picked.length)
  return set(members(picked))
}

function srandmember(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  if (args.length > 3) fail(Errors.syntax)
  if (args.length === 2) {
    const row = ks.keys.typed(args[1]!, SET, ctx.now)
    return row === undefined ? NULL_BULK : bulk(ks.sets.random(row.id).member)
  }
  const l = intArg(args[2]!)
  const row = ks.keys.typed(args[1]!, SET, ctx.now)
  if (row === undefined || l === 0) return EMPTY_ARRAY
  if (l < 0 || l === 1) {
    const out: Reply[] = []
    for (let i = 0; i < Math.abs(l); i++) out.push(bulk(ks.sets.random(row.id).member))
    return array(out)
  }
  if (l >= row.len) return array(members(ks.sets.all(row.id)))
  return array(members(distinctRandom(ks, row, l)))
}

function smove(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const from = args[1]!
  const to = args[2]!
  const member = args[3]!
  const src = ks.keys.findForWrite(from, ctx.now)
  const dst = ks.keys.findForWrite(to, ctx.now)
  if (src === undefined) return ZERO
  if (src.type !== SET || (dst !== undefined && dst.type !== SET)) fail(Errors.wrongType)
  if (src.id === dst?.id) return bool(ks.sets.has(src.id, member))
  if (!ks.sets.delete(src.id, member)) return ZERO
  ks.keys.settle(from, src, src.len - 1)
  const target = dst ?? ks.keys.open(to, SET, ctx.now)
  const added = ks.sets.add(target.id, member)
  ks.keys.settle(to, target, target.len + (added ? 1 : 0))
  return int(1)
}

type Op = 'inter' | 'union' | 'diff'

/** The source rows, type-checked; undefined for missing keys. */
function sources(ks: Keyspace, keys: Uint8Array[], now: number): Array<KeyRow | undefined> {
  return keys.map(k => ks.keys.typed(k, SET, now))
}

/** The ids to combine, smallest first for an intersection; null when the result is surely empty. */
function operands(op: Op, rows: Array<KeyRow | undefined>): number[] | null {
  if (op === 'inter') {
    if (rows.some(r => r === undefined)) return null
    return (rows as KeyRow[]).slice().sort((a, b) => a.len - b.len).map(r => r.id)
  }
  if (op === 'diff') {
    if (rows[0] === undefined) return null
    return [rows[0].id, ...rows.slice(1).filter(r => r !== undefined).map(r => r!.id)]
  }
  const present = rows.filter(r => r !== undefined).map(r => r!.id)
  return present.length === 0 ? null : present
}

function combine(op: Op) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    const ids = operands(op, sources(ks, args.slice(1), ctx.now))
    return set(ids === null ? [] : members(ks.setOps.members(op, ids)))
  }
}

function combineStore(op: Op) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    const dest = args[1]!
    const keys = args.slice(2)
    const ids = operands(op, sources(ks, keys, ctx.now))
    const n = storeInto(ks, dest, SET, ctx.now, includes(keys, dest), id => (ids === null ? 0 : ks.setOps.store(op, ids, id)))
    return int(n)
  }
}

function sintercard(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const numkeys = intArg(args[1]!, 'ERR numkeys should be greater than 0')
  if (numkeys < 1) fail('ERR numkeys should be greater than 0')
  if (numkeys > args.length - 2) fail("ERR Number of keys can't be greater than number of args")
  let limit = 0
  for (let j = 2 + numkeys; j < args.length; j++) {
    if (is(args[j]!, 'LIMIT') && j + 1 < args.length) {
      limit = intArg(args[++j]!, "ERR LIMIT can't be negative")
      if (limit < 0) fail("ERR LIMIT can't be negative")
    } else fail(Errors.syntax)
  }
  const ids = operands('inter', sources(ks, args.slice(2, 2 + numkeys), ctx.now))
  return int(ids === null ? 0 : ks.setOps.interCount(ids, limit))
}

function sscan(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const cursor = cursorArg(args[2]!)
  const row = ks.keys.typed(args[1]!, SET, ctx.now)
  if (row === undefined) return EMPTY_SCAN
  const o = scanOptions(args, 3, false)
  const { rows, next } = ks.sets.scan(row.id, ...scanWindow(row.len, cursor, o.count))
  return scanReply(next, rows.filter(r => matches(o, r.member)).map(r => bulk(r.member)))
}

const scanNote = 'MATCH COUNT; the cursor is a member hash: members present throughout are returned exactly once; up to 128 members come in one step'

export const setCommands: DbCommand[] = [
  checksFirst(define('SADD', -3, ['write', 'fast'], [1, 1, 1], 'sets', 'Add one or more members to a set', sadd)),
  define('SREM', -3, ['write', 'fast'], [1, 1, 1], 'sets', 'Remove one or more members from a set', srem),
  define('SMEMBERS', 2, ['readonly'], [1, 1, 1], 'sets', 'Get all the members in a set', smembers),
  define('SISMEMBER', 3, ['readonly', 'fast'], [1, 1, 1], 'sets', 'Determine if a given value is a member of a set', sismember),
  define('SMISMEMBER', -3, ['readonly', 'fast'], [1, 1, 1], 'sets', 'Returns the membership associated with the given elements for a set', smismember),
  define('SCARD', 2, ['readonly', 'fast'], [1, 1, 1], 'sets', 'Get the number of members in a set', scard),
  define('SPOP', -2, ['write', 'fast'], [1, 1, 1], 'sets', 'Remove and return one or multiple random members from a set', spop, { status: 'supported', notes: 'count' }),
  define('SRANDMEMBER', -2, ['readonly'], [1, 1, 1], 'sets', 'Get one or multiple random members from a set', srandmember, { status: 'supported', notes: 'count (negative: with repetitions)' }),
  define('SMOVE', 4, ['write', 'fast'], [1, 2, 1], 'sets', 'Move a member from one set to another', smove),
  define('SINTER', -2, ['readonly'], [1, -1, 1], 'sets', 'Intersect multiple sets', combine('inter')),
  define('SINTERSTORE', -3, ['write'], [1, -1, 1], 'sets', 'Intersect multiple sets and store the resulting set in a key', combineStore('inter')),
  define('SINTERCARD', -3, ['readonly'], [0, 0, 0], 'sets', 'Intersect multiple sets and return the cardinality of the result', sintercard, { status: 'supported', notes: 'LIMIT' }),
  define('SUNION', -2, ['readonly'], [1, -1, 1], 'sets', 'Add multiple sets', combine('union')),
  define('SUNIONSTORE', -3, ['write'], [1, -1, 1], 'sets', 'Add multiple sets and store the resulting set in a key', combineStore('union')),
  define('SDIFF', -2, ['readonly'], [1, -1, 1], 'sets', 'Subtract multiple sets', combine('diff')),
  define('SDIFFSTORE', -3, ['write'], [1, -1, 1], 'sets', 'Subtract multiple sets and store the resulting set in a key', combineStore('diff')),
  define('SSCAN', -3, ['readonly'], [1, 1, 1], 'sets', 'Incrementally iterate Set elements', sscan, { status: 'supported', notes: scanNote }),
]
