/** Set members, stored in (h, member) order under their key's id. */
import type { SqliteStatement } from '../../store/index.ts'
import type { KeyTable } from './keys.ts'
import { hash32, randomHash } from './hash.ts'
import { pages, scanStep } from './scan.ts'

export interface MemberRow {
  h: number
  member: Uint8Array
}

const memberOf = (r: MemberRow): Uint8Array => r.member

export class Sets {
  private readonly sHas: SqliteStatement
  private readonly sInsert: SqliteStatement
  private readonly sDelete: SqliteStatement
  private readonly sAll: SqliteStatement
  private readonly sFirst: SqliteStatement
  private readonly sAfter: SqliteStatement
  private readonly sPage: SqliteStatement
  private readonly sRest: SqliteStatement
  private readonly sRandom: SqliteStatement
  private readonly sCount: SqliteStatement

  constructor(readonly keys: KeyTable) {
    const p = (sql: string): SqliteStatement => keys.db.prepare(sql)
    this.sHas = p('SELECT 1 AS x FROM sets WHERE key_id = ? AND h = ? AND member = ?')
    this.sInsert = p('INSERT OR IGNORE INTO sets (key_id, h, member) VALUES (?, ?, ?)')
    this.sDelete = p('DELETE FROM sets WHERE key_id = ? AND h = ? AND member = ?')
    this.sAll = p('SELECT h, member FROM sets WHERE key_id = ? ORDER BY h, member')
    this.sFirst = p('SELECT h, member FROM sets WHERE key_id = ? ORDER BY h, member LIMIT ?')
    this.sAfter = p('SELECT h, member FROM sets WHERE key_id = ? AND (h, member) > (?, ?) ORDER BY h, member LIMIT ?')
    this.sPage = p('SELECT h, member FROM sets WHERE key_id = ? AND h >= ? ORDER BY h, member LIMIT ?')
    this.sRest = p('SELECT h, member FROM sets WHERE key_id = ? AND h = ? AND member > ? ORDER BY member')
    this.sRandom = p('SELECT h, member FROM sets WHERE key_id = ? AND h >= ? ORDER BY h, member LIMIT 1')
    this.sCount = p('SELECT count(*) AS n FROM sets WHERE key_id = ?')
  }

  has(id: number, member: Uint8Array): boolean {
    return this.sHas.get(id, hash32(member), member) !== undefined
  }

  /** Adds a member; true when it is new. */
  add(id: number, member: Uint8Array): boolean {
    return Number(this.sInsert.run(id, hash32(member), member).changes) === 1
  }

  /** Removes a member; true when it was there. */
  delete(id: number, member: Uint8Array): boolean {
    return Number(this.sDelete.run(id, hash32(member), member).changes) === 1
  }

  all(id: number): MemberRow[] {
    return this.sAll.all<MemberRow>(id)
  }

  each(id: number): Generator<MemberRow> {
    return pages(this.sFirst, this.sAfter, id, memberOf)
  }

  scan(id: number, cursor: number, count: number): { rows: MemberRow[], next: number } {
    return scanStep(this.sPage, this.sRest, id, cursor, count, memberOf)
  }

  /** A random member of a non-empty set. */
  random(id: number): MemberRow {
    return this.sRandom.get<MemberRow>(id, randomHash()) ?? this.sRandom.get<MemberRow>(id, 0)!
  }

  /** Counts the rows under an id (a set built by a *STORE command). */
  count(id: number): number {
    return Number(this.sCount.get<{ n: number }>(id)!.n)
  }
}
