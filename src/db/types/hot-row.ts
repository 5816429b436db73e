/**
 * The key row a transaction last looked up, kept in memory with the changes
 * made to it since (length, list head, expiry, string value, sequence),
 * written out in one UPDATE when the transaction moves to another key, when
 * any other SQL reads or writes the keys table, before a savepoint, and
 * before COMMIT. A group-commit batch of INCRs (or LPUSHes, HSETs…) on one
 * key reads its row once and writes it once instead of once per command.
 *
 * What SQL would return is what this returns: every write to the keys table
 * either goes through here or through a statement the connection announces
 * first (tracked-db.ts), which writes this row out and, for a write, drops
 * it. Nothing is kept between transactions, where another connection may
 * write, and an undone savepoint or transaction drops it unwritten.
 */
import type { SqliteStatement } from '../../store/index.ts'
import type { TrackedDatabase } from '../tracked-db.ts'
import type { KeyRow } from './keys.ts'

/** A key row with its value (strings; null for collections). */
export interface ValueRow extends KeyRow {
  value: Uint8Array | null
}

const EXP = 1
const SHAPE = 2 // len and head
const VALUE = 4

export class HotRow {
  /** Rows are kept only inside a transaction (Keyspace says when). */
  active = false
  /** Set when writing the row out failed: the transaction lost a write and must be undone whole. */
  failed: string | null = null
  private key: Uint8Array | null = null
  private id = 0
  private type = 0
  private exp: number | null = null
  private len = 0
  private head = 0
  private seq = 0
  /** undefined: not read (the row came from a lookup without the value) */
  private value: Uint8Array | null | undefined = undefined
  /** which columns changed (EXP | SHAPE | VALUE), 0 when the row is as stored; seq changes with any */
  private changed = 0
  private readonly updates = new Map<number, SqliteStatement>()

  constructor(private readonly db: TrackedDatabase) {}

  /** Whether `key` is the row kept. */
  is(key: Uint8Array): boolean {
    const k = this.key
    if (k === null || k.length !== key.length) return false
    for (let i = 0; i < k.length; i++) if (k[i] !== key[i]) return false
    return true
  }

  /** Whether the row kept is row `id` (and may take its writes). */
  holds(id: number): boolean {
    return this.key !== null && this.id === id
  }

  /** Whether the row kept carries its value. */
  get hasValue(): boolean {
    return this.value !== undefined
  }

  /** A copy of the row kept: callers change their rows freely. */
  row(): KeyRow {
    return { id: this.id, type: this.type, exp: this.exp, len: this.len, head: this.head }
  }

  valueRow(): ValueRow {
    return { id: this.id, type: this.type, exp: this.exp, len: this.len, head: this.head, value: this.value ?? null }
  }

  /** Keeps `row` of `key` as just read from SQL (nothing pending: a read wrote the last row out first). */
  remember(key: Uint8Array, row: KeyRow, value: Uint8Array | null | undefined): void {
    if (!this.active) return
    if (this.key === null || !this.is(key)) this.key = key.slice()
    this.id = row.id
    this.type = row.type
    this.exp = row.exp
    this.len = row.len
    this.head = row.head
    this.value = value
    this.changed = 0
  }

  /** A collection's new length; `seq` is the writing command's sequence. */
  setLen(len: number, seq: number): void {
    this.len = len
    this.mark(SHAPE, seq)
  }

  /** A list's new length and head. */
  setShape(len: number, head: number, seq: number): void {
    this.len = len
    this.head = head
    this.mark(SHAPE, seq)
  }

  /** The row is written with nothing else changed (a collection element was). */
  bump(seq: number): void {
    this.mark(0, seq)
  }

  setExpire(exp: number | null, seq: number): void {
    this.exp = exp
    this.mark(EXP, seq)
  }

  /** A string's new value, and its new expiry unless `keepExp`. */
  setValue(value: Uint8Array, exp: number | null, keepExp: boolean, seq: number): void {
    this.value = value
    let what = VALUE
    if (!keepExp && exp !== this.exp) {
      this.exp = exp
      what |= EXP
    }
    this.mark(what, seq)
  }

  private mark(what: number, seq: number): void {
    this.seq = seq
    this.changed |= what | 8 // 8: seq, so that a bump alone is pending too
    this.db.writes++ // a write of the running command, though SQL sees it later
  }

  /** Writes the pending changes out. On failure the row is dropped and `failed` set. */
  flush(): void {
    const changed = this.changed
    if (changed === 0) return
    this.changed = 0
    const params: Array<number | Uint8Array | null> = []
    if ((changed & EXP) !== 0) params.push(this.exp)
    if ((changed & SHAPE) !== 0) params.push(this.len, this.head)
    if ((changed & VALUE) !== 0) params.push(this.value ?? null)
    params.push(this.seq, this.id)
    try {
      this.update(changed & 7).run(...params)
    } catch (e) {
      this.forget()
      this.failed = `ERR writing key row ${this.id} failed: ${e instanceof Error ? e.message : String(e)}`
      throw e
    }
  }

  /** Drops the row, written out or not (after a flush, or when SQL undid its writes). */
  forget(): void {
    this.key = null
    this.value = undefined
    this.changed = 0
  }

  /** The transaction ended (committed, or undone): nothing may be kept past it. */
  end(): void {
    this.forget()
    this.active = false
    this.failed = null
  }

  private update(what: number): SqliteStatement {
    let s = this.updates.get(what)
    if (s === undefined) {
      const set: string[] = []
      if ((what & EXP) !== 0) set.push('expire_at = ?')
      if ((what & SHAPE) !== 0) set.push('len = ?', 'head = ?')
      if ((what & VALUE) !== 0) set.push('value = ?')
      set.push('seq = ?')
      // Quiet: not announced (it is the announcement's own work) and not counted (counted when deferred).
      s = this.db.prepareQuiet(`UPDATE keys SET ${set.join(', ')} WHERE id = ?`)
      this.updates.set(what, s)
    }
    return s
  }
}
