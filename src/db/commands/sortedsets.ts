/** Sorted-set commands. Scores are doubles; replies carry them as `double` (bulk strings in RESP2). */
import type { DbCommand, ExecContext } from '../command.ts'
import { array, bulk, Errors, int, NULL_BULK } from '../reply.ts'
import type { Reply } from '../reply.ts'
import { fail, floatArg, intArg, is, Texts } from '../args.ts'
import { formatDouble, formatStoredDouble, nextDown, nextUp, parseDoubleLoose } from '../float.ts'
import type { Keyspace } from '../keyspace.ts'
import { SET, ZSET } from '../types/keys.ts'
import type { KeyRow } from '../types/keys.ts'
import type { LexBound, ScoreRow } from '../types/zsets.ts'
import { zcombine } from '../types/zsetops.ts'
import type { Aggregate, Source } from '../types/zsetops.ts'
import { checksFirst, cursorArg, define, double, EMPTY_ARRAY, EMPTY_SCAN, includes, matches, NULL_ARRAY, normalizeRange, scanOptions, scanReply, scanWindow, storeInto, ZERO } from './util.ts'

/** Members with scores: flat in RESP2, [member, score] pairs in RESP3. */
function withScores(rows: ScoreRow[], scores: boolean, ctx: ExecContext): Reply {
  const out: Reply[] = []
  for (const r of rows) {
    if (!scores) out.push(bulk(r.member))
    else if (ctx.resp === 3) out.push(array([bulk(r.member), double(r.score)]))
    else out.push(bulk(r.member), double(r.score))
  }
  return array(out)
}

/** A score range as inclusive doubles; null when it is empty by construction ("(inf"). */
function scoreRange(minArg: Uint8Array, maxArg: Uint8Array): [number, number] | null {
  const bound = (b: Uint8Array): [number, boolean] => {
    const exclusive = b[0] === 40
    const v = parseDoubleLoose(exclusive ? b.subarray(1) : b)
    if (v === null) fail(Texts.minMaxFloat)
    return [v, exclusive]
  }
  let [min, minEx] = bound(minArg)
  let [max, maxEx] = bound(maxArg)
  if (minEx) {
    if (min === Infinity) return null
    min = nextUp(min)
  }
  if (maxEx) {
    if (max === -Infinity) return null
    max = nextDown(max)
  }
  return [min, max]
}

type Lex = LexBound | 'min' | 'max'

function lexBound(b: Uint8Array): Lex {
  if (b.length === 1 && b[0] === 43) return 'max'
  if (b.length === 1 && b[0] === 45) return 'min'
  if (b[0] === 40) return { value: b.subarray(1), exclusive: true }
  if (b[0] === 91) return { value: b.subarray(1), exclusive: false }
  return fail(Texts.minMaxLex)
}

/** A lex range for ZSets.byLex; null when empty by construction ("+" as min, "-" as max). */
function lexRange(minArg: Uint8Array, maxArg: Uint8Array): [LexBound, LexBound] | null {
  const min = lexBound(minArg)
  const max = lexBound(maxArg)
  if (min === 'max' || max === 'min') return null
  return [min === 'min' ? { value: null, exclusive: false } : min, max === 'max' ? { value: null, exclusive: false } : max]
}

type RangeType = 'rank' | 'score' | 'lex'

/** ZRANGE and its older forms: `type`/`reverse` fixed by the command, or null when options choose. */
function zrange(fixedType: RangeType | null, fixedReverse: boolean | null) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    let type = fixedType
    let reverse = fixedReverse
    let scores = false
    let offset = 0
    let limit = -1
    let hasLimit = false
    for (let j = 4; j < args.length; j++) {
      const a = args[j]!
      if (is(a, 'WITHSCORES')) scores = true
      else if (is(a, 'LIMIT') && j + 2 < args.length) {
        offset = intArg(args[j + 1]!)
        limit = intArg(args[j + 2]!)
        hasLimit = true
        j += 2
      } else if (reverse === null && is(a, 'REV')) reverse = true
      else if (type === null && is(a, 'BYLEX')) type = 'lex'
      else if (type === null && is(a, 'BYSCORE')) type = 'score'
      else fail(Errors.syntax)
    }
    reverse ??= false
    type ??= 'rank'
    if (hasLimit && type === 'rank') fail('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX')
    if (scores && type === 'lex') fail('ERR syntax error, WITHSCORES not supported in combination with BYLEX')
    let minArg = args[2]!
    let maxArg = args[3]!
    if (reverse && type !== 'rank') [minArg, maxArg] = [maxArg, minArg]
    let rank: [number, number] = [0, 0]
    let score: [number, number] | null = null
    let lex: [LexBound, LexBound] | null = null
    if (type === 'rank') rank = [intArg(minArg), intArg(maxArg)]
    else if (type === 'score') score = scoreRange(minArg, maxArg)
    else lex = lexRange(minArg, maxArg)
    const row = ks.keys.typed(args[1]!, ZSET, ctx.now)
    if (row === undefined) return EMPTY_ARRAY
    let rows: ScoreRow[]
    if (type === 'rank') {
      const r = normalizeRange(rank[0], rank[1], row.len)
      if (r === null) return EMPTY_ARRAY
      rows = ks.zsets.byRank(row.id, r[0], r[1] - r[0] + 1, reverse)
    } else {
      // Redis skips `offset` matches: a negative one never runs out, so nothing is returned.
      if (offset < 0 || (offset > 0 && offset >= row.len)) return EMPTY_ARRAY
      if (type === 'score') rows = score === null ? [] : ks.zsets.byScore(row.id, score[0], score[1], reverse, offset, limit)
      else rows = lex === null ? [] : ks.zsets.byLex(row.id, lex[0], lex[1], reverse, offset, limit)
    }
    return withScores(rows, scores, ctx)
  }
}

function zadd(ks: Keyspace, args: Uint8Array[], ctx: ExecContext, incrOnly = false): Reply {
  let nx = false
  let xx = false
  let gt = false
  let lt = false
  let ch = false
  let incr = incrOnly
  let i = 2
  if (!incrOnly) {
    for (; i < args.length; i++) {
      const a = args[i]!
      if (is(a, 'NX')) nx = true
      else if (is(a, 'XX')) xx = true
      else if (is(a, 'CH')) ch = true
      else if (is(a, 'INCR')) incr = true
      else if (is(a, 'GT')) gt = true
      else if (is(a, 'LT')) lt = true
      else break
    }
  }
  const pairs: Array<[number, Uint8Array]> = []
  if (incrOnly) pairs.push([floatArg(args[2]!), args[3]!])
  else {
    const elements = args.length - i
    if (elements % 2 !== 0 || elements === 0) fail(Errors.syntax)
    if (nx && xx) fail('ERR XX and NX options at the same time are not compatible')
    if ((gt && nx) || (lt && nx) || (gt && lt)) fail('ERR GT, LT, and/or NX options at the same time are not compatible')
    if (incr && elements > 2) fail('ERR INCR option supports a single increment-element pair')
    for (let j = i; j < args.length; j += 2) pairs.push([floatArg(args[j]!), args[j + 1]!])
  }
  const key = args[1]!
  let row = ks.keys.typedForWrite(key, ZSET, ctx.now)
  let added = 0
  let updated = 0
  let processed = 0
  let last = 0
  if (row === undefined && !xx) row = ks.keys.open(key, ZSET, ctx.now)
  if (row !== undefined) {
    for (const [value, member] of pairs) {
      let score = value
      const current = ks.zsets.score(row.id, member)
      if (current !== undefined) {
        if (nx) continue
        if (incr) {
          score += current
          if (Number.isNaN(score)) fail(Texts.nanScore)
        }
        if ((lt && score >= current) || (gt && score <= current)) continue
        last = score
        processed++
        if (score !== current) {
          ks.zsets.update(row.id, member, score)
          updated++
        }
      } else if (!xx) {
        ks.zsets.insert(row.id, member, score)
        last = score
        processed++
        added++
      }
    }
    if (added > 0 || updated > 0 || row.len === 0) ks.keys.settle(key, row, row.len + added)
  }
  if (incr) return processed > 0 ? double(last) : NULL_BULK
  return int(ch ? added + updated : added)
}

function zrem(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const key = args[1]!
  const row = ks.keys.typedForWrite(key, ZSET, ctx.now)
  if (row === undefined) return ZERO
  let n = 0
  for (let i = 2; i < args.length; i++) if (ks.zsets.delete(row.id, args[i]!)) n++
  if (n > 0) ks.keys.settle(key, row, row.len - n)
  return int(n)
}

function zscore(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.typed(args[1]!, ZSET, ctx.now)
  const s = row === undefined ? undefined : ks.zsets.score(row.id, args[2]!)
  return s === undefined ? NULL_BULK : double(s)
}

function zmscore(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.typed(args[1]!, ZSET, ctx.now)
  const out: Reply[] = []
  for (let i = 2; i < args.length; i++) {
    const s = row === undefined ? undefined : ks.zsets.score(row.id, args[i]!)
    out.push(s === undefined ? NULL_BULK : double(s))
  }
  return array(out)
}

function zcard(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  return int(ks.keys.typed(args[1]!, ZSET, ctx.now)?.len ?? 0)
}

function zcount(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const range = scoreRange(args[2]!, args[3]!)
  const row = ks.keys.typed(args[1]!, ZSET, ctx.now)
  if (row === undefined || range === null) return ZERO
  return int(ks.zsets.countScore(row.id, range[0], range[1]))
}

function zrank(reverse: boolean) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    if (args.length > 4) fail(Errors.arity(reverse ? 'zrevrank' : 'zrank'))
    let withScore = false
    if (args.length === 4) {
      if (!is(args[3]!, 'WITHSCORE')) fail(Errors.syntax)
      withScore = true
    }
    const none = withScore ? NULL_ARRAY : NULL_BULK
    const row = ks.keys.typed(args[1]!, ZSET, ctx.now)
    if (row === undefined) return none
    const score = ks.zsets.score(row.id, args[2]!)
    if (score === undefined) return none
    const r = ks.zsets.rank(row.id, args[2]!, score)
    const rank = reverse ? row.len - 1 - r : r
    return withScore ? array([int(rank), double(score)]) : int(rank)
  }
}

function zremrangebyrank(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const start = intArg(args[2]!)
  const stop = intArg(args[3]!)
  const key = args[1]!
  const row = ks.keys.typedForWrite(key, ZSET, ctx.now)
  if (row === undefined) return ZERO
  const r = normalizeRange(start, stop, row.len)
  if (r === null) return ZERO
  const n = ks.zsets.deleteRanks(row.id, r[0], r[1])
  if (n > 0) ks.keys.settle(key, row, row.len - n)
  return int(n)
}

function zremrangebyscore(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const range = scoreRange(args[2]!, args[3]!)
  const key = args[1]!
  const row = ks.keys.typedForWrite(key, ZSET, ctx.now)
  if (row === undefined || range === null) return ZERO
  const n = ks.zsets.deleteScores(row.id, range[0], range[1])
  if (n > 0) ks.keys.settle(key, row, row.len - n)
  return int(n)
}

function zpop(max: boolean) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    if (args.length > 3) fail(Errors.syntax)
    let count = -1
    if (args.length === 3) {
      count = intArg(args[2]!, Texts.positive)
      if (count < 0) fail(Texts.positive)
    }
    const key = args[1]!
    const row = ks.keys.typedForWrite(key, ZSET, ctx.now)
    if (row === undefined || count === 0) return EMPTY_ARRAY
    const rows = ks.zsets.byRank(row.id, 0, count === -1 ? 1 : count, max)
    for (const r of rows) ks.zsets.delete(row.id, r.member)
    ks.keys.settle(key, row, row.len - rows.length)
    const nested = ctx.resp === 3 && count !== -1
    const out: Reply[] = []
    for (const r of rows) {
      if (nested) out.push(array([bulk(r.member), double(r.score)]))
      else out.push(bulk(r.member), double(r.score))
    }
    return array(out)
  }
}

function zstore(op: 'union' | 'inter') {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    const numkeys = intArg(args[2]!)
    if (numkeys < 1) fail(`ERR at least 1 input key is needed for '${op === 'union' ? 'zunionstore' : 'zinterstore'}' command`)
    if (numkeys > args.length - 3) fail(Errors.syntax)
    const keys = args.slice(3, 3 + numkeys)
    const sources: Source[] = keys.map(k => {
      const row: KeyRow | undefined = ks.keys.find(k, ctx.now)
      if (row !== undefined && row.type !== ZSET && row.type !== SET) fail(Errors.wrongType)
      return { row, weight: 1 }
    })
    let how: Aggregate = 'sum'
    for (let j = 3 + numkeys; j < args.length;) {
      const remaining = args.length - j
      if (remaining >= numkeys + 1 && is(args[j]!, 'WEIGHTS')) {
        j++
        for (const s of sources) s.weight = floatArg(args[j++]!, 'ERR weight value is not a float')
      } else if (remaining >= 2 && is(args[j]!, 'AGGREGATE')) {
        const a = args[j + 1]!
        if (is(a, 'SUM')) how = 'sum'
        else if (is(a, 'MIN')) how = 'min'
        else if (is(a, 'MAX')) how = 'max'
        else fail(Errors.syntax)
        j += 2
      } else fail(Errors.syntax)
    }
    const dest = args[1]!
    return int(storeInto(ks, dest, ZSET, ctx.now, includes(keys, dest), id => zcombine(ks, op, sources, how, id)))
  }
}

function zscan(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const cursor = cursorArg(args[2]!)
  const row = ks.keys.typed(args[1]!, ZSET, ctx.now)
  if (row === undefined) return EMPTY_SCAN
  const o = scanOptions(args, 3, false)
  const { rows, next } = ks.zsets.scan(row.id, ...scanWindow(row.len, cursor, o.count))
  const out: Reply[] = []
  // Redis prints a small (listpack) sorted set's scores as stored: integers without exponent.
  const small = row.len <= 128
  for (const r of rows) if (matches(o, r.member)) out.push(bulk(r.member), bulk(small ? formatStoredDouble(r.score) : formatDouble(r.score)))
  return scanReply(next, out)
}

const rangeNote = 'BYSCORE BYLEX REV LIMIT WITHSCORES; ranks and offsets are read from the (score, member) index: O(offset + count)'

export const sortedSetCommands: DbCommand[] = [
  checksFirst(define('ZADD', -4, ['write', 'fast'], [1, 1, 1], 'sortedsets', 'Add one or more members to a sorted set, or update its score if it already exists', (ks, a, c) => zadd(ks, a, c),
    { status: 'supported', notes: 'NX XX GT LT CH INCR' })),
  define('ZREM', -3, ['write', 'fast'], [1, 1, 1], 'sortedsets', 'Remove one or more members from a sorted set', zrem),
  define('ZSCORE', 3, ['readonly', 'fast'], [1, 1, 1], 'sortedsets', 'Get the score associated with the given member in a sorted set', zscore),
  define('ZMSCORE', -3, ['readonly', 'fast'], [1, 1, 1], 'sortedsets', 'Get the score associated with the given members in a sorted set', zmscore),
  checksFirst(define('ZINCRBY', 4, ['write', 'fast'], [1, 1, 1], 'sortedsets', 'Increment the score of a member in a sorted set', (ks, a, c) => zadd(ks, a, c, true))),
  define('ZCARD', 2, ['readonly', 'fast'], [1, 1, 1], 'sortedsets', 'Get the number of members in a sorted set', zcard),
  define('ZCOUNT', 4, ['readonly', 'fast'], [1, 1, 1], 'sortedsets', 'Count the members in a sorted set with scores within the given values', zcount),
  define('ZRANK', -3, ['readonly', 'fast'], [1, 1, 1], 'sortedsets', 'Determine the index of a member in a sorted set', zrank(false), { status: 'supported', notes: 'WITHSCORE (Redis 7.2); O(rank)' }),
  define('ZREVRANK', -3, ['readonly', 'fast'], [1, 1, 1], 'sortedsets', 'Determine the index of a member in a sorted set, with scores ordered from high to low', zrank(true), { status: 'supported', notes: 'WITHSCORE (Redis 7.2); O(rank)' }),
  define('ZRANGE', -4, ['readonly'], [1, 1, 1], 'sortedsets', 'Return a range of members in a sorted set', zrange(null, null), { status: 'supported', notes: rangeNote }),
  define('ZRANGEBYSCORE', -4, ['readonly'], [1, 1, 1], 'sortedsets', 'Return a range of members in a sorted set, by score', zrange('score', false), { status: 'supported', notes: 'WITHSCORES LIMIT' }),
  define('ZREVRANGE', -4, ['readonly'], [1, 1, 1], 'sortedsets', 'Return a range of members in a sorted set, by index, with scores ordered from high to low', zrange('rank', true), { status: 'supported', notes: 'WITHSCORES' }),
  define('ZREVRANGEBYSCORE', -4, ['readonly'], [1, 1, 1], 'sortedsets', 'Return a range of members in a sorted set, by score, with scores ordered from high to low', zrange('score', true), { status: 'supported', notes: 'WITHSCORES LIMIT' }),
  define('ZRANGEBYLEX', -4, ['readonly'], [1, 1, 1], 'sortedsets', 'Return a range of members in a sorted set, by lexicographical range', zrange('lex', false), { status: 'supported', notes: 'LIMIT' }),
  define('ZREVRANGEBYLEX', -4, ['readonly'], [1, 1, 1], 'sortedsets', 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.', zrange('lex', true), { status: 'supported', notes: 'LIMIT' }),
  define('ZREMRANGEBYRANK', 4, ['write'], [1, 1, 1], 'sortedsets', 'Remove all members in a sorted set within the given indexes', zremrangebyrank),
  define('ZREMRANGEBYSCORE', 4, ['write'], [1, 1, 1], 'sortedsets', 'Remove all members in a sorted set within the given scores', zremrangebyscore),
  define('ZPOPMIN', -2, ['write', 'fast'], [1, 1, 1], 'sortedsets', 'Remove and return members with the lowest scores in a sorted set', zpop(false), { status: 'supported', notes: 'count' }),
  define('ZPOPMAX', -2, ['write', 'fast'], [1, 1, 1], 'sortedsets', 'Remove and return members with the highest scores in a sorted set', zpop(true), { status: 'supported', notes: 'count' }),
  define('ZUNIONSTORE', -4, ['write'], [1, 1, 1], 'sortedsets', 'Add multiple sorted sets and store the resulting sorted set in a new key', zstore('union'), { status: 'supported', notes: 'WEIGHTS AGGREGATE; sets count as score 1' }),
  define('ZINTERSTORE', -4, ['write'], [1, 1, 1], 'sortedsets', 'Intersect multiple sorted sets and store the resulting sorted set in a new key', zstore('inter'), { status: 'supported', notes: 'WEIGHTS AGGREGATE; sets count as score 1' }),
  define('ZSCAN', -3, ['readonly'], [1, 1, 1], 'sortedsets', 'Incrementally iterate sorted sets elements and associated scores', zscan,
    { status: 'supported', notes: 'MATCH COUNT; the cursor is a member hash: members present throughout are returned exactly once; up to 128 members come in one step' }),
]
