/** Hash fields, stored in (h, field) order under their key's id. */
import type { SqliteStatement } from '../../store/index.ts'
import type { KeyTable } from './keys.ts'
import { hash32, randomHash } from './hash.ts'
import { pages, scanStep } from './scan.ts'

export interface FieldRow {
  h: number
  field: Uint8Array
  value: Uint8Array
}

const fieldOf = (r: FieldRow): Uint8Array => r.field

export class Hashes {
  private readonly sGet: SqliteStatement
  private readonly sInsert: SqliteStatement
  private readonly sUpdate: SqliteStatement
  private readonly sDelete: SqliteStatement
  private readonly sAll: SqliteStatement
  private readonly sFirst: SqliteStatement
  private readonly sAfter: SqliteStatement
  private readonly sPage: SqliteStatement
  private readonly sRest: SqliteStatement
  private readonly sRandom: SqliteStatement

  constructor(readonly keys: KeyTable) {
    const p = (sql: string): SqliteStatement => keys.db.prepare(sql)
    this.sGet = p('SELECT value FROM hashes WHERE key_id = ? AND h = ? AND field = ?')
    this.sInsert = p('INSERT OR IGNORE INTO hashes (key_id, h, field, value) VALUES (?, ?, ?, ?)')
    this.sUpdate = p('UPDATE hashes SET value = ? WHERE key_id = ? AND h = ? AND field = ?')
    this.sDelete = p('DELETE FROM hashes WHERE key_id = ? AND h = ? AND field = ?')
    this.sAll = p('SELECT h, field, value FROM hashes WHERE key_id = ? ORDER BY h, field')
    this.sFirst = p('SELECT h, field, value FROM hashes WHERE key_id = ? ORDER BY h, field LIMIT ?')
    this.sAfter = p('SELECT h, field, value FROM hashes WHERE key_id = ? AND (h, field) > (?, ?) ORDER BY h, field LIMIT ?')
    this.sPage = p('SELECT h, field, value FROM hashes WHERE key_id = ? AND h >= ? ORDER BY h, field LIMIT ?')
    this.sRest = p('SELECT h, field, value FROM hashes WHERE key_id = ? AND h = ? AND field > ? ORDER BY field')
    this.sRandom = p('SELECT h, field, value FROM hashes WHERE key_id = ? AND h >= ? ORDER BY h, field LIMIT 1')
  }

  get(id: number, field: Uint8Array): Uint8Array | undefined {
    return this.sGet.get<{ value: Uint8Array }>(id, hash32(field), field)?.value
  }

  /**
   * Sets a field; true when it is new. SQLite cannot say which an upsert
   * did, so this is two statements when the first guess is wrong: an insert
   * first into a hash just created (`fresh`), an update first otherwise.
   */
  put(id: number, field: Uint8Array, value: Uint8Array, fresh = true): boolean {
    const h = hash32(field)
    if (!fresh && Number(this.sUpdate.run(value, id, h, field).changes) === 1) return false
    if (Number(this.sInsert.run(id, h, field, value).changes) === 1) return true
    this.sUpdate.run(value, id, h, field)
    return false
  }

  /** Adds a field only if it is new (HSETNX); true when added. */
  add(id: number, field: Uint8Array, value: Uint8Array): boolean {
    return Number(this.sInsert.run(id, hash32(field), field, value).changes) === 1
  }

  /** Deletes a field; true when it was there. */
  delete(id: number, field: Uint8Array): boolean {
    return Number(this.sDelete.run(id, hash32(field), field).changes) === 1
  }

  /** Every field (a reply that holds them all anyway). */
  all(id: number): FieldRow[] {
    return this.sAll.all<FieldRow>(id)
  }

  /** Every field, a page at a time. */
  each(id: number): Generator<FieldRow> {
    return pages(this.sFirst, this.sAfter, id, fieldOf)
  }

  scan(id: number, cursor: number, count: number): { rows: FieldRow[], next: number } {
    return scanStep(this.sPage, this.sRest, id, cursor, count, fieldOf)
  }

  /** A random field of a non-empty hash. */
  random(id: number): FieldRow {
    return this.sRandom.get<FieldRow>(id, randomHash()) ?? this.sRandom.get<FieldRow>(id, 0)!
  }
}
