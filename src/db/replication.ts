/**
 * The change feed of a keyspace: diffs since a sequence number (writes and
 * tombstones merged in (seq, key) order), a full dump, applying either, and
 * a digest of the logical content that does not depend on history. Reads go
 * a page of keys at a time; only one key's value is held at once.
 */
import { createHash } from 'node:crypto'
import type { SqliteStatement } from '../store/index.ts'
import { ByteWriter, writeEntry } from './changes.ts'
import type { Change, Put, Value } from './changes.ts'
import type { Keyspace } from './keyspace.ts'
import { HASH, LIST, SET, STRING, ZSET, live } from './types/keys.ts'
import type { KeyRow, TypeCode } from './types/keys.ts'
import { compareBytes } from './args.ts'

interface Row extends KeyRow {
  key: Uint8Array
  seq: number
}

interface Statements {
  bySeqFirst: SqliteStatement
  bySeqAfter: SqliteStatement
  tombs: SqliteStatement
  byKeyFirst: SqliteStatement
  byKeyAfter: SqliteStatement
  value: SqliteStatement
  wipe: SqliteStatement
}

const PAGE = 256
const cache = new WeakMap<Keyspace, Statements>()

function statements(ks: Keyspace): Statements {
  let s = cache.get(ks)
  if (s !== undefined) return s
  const db = ks.database
  const cols = 'id, key, type, expire_at AS exp, seq, len, head'
  s = {
    bySeqFirst: db.prepare(`SELECT ${cols} FROM keys WHERE seq > ? ORDER BY seq, id LIMIT ${PAGE}`),
    bySeqAfter: db.prepare(`SELECT ${cols} FROM keys WHERE (seq, id) > (?, ?) ORDER BY seq, id LIMIT ${PAGE}`),
    tombs: db.prepare(`SELECT key, seq FROM tombstones WHERE (seq, key) > (?, ?) ORDER BY seq, key LIMIT ${PAGE}`),
    byKeyFirst: db.prepare(`SELECT ${cols} FROM keys ORDER BY key LIMIT ${PAGE}`),
    byKeyAfter: db.prepare(`SELECT ${cols} FROM keys WHERE key > ? ORDER BY key LIMIT ${PAGE}`),
    value: db.prepare('SELECT value FROM keys WHERE id = ?'),
    wipe: db.prepare('DELETE FROM keys WHERE id = ?'),
  }
  cache.set(ks, s)
  return s
}

/** A key's full value. */
export function readValue(ks: Keyspace, row: KeyRow): Value {
  switch (row.type) {
    case STRING:
      return { type: 'string', value: statements(ks).value.get<{ value: Uint8Array }>(row.id)?.value ?? new Uint8Array(0) }
    case HASH: {
      const value: Array<[Uint8Array, Uint8Array]> = []
      for (const r of ks.hashes.each(row.id)) value.push([r.field, r.value])
      return { type: 'hash', value }
    }
    case LIST:
      return { type: 'list', value: row.len > 0 ? ks.lists.range(row, 0, row.len - 1) : [] }
    case SET: {
      const value: Uint8Array[] = []
      for (const r of ks.sets.each(row.id)) value.push(r.member)
      return { type: 'set', value }
    }
    case ZSET: {
      const value: Array<[Uint8Array, number]> = []
      for (const r of ks.zsets.each(row.id)) value.push([r.member, r.score])
      return { type: 'zset', value }
    }
    default:
      throw new Error(`Key id ${row.id} has an unknown type ${row.type}`)
  }
}

function put(ks: Keyspace, row: Row): Put {
  return { op: 'put', key: row.key, seq: row.seq, expireAt: row.exp, ...readValue(ks, row) } as Put
}

/** Key rows in key order. */
function* byKey(ks: Keyspace): Generator<Row> {
  const s = statements(ks)
  let rows = s.byKeyFirst.all<Row>()
  for (;;) {
    for (const r of rows) yield r
    if (rows.length < PAGE) return
    rows = s.byKeyAfter.all<Row>(rows[rows.length - 1]!.key)
  }
}

/** Key rows written after `since`, in (seq, key) order: the index gives (seq, id); each seq's few keys are sorted. */
function* bySeq(ks: Keyspace, since: number): Generator<Row> {
  const s = statements(ks)
  let rows = s.bySeqFirst.all<Row>(since)
  let group: Row[] = []
  const flush = function* (): Generator<Row> {
    group.sort((a, b) => compareBytes(a.key, b.key))
    yield* group
    group = []
  }
  for (;;) {
    for (const r of rows) {
      if (group.length > 0 && group[0]!.seq !== r.seq) yield* flush()
      group.push(r)
    }
    if (rows.length < PAGE) break
    const last = rows[rows.length - 1]!
    rows = s.bySeqAfter.all<Row>(last.seq, last.id)
  }
  yield* flush()
}

function* tombstones(ks: Keyspace, since: number): Generator<{ key: Uint8Array, seq: number }> {
  const s = statements(ks)
  let seq = since
  let key: Uint8Array = new Uint8Array(0)
  // (seq, key) > (since + 0.5, x'') is every tombstone with seq > since, an empty key included.
  let rows = s.tombs.all<{ key: Uint8Array, seq: number }>(seq + 0.5, key)
  for (;;) {
    for (const r of rows) yield r
    if (rows.length < PAGE) return
    const last = rows[rows.length - 1]!
    seq = last.seq
    key = last.key
    rows = s.tombs.all<{ key: Uint8Array, seq: number }>(seq, key)
  }
}

export function* dump(ks: Keyspace, now: number): Generator<Change> {
  for (const row of byKey(ks)) if (live(row.exp, now)) yield put(ks, row)
}

export function* changesSince(ks: Keyspace, since: number, now: number): Generator<Change> {
  const keys = ks.keys
  const floor = Math.max(keys.resetSeq, keys.horizon)
  if (since < floor) {
    yield { op: 'reset', seq: floor }
    yield* dump(ks, now)
    return
  }
  const written = bySeq(ks, since)
  const deleted = tombstones(ks, since)
  let w = written.next()
  let d = deleted.next()
  while (!w.done || !d.done) {
    const takeWrite = d.done || (!w.done && (w.value.seq < d.value.seq || (w.value.seq === d.value.seq && compareBytes(w.value.key, d.value.key) < 0)))
    if (takeWrite) {
      const row = w.value as Row
      yield live(row.exp, now) ? put(ks, row) : { op: 'del', key: row.key, seq: row.seq }
      w = written.next()
    } else {
      const t = d.value as { key: Uint8Array, seq: number }
      yield { op: 'del', key: t.key, seq: t.seq }
      d = deleted.next()
    }
  }
}

export function digest(ks: Keyspace, now: number): string {
  const hash = createHash('sha256')
  const w = new ByteWriter()
  w.bytes(new TextEncoder().encode('leither-keyspace-digest-1'))
  for (const row of byKey(ks)) {
    if (!live(row.exp, now)) continue
    const p = put(ks, row)
    w.bytes(p.key)
    writeEntry(w, p)
    if (w.length > 65536) hash.update(w.take())
  }
  hash.update(w.take())
  return hash.digest('hex')
}

const CODES: Record<Put['type'], TypeCode> = { string: STRING, hash: HASH, list: LIST, set: SET, zset: ZSET }

/** Applies changes inside the caller's transaction, under the sender's sequence numbers. */
export function applyChanges(ks: Keyspace, changes: Iterable<Change>): void {
  const keys = ks.keys
  const s = statements(ks)
  let top = keys.seq
  for (const c of changes) {
    if (!Number.isSafeInteger(c.seq) || c.seq < 1) throw new RangeError(`A change has an invalid sequence number ${c.seq}`)
    top = Math.max(top, c.seq)
    keys.useSeq(c.seq)
    if (c.op === 'reset') {
      keys.flush()
      ks.markFlushed()
      continue
    }
    const row = keys.raw(c.key)
    if (c.op === 'del') {
      if (row !== undefined) keys.remove(c.key, row)
      else keys.tombstone(c.key)
      continue
    }
    if (row !== undefined) {
      keys.clearData(row)
      s.wipe.run(row.id)
      keys.count--
    }
    const code = CODES[c.type]
    if (c.type === 'string') {
      keys.create(c.key, code, c.expireAt, 0, 0, c.value)
      continue
    }
    if (c.value.length === 0) {
      keys.tombstone(c.key)
      continue
    }
    const id = keys.create(c.key, code, c.expireAt)
    const target: KeyRow = { id, type: code, exp: c.expireAt, len: 0, head: 0 }
    let len = 0
    if (c.type === 'hash') for (const [f, v] of c.value) len += ks.hashes.put(id, f, v) ? 1 : 0
    else if (c.type === 'set') for (const m of c.value) len += ks.sets.add(id, m) ? 1 : 0
    else if (c.type === 'zset') {
      for (const [m, score] of c.value) {
        if (Number.isNaN(score)) throw new RangeError('A sorted-set score is NaN')
        if (ks.zsets.score(id, m) === undefined) {
          ks.zsets.insert(id, m, score)
          len++
        } else ks.zsets.update(id, m, score)
      }
    } else {
      ks.lists.push(target, c.value, false)
      keys.setList(c.key, id, target.head, target.len)
      continue
    }
    keys.setLen(c.key, id, len)
  }
  keys.endCommand()
  keys.seq = top
}
