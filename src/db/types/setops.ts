/**
 * SINTER/SUNION/SDIFF and their STORE forms as single SQL statements over
 * the sets table: SQLite streams them, so no set is loaded into memory to be
 * combined. Statements are built per number of keys and kept for small counts.
 */
import type { SqliteDatabase, SqliteStatement } from '../../store/index.ts'
import type { MemberRow } from './sets.ts'

type Op = 'inter' | 'union' | 'diff'

const CACHE_UP_TO = 32

function select(op: Op, n: number): string {
  const params = Array.from({ length: n }, (_, i) => `?${i + 1}`)
  if (op === 'union') {
    return `SELECT h, member FROM sets WHERE key_id IN (${params.join(', ')}) GROUP BY h, member`
  }
  const others = params.slice(1)
  if (op === 'inter') {
    const exists = others.map(p => `EXISTS (SELECT 1 FROM sets b WHERE b.key_id = ${p} AND b.h = a.h AND b.member = a.member)`)
    return `SELECT a.h AS h, a.member AS member FROM sets a WHERE a.key_id = ?1${exists.map(e => ` AND ${e}`).join('')}`
  }
  const none = others.length === 0
    ? ''
    : ` AND NOT EXISTS (SELECT 1 FROM sets b WHERE b.key_id IN (${others.join(', ')}) AND b.h = a.h AND b.member = a.member)`
  return `SELECT a.h AS h, a.member AS member FROM sets a WHERE a.key_id = ?1${none}`
}

export class SetOps {
  private readonly cache = new Map<string, SqliteStatement>()

  constructor(private readonly db: SqliteDatabase) {}

  private statement(name: string, n: number, sql: () => string): SqliteStatement {
    const key = `${name}:${n}`
    let s = this.cache.get(key)
    if (s === undefined) {
      s = this.db.prepare(sql())
      if (n <= CACHE_UP_TO) this.cache.set(key, s)
    }
    return s
  }

  /** The members of the combination of the sets with these ids (for inter, the smallest first). */
  members(op: Op, ids: number[]): MemberRow[] {
    return this.statement(op, ids.length, () => select(op, ids.length)).all<MemberRow>(...ids)
  }

  /** SINTERCARD: the size of the intersection, counting up to `limit` (0: all). */
  interCount(ids: number[], limit: number): number {
    const n = ids.length
    const s = this.statement('intercard', n, () => `SELECT count(*) AS n FROM (${select('inter', n)} LIMIT ?${n + 1})`)
    return Number(s.get<{ n: number }>(...ids, limit > 0 ? limit : -1)!.n)
  }

  /** Writes the combination under key id `dest`; returns how many members it has. */
  store(op: Op, ids: number[], dest: number): number {
    const n = ids.length
    const s = this.statement(`store-${op}`, n, () => `INSERT INTO sets (key_id, h, member) SELECT ?${n + 1}, h, member FROM (${select(op, n)})`)
    return Number(s.run(...ids, dest).changes)
  }
}
