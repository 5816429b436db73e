/**
 * The key table: one row per key (type, expiry, write sequence, collection
 * length, list head, and a string's value), the tombstones of deleted keys,
 * and the bookkeeping every write goes through (sequence numbers, touched
 * keys). The type tables (strings, hashes, …) build on it.
 */
import type { SqliteStatement } from '../../store/index.ts'
import { Errors } from '../reply.ts'
import { fail } from '../args.ts'
import type { TrackedDatabase } from '../tracked-db.ts'
import { HotRow } from './hot-row.ts'
import type { ValueRow } from './hot-row.ts'

export const STRING = 1
export const HASH = 2
export const LIST = 3
export const SET = 4
export const ZSET = 5
export type TypeCode = 1 | 2 | 3 | 4 | 5

/** Redis's type names by code (TYPE, SCAN TYPE); 0 is a missing key. */
export const TYPE_NAMES = ['none', 'string', 'hash', 'list', 'set', 'zset'] as const
export type TypeName = Exclude<(typeof TYPE_NAMES)[number], 'none'>

/** A key's row, without a string's value. */
export interface KeyRow {
  id: number
  type: number
  /** unix ms, or null when persistent */
  exp: number | null
  len: number
  head: number
}

/** A key as SCAN and the sweeper see it. */
export interface KeyEntry {
  id: number
  key: Uint8Array
  type: number
  exp: number | null
}

export const live = (exp: number | null, now: number): boolean => exp === null || exp > now

/** The smallest byte string above every string starting with `prefix`; null when there is none. */
export function prefixEnd(prefix: Uint8Array): Uint8Array | null {
  let n = prefix.length
  while (n > 0 && prefix[n - 1] === 0xff) n--
  if (n === 0) return null
  const end = prefix.slice(0, n)
  end[n - 1]!++
  return end
}

export class KeyTable {
  /** The last write sequence handed out. */
  seq = 0
  /** Rows in the key table (DBSIZE counts expired keys not yet swept, as Redis does). */
  count = 0
  hasTombstones = false
  /** Sequence of the last FLUSHDB or full load: older diffs cannot be given. */
  resetSeq = 0
  /** Tombstones at or below this sequence were compacted away. */
  horizon = 0
  /** Keys written since the last notification; null when nobody listens. */
  touched: Uint8Array[] | null = null
  /** The row last looked up in this transaction, and its changes not yet written. */
  readonly hot: HotRow
  private cmdSeq = 0

  private readonly sFind: SqliteStatement
  private readonly sFindValue: SqliteStatement
  private readonly sSetValue: SqliteStatement
  private readonly sSetValueKeep: SqliteStatement
  private readonly sInsert: SqliteStatement
  private readonly sInsertId: SqliteStatement
  private readonly sDelete: SqliteStatement
  private readonly sLen: SqliteStatement
  private readonly sList: SqliteStatement
  private readonly sBump: SqliteStatement
  private readonly sExpire: SqliteStatement
  private readonly sRename: SqliteStatement
  private readonly sTomb: SqliteStatement
  private readonly sUntomb: SqliteStatement
  private readonly sTombSeq: SqliteStatement
  private readonly sVersion: SqliteStatement
  private readonly sScan: SqliteStatement
  private readonly sExpired: SqliteStatement
  private readonly sNextExpiry: SqliteStatement
  private readonly sMaxId: SqliteStatement
  private readonly sMeta: SqliteStatement
  private readonly sRetype: SqliteStatement
  private readonly sAllKeys: SqliteStatement
  private readonly sKeysFrom: SqliteStatement
  private readonly sKeysRange: SqliteStatement
  private readonly sOverwrite: SqliteStatement
  private readonly sCopyRow: SqliteStatement
  private readonly sBounds: SqliteStatement
  private readonly sAtOrAfter: SqliteStatement
  private readonly sClear: Record<number, SqliteStatement>
  private readonly sMove: Record<number, SqliteStatement>
  private readonly sCopy: Record<number, SqliteStatement>

  constructor(readonly db: TrackedDatabase) {
    const p = (sql: string): SqliteStatement => db.prepare(sql)
    this.hot = new HotRow(db)
    db.onKeys = write => {
      this.hot.flush() // SQL is about to read or write the table: it must see the row as it is
      if (write) this.hot.forget()
    }
    this.sFind = p('SELECT id, type, expire_at AS exp, len, head FROM keys WHERE key = ?')
    this.sFindValue = p('SELECT id, type, expire_at AS exp, len, head, value FROM keys WHERE key = ?')
    this.sSetValue = p('UPDATE keys SET value = ?, expire_at = ?, seq = ? WHERE id = ?')
    this.sSetValueKeep = p('UPDATE keys SET value = ?, seq = ? WHERE id = ?')
    this.sInsert = p('INSERT INTO keys (key, type, expire_at, seq, len, head, value) VALUES (?, ?, ?, ?, ?, ?, ?)')
    this.sInsertId = p('INSERT INTO keys (id, key, type, expire_at, seq, len, head, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    this.sDelete = p('DELETE FROM keys WHERE id = ?')
    this.sLen = p('UPDATE keys SET len = ?, seq = ? WHERE id = ?')
    this.sList = p('UPDATE keys SET head = ?, len = ?, seq = ? WHERE id = ?')
    this.sBump = p('UPDATE keys SET seq = ? WHERE id = ?')
    this.sExpire = p('UPDATE keys SET expire_at = ?, seq = ? WHERE id = ?')
    this.sRename = p('UPDATE keys SET key = ?, seq = ? WHERE id = ?')
    this.sTomb = p('INSERT INTO tombstones (key, seq) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET seq = excluded.seq')
    this.sUntomb = p('DELETE FROM tombstones WHERE key = ?')
    this.sTombSeq = p('SELECT seq FROM tombstones WHERE key = ?')
    this.sVersion = p('SELECT seq, expire_at AS exp FROM keys WHERE key = ?')
    this.sScan = p('SELECT id, key, type, expire_at AS exp FROM keys WHERE id > ? ORDER BY id LIMIT ?')
    this.sExpired = p('SELECT id, key, type, expire_at AS exp FROM keys WHERE expire_at IS NOT NULL AND expire_at <= ? ORDER BY expire_at LIMIT ?')
    this.sNextExpiry = p('SELECT min(expire_at) AS exp FROM keys WHERE expire_at IS NOT NULL')
    this.sMaxId = p('SELECT coalesce(max(id), 0) AS id FROM keys')
    this.sRetype = p('UPDATE keys SET type = ?, expire_at = NULL, len = ?, head = 0, value = NULL, seq = ? WHERE id = ?')
    this.sOverwrite = p('UPDATE keys SET (type, expire_at, len, head, value) = (SELECT type, expire_at, len, head, value FROM keys WHERE id = ?), seq = ? WHERE id = ?')
    this.sCopyRow = p('INSERT INTO keys (key, type, expire_at, seq, len, head, value) SELECT ?, type, expire_at, ?, len, head, value FROM keys WHERE id = ?')
    this.sBounds = p('SELECT min(id) AS lo FROM keys')
    this.sAtOrAfter = p('SELECT key, expire_at AS exp FROM keys WHERE id >= ? ORDER BY id LIMIT ?')
    this.sAllKeys = p('SELECT key, expire_at AS exp FROM keys ORDER BY id')
    this.sKeysFrom = p('SELECT key, expire_at AS exp FROM keys WHERE key >= ? ORDER BY key')
    this.sKeysRange = p('SELECT key, expire_at AS exp FROM keys WHERE key >= ? AND key < ? ORDER BY key')
    this.sMeta = p('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value')
    const tables: Record<number, string> = { [HASH]: 'hashes', [LIST]: 'lists', [SET]: 'sets', [ZSET]: 'zsets' }
    const columns: Record<number, string> = { [HASH]: 'h, field, value', [LIST]: 'pos, value', [SET]: 'h, member', [ZSET]: 'h, member, score' }
    this.sClear = {}
    this.sMove = {}
    this.sCopy = {}
    for (const [type, table] of Object.entries(tables)) {
      const t = Number(type)
      this.sClear[t] = p(`DELETE FROM ${table} WHERE key_id = ?`)
      this.sMove[t] = p(`UPDATE ${table} SET key_id = ? WHERE key_id = ?`)
      this.sCopy[t] = p(`INSERT INTO ${table} (key_id, ${columns[t]}) SELECT ?, ${columns[t]} FROM ${table} WHERE key_id = ?`)
    }
    this.load()
  }

  /** Reads the counters back from the file (at open, and after a rollback of unknown extent). */
  load(): void {
    const one = (sql: string): number => Number(Object.values(this.db.prepare(sql).get() ?? {})[0] ?? 0)
    this.count = one('SELECT count(*) FROM keys')
    this.hasTombstones = one('SELECT EXISTS (SELECT 1 FROM tombstones)') === 1
    this.resetSeq = one("SELECT coalesce((SELECT value FROM meta WHERE name = 'reset_seq'), 0)")
    this.horizon = one("SELECT coalesce((SELECT value FROM meta WHERE name = 'horizon'), 0)")
    this.seq = Math.max(
      one('SELECT coalesce(max(seq), 0) FROM keys'),
      one('SELECT coalesce(max(seq), 0) FROM tombstones'),
      this.resetSeq,
      this.horizon,
    )
  }

  /** The sequence number of the running command's writes, taken at its first write. */
  wseq(): number {
    if (this.cmdSeq === 0) this.cmdSeq = ++this.seq
    return this.cmdSeq
  }

  /** Makes the running writes use `seq` (applying another node's changes). */
  useSeq(seq: number): void {
    this.cmdSeq = seq
  }

  /** Ends a command: its next write takes a new sequence number. */
  endCommand(): void {
    this.cmdSeq = 0
  }

  touch(key: Uint8Array): void {
    if (this.touched !== null) this.touched.push(key)
  }

  /** A key's row, live or expired. */
  raw(key: Uint8Array): KeyRow | undefined {
    const hot = this.hot
    if (hot.is(key)) return hot.row()
    const row = this.sFind.get<KeyRow>(key)
    if (row !== undefined) hot.remember(key, row, undefined)
    return row
  }

  /** A key's row with its value (a string's; null for collections), live or expired. */
  rawValue(key: Uint8Array): ValueRow | undefined {
    const hot = this.hot
    if (hot.is(key) && hot.hasValue) return hot.valueRow()
    const row = this.sFindValue.get<ValueRow>(key)
    if (row !== undefined) hot.remember(key, row, row.value)
    return row
  }

  /** The row of a live key (an expired key is missing). */
  find(key: Uint8Array, now: number): KeyRow | undefined {
    const row = this.raw(key)
    return row !== undefined && live(row.exp, now) ? row : undefined
  }

  /** As `find`, for a write: an expired key is deleted first, so the write starts afresh. */
  findForWrite(key: Uint8Array, now: number): KeyRow | undefined {
    const row = this.raw(key)
    if (row === undefined) return undefined
    if (live(row.exp, now)) return row
    this.remove(key, row)
    return undefined
  }

  /** A live key of `type`, undefined when missing; WRONGTYPE for another type. */
  typed(key: Uint8Array, type: TypeCode, now: number): KeyRow | undefined {
    const row = this.find(key, now)
    if (row !== undefined && row.type !== type) fail(Errors.wrongType)
    return row
  }

  typedForWrite(key: Uint8Array, type: TypeCode, now: number): KeyRow | undefined {
    const row = this.findForWrite(key, now)
    if (row !== undefined && row.type !== type) fail(Errors.wrongType)
    return row
  }

  /** A collection key to write to, created empty (with no expiry) when missing; WRONGTYPE for another type. */
  open(key: Uint8Array, type: TypeCode, now: number): KeyRow {
    const row = this.typedForWrite(key, type, now)
    if (row !== undefined) return row
    return { id: this.create(key, type, null), type, exp: null, len: 0, head: 0 }
  }

  /** Ends a write to a collection: stores its new length, or deletes the key when it is empty. */
  settle(key: Uint8Array, row: KeyRow, len: number): void {
    if (len === 0) this.remove(key, row)
    else if (len !== row.len) this.setLen(key, row.id, len)
    else this.bump(key, row.id)
    row.len = len
  }

  /** Inserts a new key row; returns its id. */
  create(key: Uint8Array, type: TypeCode, exp: number | null, len = 0, head = 0, value: Uint8Array | null = null, id?: number): number {
    const seq = this.wseq()
    let rowId: number
    if (id === undefined) rowId = Number(this.sInsert.run(key, type, exp, seq, len, head, value).lastInsertRowid)
    else {
      this.sInsertId.run(id, key, type, exp, seq, len, head, value)
      rowId = id
    }
    if (this.hasTombstones) this.sUntomb.run(key)
    this.count++
    this.touch(key)
    return rowId
  }

  /** Deletes a key, its elements, and leaves a tombstone. */
  remove(key: Uint8Array, row: { id: number, type: number }): void {
    this.clearData(row)
    this.sDelete.run(row.id)
    this.sTomb.run(key, this.wseq())
    this.hasTombstones = true
    this.count--
    this.touch(key)
  }

  /** Deletes a collection's elements, keeping the key row. */
  clearData(row: { id: number, type: number }): void {
    if (row.type !== STRING) this.sClear[row.type]!.run(row.id)
  }

  /** Moves a collection's elements to another key id. */
  moveData(type: number, from: number, to: number): void {
    if (type !== STRING) this.sMove[type]!.run(to, from)
  }

  /** Copies a collection's elements to another key id. */
  copyData(type: number, from: number, to: number): void {
    if (type !== STRING) this.sCopy[type]!.run(to, from)
  }

  /** Records a deletion of a key that is not here (relayed from another node). */
  tombstone(key: Uint8Array): void {
    this.sTomb.run(key, this.wseq())
    this.hasTombstones = true
    this.touch(key)
  }

  /** Drops the key row only (its elements were moved or deleted), leaving a tombstone. */
  dropRow(key: Uint8Array, id: number): void {
    this.sDelete.run(id)
    this.sTomb.run(key, this.wseq())
    this.hasTombstones = true
    this.count--
    this.touch(key)
  }

  /** A collection's new length (the caller removes the key when it reaches 0). */
  setLen(key: Uint8Array, id: number, len: number): void {
    const hot = this.hot
    if (hot.holds(id)) hot.setLen(len, this.wseq())
    else this.sLen.run(len, this.wseq(), id)
    this.touch(key)
  }

  setList(key: Uint8Array, id: number, head: number, len: number): void {
    if (this.hot.holds(id)) this.hot.setShape(len, head, this.wseq())
    else this.sList.run(head, len, this.wseq(), id)
    this.touch(key)
  }

  /** Marks a key written without other change to its row (a collection element changed). */
  bump(key: Uint8Array, id: number): void {
    if (this.hot.holds(id)) this.hot.bump(this.wseq())
    else this.sBump.run(this.wseq(), id)
    this.touch(key)
  }

  setExpire(key: Uint8Array, id: number, exp: number | null): void {
    if (this.hot.holds(id)) this.hot.setExpire(exp, this.wseq())
    else this.sExpire.run(exp, this.wseq(), id)
    this.touch(key)
  }

  /** A string row's new value and expiry; with `keepExp` the expiry stays. */
  setValue(key: Uint8Array, id: number, value: Uint8Array, exp: number | null, keepExp: boolean): void {
    const seq = this.wseq()
    if (this.hot.holds(id)) this.hot.setValue(value, exp, keepExp, seq)
    else if (keepExp) this.sSetValueKeep.run(value, seq, id)
    else this.sSetValue.run(value, exp, seq, id)
    this.touch(key)
  }

  /** Gives a key row another name (the target name must be free). */
  rename(from: Uint8Array, to: Uint8Array, id: number): void {
    this.sRename.run(to, this.wseq(), id)
    this.sUntomb.run(to)
    this.sTomb.run(from, this.wseq())
    this.hasTombstones = true
    this.touch(from)
    this.touch(to)
  }

  /** Turns a key row into an empty-valued collection of `type` with `len` elements (a *STORE target). */
  retype(key: Uint8Array, id: number, type: TypeCode, len: number): void {
    this.sRetype.run(type, len, this.wseq(), id)
    this.touch(key)
  }

  /** Gives key row `id` the type, expiry, counters and value of row `from` (RENAME, COPY REPLACE). */
  overwrite(key: Uint8Array, id: number, from: number): void {
    this.sOverwrite.run(from, this.wseq(), id)
    this.touch(key)
  }

  /** A new key row copying row `from`'s type, expiry, counters and value; returns its id. */
  copyRow(key: Uint8Array, from: number): number {
    const id = Number(this.sCopyRow.run(key, this.wseq(), from).lastInsertRowid)
    if (this.hasTombstones) this.sUntomb.run(key)
    this.count++
    this.touch(key)
    return id
  }

  /** Every key starting with `prefix` (all keys, in id order, for an empty prefix), expired ones included. */
  matching(prefix: Uint8Array): IterableIterator<{ key: Uint8Array, exp: number | null }> {
    type Row = { key: Uint8Array, exp: number | null }
    if (prefix.length === 0) return this.sAllKeys.iterate<Row>()
    const end = prefixEnd(prefix)
    return end === null ? this.sKeysFrom.iterate<Row>(prefix) : this.sKeysRange.iterate<Row>(prefix, end)
  }

  /** A random live key, or null when there is none. */
  randomKey(now: number): Uint8Array | null {
    if (this.count === 0) return null
    const lo = this.sBounds.get<{ lo: number | null }>()?.lo
    if (lo == null) return null
    const hi = this.freshId() - 1
    for (let attempt = 0; attempt < 16; attempt++) {
      const at = lo + Math.floor(Math.random() * (hi - lo + 1))
      const row = this.sAtOrAfter.get<{ key: Uint8Array, exp: number | null }>(at, 1)
      if (row !== undefined && live(row.exp, now)) return row.key
    }
    // Mostly expired keys: walk from a random point, wrapping once.
    const start = lo + Math.floor(Math.random() * (hi - lo + 1))
    for (const from of [start, lo]) {
      let at = from
      for (;;) {
        const rows = this.sScan.all<KeyEntry>(at - 1, 256)
        for (const r of rows) if (live(r.exp, now)) return r.key
        if (rows.length < 256) break
        at = rows[rows.length - 1]!.id + 1
      }
    }
    return null
  }

  /** A number that changes whenever the key is written, deleted or expires (WATCH). */
  version(key: Uint8Array, now: number): number {
    const row = this.sVersion.get<{ seq: number, exp: number | null }>(key)
    if (row !== undefined) return live(row.exp, now) ? row.seq : -row.seq
    return this.hasTombstones ? (this.sTombSeq.get<{ seq: number }>(key)?.seq ?? 0) : 0
  }

  /** Up to `count` rows after key id `after`, in id order (SCAN's cursor). */
  scan(after: number, count: number): KeyEntry[] {
    return this.sScan.all<KeyEntry>(after, count)
  }

  /** The soonest expiry of any key (unix ms, possibly past), or Infinity when no key has one. */
  nextExpiry(): number {
    const exp = this.sNextExpiry.get<{ exp: number | null }>()?.exp
    return exp == null ? Number.POSITIVE_INFINITY : Number(exp)
  }

  /** Up to `limit` keys whose expiry has passed, soonest first. */
  expired(now: number, limit: number): KeyEntry[] {
    return this.sExpired.all<KeyEntry>(now, limit)
  }

  /** An id no key row has yet, above all others. */
  freshId(): number {
    return Number(this.sMaxId.get<{ id: number }>()!.id) + 1
  }

  /** Empties the keyspace (FLUSHDB): no tombstones; a diff from before it is a full copy. */
  flush(): void {
    const seq = this.wseq()
    this.db.exec('DELETE FROM keys; DELETE FROM hashes; DELETE FROM lists; DELETE FROM sets; DELETE FROM zsets; DELETE FROM tombstones')
    this.setMeta('reset_seq', seq)
    this.resetSeq = seq
    this.count = 0
    this.hasTombstones = false
  }

  setMeta(name: 'reset_seq' | 'horizon', value: number): void {
    this.sMeta.run(name, value)
  }
}
