/** Generic key commands: DEL, EXISTS, TYPE, expiry, KEYS, SCAN, RENAME, COPY… */
import type { DbCommand, ExecContext } from '../command.ts'
import { array, bulk, Errors, int, NULL_BULK, OK, simple } from '../reply.ts'
import type { Reply } from '../reply.ts'
import { fail, int64Arg, intArg, is, latin1, Texts } from '../args.ts'
import { globMatch, globPrefix } from '../glob.ts'
import type { Keyspace } from '../keyspace.ts'
import { TYPE_NAMES } from '../types/keys.ts'
import { checksFirst, cursorArg, define, matches, ONE, scanOptions, scanReply, ZERO } from './util.ts'

const INT64_MAX = 9223372036854775807n
const INT64_MIN = -9223372036854775808n

function del(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  let n = 0
  for (let i = 1; i < args.length; i++) {
    const row = ks.keys.findForWrite(args[i]!, ctx.now)
    if (row !== undefined) {
      ks.keys.remove(args[i]!, row)
      n++
    }
  }
  return int(n)
}

function exists(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  let n = 0
  for (let i = 1; i < args.length; i++) if (ks.keys.find(args[i]!, ctx.now) !== undefined) n++
  return int(n)
}

function type(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.find(args[1]!, ctx.now)
  return simple(TYPE_NAMES[row?.type ?? 0] ?? 'none')
}

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX / XX / GT / LT. */
function expireCommand(unitMs: bigint, absolute: boolean) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    let nx = false
    let xx = false
    let gt = false
    let lt = false
    for (let i = 3; i < args.length; i++) {
      const a = args[i]!
      if (is(a, 'NX')) nx = true
      else if (is(a, 'XX')) xx = true
      else if (is(a, 'GT')) gt = true
      else if (is(a, 'LT')) lt = true
      else fail(`ERR Unsupported option ${latin1(a)}`)
    }
    if (nx && (xx || gt || lt)) fail('ERR NX and XX, GT or LT options at the same time are not compatible')
    if (gt && lt) fail('ERR GT and LT options at the same time are not compatible')
    let when = int64Arg(args[2]!)
    const name = latin1(args[0]!)
    if (unitMs === 1000n) {
      if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) fail(Texts.expireTime(name))
      when *= 1000n
    }
    const base = absolute ? 0n : BigInt(ctx.now)
    if (when > INT64_MAX - base) fail(Texts.expireTime(name))
    when += base
    const key = args[1]!
    const row = ks.keys.findForWrite(key, ctx.now)
    if (row === undefined) return ZERO
    const at = Number(when)
    const current = row.exp
    if (nx && current !== null) return ZERO
    if (xx && current === null) return ZERO
    if (gt && (current === null || at <= current)) return ZERO
    if (lt && current !== null && at >= current) return ZERO
    if (at <= ctx.now) ks.keys.remove(key, row)
    else ks.keys.setExpire(key, row.id, at)
    return ONE
  }
}

function ttlCommand(ms: boolean) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    const row = ks.keys.find(args[1]!, ctx.now)
    if (row === undefined) return int(-2)
    if (row.exp === null) return int(-1)
    const ttl = Math.max(row.exp - ctx.now, 0)
    return int(ms ? ttl : Math.floor((ttl + 500) / 1000))
  }
}

function persist(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const row = ks.keys.findForWrite(args[1]!, ctx.now)
  if (row === undefined || row.exp === null) return ZERO
  ks.keys.setExpire(args[1]!, row.id, null)
  return ONE
}

function keysCommand(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const pattern = args[1]!
  const all = pattern.length === 1 && pattern[0] === 42
  const out: Reply[] = []
  for (const row of ks.keys.matching(all ? new Uint8Array(0) : globPrefix(pattern))) {
    if (row.exp !== null && row.exp <= ctx.now) continue
    if (all || globMatch(pattern, row.key)) out.push(bulk(row.key))
  }
  return array(out)
}

function scan(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const cursor = cursorArg(args[1]!)
  const o = scanOptions(args, 2, true)
  const rows = ks.keys.scan(cursor, o.count)
  const out: Reply[] = []
  for (const row of rows) {
    if (row.exp !== null && row.exp <= ctx.now) continue
    if (o.type !== null && latin1(o.type).toLowerCase() !== TYPE_NAMES[row.type]) continue
    if (matches(o, row.key)) out.push(bulk(row.key))
  }
  return scanReply(rows.length < o.count ? 0 : rows[rows.length - 1]!.id, out)
}

function renameCommand(nx: boolean) {
  return (ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply => {
    const keys = ks.keys
    const from = args[1]!
    const to = args[2]!
    const src = keys.findForWrite(from, ctx.now)
    if (src === undefined) fail(Errors.noSuchKey)
    if (Buffer.compare(from, to) === 0) return nx ? ZERO : OK
    const dst = keys.findForWrite(to, ctx.now)
    if (dst === undefined) {
      keys.rename(from, to, src.id)
      return nx ? ONE : OK
    }
    if (nx) return ZERO
    // The destination keeps its row id, so a SCAN in progress sees it once.
    keys.clearData(dst)
    keys.moveData(src.type, src.id, dst.id)
    keys.overwrite(to, dst.id, src.id)
    keys.dropRow(from, src.id)
    return nx ? ONE : OK
  }
}

function randomkey(ks: Keyspace, _args: Uint8Array[], ctx: ExecContext): Reply {
  const key = ks.keys.randomKey(ctx.now)
  return key === null ? NULL_BULK : bulk(key)
}

function copy(ks: Keyspace, args: Uint8Array[], ctx: ExecContext): Reply {
  const keys = ks.keys
  let replace = false
  for (let i = 3; i < args.length; i++) {
    if (is(args[i]!, 'REPLACE')) replace = true
    else if (is(args[i]!, 'DB') && i + 1 < args.length) {
      intArg(args[++i]!)
      fail('ERR COPY to another database is not supported: each database is its own keyspace')
    } else fail(Errors.syntax)
  }
  const from = args[1]!
  const to = args[2]!
  if (Buffer.compare(from, to) === 0) fail('ERR source and destination objects are the same')
  const src = keys.findForWrite(from, ctx.now)
  if (src === undefined) return ZERO
  const dst = keys.findForWrite(to, ctx.now)
  if (dst !== undefined) {
    if (!replace) return ZERO
    keys.clearData(dst)
    keys.overwrite(to, dst.id, src.id)
    keys.copyData(src.type, src.id, dst.id)
    return ONE
  }
  const id = keys.copyRow(to, src.id)
  keys.copyData(src.type, src.id, id)
  return ONE
}

export const keyCommands: DbCommand[] = [
  checksFirst(define('DEL', -2, ['write'], [1, -1, 1], 'keys', 'Delete a key', del)),
  define('UNLINK', -2, ['write', 'fast'], [1, -1, 1], 'keys', 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.', del,
    { status: 'supported', notes: 'same as DEL: deletes at once, in the same transaction' }),
  define('EXISTS', -2, ['readonly', 'fast'], [1, -1, 1], 'keys', 'Determine if a key exists', exists),
  define('TYPE', 2, ['readonly', 'fast'], [1, 1, 1], 'keys', 'Determine the type stored at key', type),
  define('EXPIRE', -3, ['write', 'fast'], [1, 1, 1], 'keys', "Set a key's time to live in seconds", expireCommand(1000n, false), { status: 'supported', notes: 'NX XX GT LT' }),
  define('PEXPIRE', -3, ['write', 'fast'], [1, 1, 1], 'keys', "Set a key's time to live in milliseconds", expireCommand(1n, false), { status: 'supported', notes: 'NX XX GT LT' }),
  define('EXPIREAT', -3, ['write', 'fast'], [1, 1, 1], 'keys', 'Set the expiration for a key as a UNIX timestamp', expireCommand(1000n, true), { status: 'supported', notes: 'NX XX GT LT' }),
  define('PEXPIREAT', -3, ['write', 'fast'], [1, 1, 1], 'keys', 'Set the expiration for a key as a UNIX timestamp specified in milliseconds', expireCommand(1n, true), { status: 'supported', notes: 'NX XX GT LT' }),
  define('TTL', 2, ['readonly', 'fast'], [1, 1, 1], 'keys', 'Get the time to live for a key in seconds', ttlCommand(false)),
  define('PTTL', 2, ['readonly', 'fast'], [1, 1, 1], 'keys', 'Get the time to live for a key in milliseconds', ttlCommand(true)),
  define('PERSIST', 2, ['write', 'fast'], [1, 1, 1], 'keys', 'Remove the expiration from a key', persist),
  define('KEYS', 2, ['readonly'], [0, 0, 0], 'keys', 'Find all keys matching the given pattern', keysCommand,
    { status: 'supported', notes: 'a literal prefix ("user:*") is read as an index range' }),
  define('SCAN', -2, ['readonly'], [0, 0, 0], 'keys', 'Incrementally iterate the keys space', scan,
    { status: 'supported', notes: 'MATCH COUNT TYPE; the cursor is a key id: every key present for the whole iteration is returned exactly once' }),
  define('RENAME', 3, ['write'], [1, 2, 1], 'keys', 'Rename a key', renameCommand(false)),
  define('RENAMENX', 3, ['write', 'fast'], [1, 2, 1], 'keys', 'Rename a key, only if the new key does not exist', renameCommand(true)),
  define('RANDOMKEY', 1, ['readonly'], [0, 0, 0], 'keys', 'Return a random key from the keyspace', randomkey),
  define('COPY', -3, ['write'], [1, 2, 1], 'keys', 'Copy a key', copy,
    { status: 'partial', notes: 'REPLACE; DB answers an error (each database is its own keyspace)' }),
  define('TOUCH', -2, ['readonly', 'fast'], [1, -1, 1], 'keys', 'Alters the last access time of a key(s). Returns the number of existing keys specified.', exists,
    { status: 'supported', notes: 'counts the keys; no access times are kept' }),
]

