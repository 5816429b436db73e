/**
 * Sorted-set members: the row is keyed by (h, member) for lookups and SCAN,
 * and indexed by (score, member) for ranks and ranges, which are read
 * straight from the index with LIMIT/OFFSET, never loaded whole.
 */
import type { SqliteStatement } from '../../store/index.ts'
import type { KeyTable } from './keys.ts'
import { hash32 } from './hash.ts'
import { pages, scanStep } from './scan.ts'
import { sqlLimit } from './lists.ts'
import { compareBytes } from '../args.ts'

export interface ScoreRow {
  h: number
  member: Uint8Array
  score: number
}

/** A lexicographic bound: null is '-' or '+' (unbounded). */
export interface LexBound {
  value: Uint8Array | null
  exclusive: boolean
}

const memberOf = (r: ScoreRow): Uint8Array => r.member

export class ZSets {
  private readonly sScore: SqliteStatement
  private readonly sInsert: SqliteStatement
  private readonly sUpdate: SqliteStatement
  private readonly sDelete: SqliteStatement
  private readonly sRank: [SqliteStatement, SqliteStatement]
  private readonly sByScore: [SqliteStatement, SqliteStatement]
  private readonly sCount: SqliteStatement
  private readonly sBelow: SqliteStatement
  private readonly sTied: SqliteStatement
  private readonly sMin: SqliteStatement
  private readonly sMax: SqliteStatement
  private readonly sDelRank: SqliteStatement
  private readonly sDelScore: SqliteStatement
  private readonly sWalk: [SqliteStatement, SqliteStatement]
  private readonly sFirst: SqliteStatement
  private readonly sAfter: SqliteStatement
  private readonly sPage: SqliteStatement
  private readonly sRest: SqliteStatement
  private readonly lex = new Map<string, SqliteStatement>()

  constructor(readonly keys: KeyTable) {
    const p = (sql: string): SqliteStatement => keys.db.prepare(sql)
    const cols = 'h, member, score'
    this.sScore = p('SELECT score FROM zsets WHERE key_id = ? AND h = ? AND member = ?')
    this.sInsert = p('INSERT INTO zsets (key_id, h, member, score) VALUES (?, ?, ?, ?)')
    this.sUpdate = p('UPDATE zsets SET score = ? WHERE key_id = ? AND h = ? AND member = ?')
    this.sDelete = p('DELETE FROM zsets WHERE key_id = ? AND h = ? AND member = ?')
    this.sRank = [
      p(`SELECT ${cols} FROM zsets WHERE key_id = ? ORDER BY score, member LIMIT ? OFFSET ?`),
      p(`SELECT ${cols} FROM zsets WHERE key_id = ? ORDER BY score DESC, member DESC LIMIT ? OFFSET ?`),
    ]
    this.sByScore = [
      p(`SELECT ${cols} FROM zsets WHERE key_id = ? AND score >= ? AND score <= ? ORDER BY score, member LIMIT ? OFFSET ?`),
      p(`SELECT ${cols} FROM zsets WHERE key_id = ? AND score >= ? AND score <= ? ORDER BY score DESC, member DESC LIMIT ? OFFSET ?`),
    ]
    this.sCount = p('SELECT count(*) AS n FROM zsets WHERE key_id = ? AND score >= ? AND score <= ?')
    this.sBelow = p('SELECT count(*) AS n FROM zsets WHERE key_id = ? AND score < ?')
    this.sTied = p('SELECT count(*) AS n FROM zsets WHERE key_id = ? AND score = ? AND member < ?')
    this.sMin = p('SELECT score FROM zsets WHERE key_id = ? ORDER BY score LIMIT 1')
    this.sMax = p('SELECT score FROM zsets WHERE key_id = ? ORDER BY score DESC LIMIT 1')
    this.sDelRank = p('DELETE FROM zsets WHERE key_id = ?1 AND (h, member) IN (SELECT h, member FROM zsets WHERE key_id = ?1 ORDER BY score, member LIMIT ?2 OFFSET ?3)')
    this.sWalk = [
      p(`SELECT ${cols} FROM zsets WHERE key_id = ? ORDER BY score, member`),
      p(`SELECT ${cols} FROM zsets WHERE key_id = ? ORDER BY score DESC, member DESC`),
    ]
    this.sDelScore = p('DELETE FROM zsets WHERE key_id = ? AND score >= ? AND score <= ?')
    this.sFirst = p(`SELECT ${cols} FROM zsets WHERE key_id = ? ORDER BY h, member LIMIT ?`)
    this.sAfter = p(`SELECT ${cols} FROM zsets WHERE key_id = ? AND (h, member) > (?, ?) ORDER BY h, member LIMIT ?`)
    this.sPage = p(`SELECT ${cols} FROM zsets WHERE key_id = ? AND h >= ? ORDER BY h, member LIMIT ?`)
    this.sRest = p(`SELECT ${cols} FROM zsets WHERE key_id = ? AND h = ? AND member > ? ORDER BY member`)
  }

  score(id: number, member: Uint8Array): number | undefined {
    return this.sScore.get<{ score: number }>(id, hash32(member), member)?.score
  }

  insert(id: number, member: Uint8Array, score: number): void {
    this.sInsert.run(id, hash32(member), member, score)
  }

  update(id: number, member: Uint8Array, score: number): void {
    this.sUpdate.run(score, id, hash32(member), member)
  }

  delete(id: number, member: Uint8Array): boolean {
    return Number(this.sDelete.run(id, hash32(member), member).changes) === 1
  }

  /** 0-based rank in (score, member) order of a member with this score. */
  rank(id: number, member: Uint8Array, score: number): number {
    return Number(this.sBelow.get<{ n: number }>(id, score)!.n) + Number(this.sTied.get<{ n: number }>(id, score, member)!.n)
  }

  /** `count` members from rank `offset` (count -1: to the end), ascending or from the top. */
  byRank(id: number, offset: number, count: number, reverse: boolean): ScoreRow[] {
    return this.sRank[reverse ? 1 : 0].all<ScoreRow>(id, sqlLimit(count), offset)
  }

  /** Members with min ≤ score ≤ max (exclusive bounds already moved to the next double). */
  byScore(id: number, min: number, max: number, reverse: boolean, offset = 0, count = -1): ScoreRow[] {
    return this.sByScore[reverse ? 1 : 0].all<ScoreRow>(id, min, max, sqlLimit(count), offset)
  }

  countScore(id: number, min: number, max: number): number {
    return Number(this.sCount.get<{ n: number }>(id, min, max)!.n)
  }

  /**
   * Members within a lexicographic range. Redis defines this for members
   * that share one score; the score prefix of the index then makes it a range
   * read. With mixed scores it walks the (score, member) order the way Redis
   * walks a small sorted set: from the first member inside the range, while
   * members stay inside it.
   */
  byLex(id: number, min: LexBound, max: LexBound, reverse: boolean, offset = 0, count = -1): ScoreRow[] {
    const lo = this.sMin.get<{ score: number }>(id)
    if (lo === undefined) return []
    const hi = this.sMax.get<{ score: number }>(id)!
    if (lo.score !== hi.score) return this.lexWalk(id, min, max, reverse, offset, count)
    const params: Array<number | Uint8Array> = [id, lo.score, hi.score]
    let where = ''
    if (min.value !== null) {
      where += ` AND member ${min.exclusive ? '>' : '>='} ?`
      params.push(min.value)
    }
    if (max.value !== null) {
      where += ` AND member ${max.exclusive ? '<' : '<='} ?`
      params.push(max.value)
    }
    const order = reverse ? 'score DESC, member DESC' : 'score, member'
    const sql = `SELECT h, member, score FROM zsets WHERE key_id = ? AND score >= ? AND score <= ?${where} ORDER BY ${order} LIMIT ? OFFSET ?`
    let s = this.lex.get(sql)
    if (s === undefined) {
      s = this.keys.db.prepare(sql)
      this.lex.set(sql, s)
    }
    return s.all<ScoreRow>(...params, sqlLimit(count), offset)
  }

  private lexWalk(id: number, min: LexBound, max: LexBound, reverse: boolean, offset: number, count: number): ScoreRow[] {
    const gteMin = (m: Uint8Array): boolean => {
      if (min.value === null) return true
      const c = compareBytes(m, min.value)
      return min.exclusive ? c > 0 : c >= 0
    }
    const lteMax = (m: Uint8Array): boolean => {
      if (max.value === null) return true
      const c = compareBytes(m, max.value)
      return max.exclusive ? c < 0 : c <= 0
    }
    if (min.value !== null && max.value !== null) {
      const c = compareBytes(min.value, max.value)
      if (c > 0 || (c === 0 && (min.exclusive || max.exclusive))) return []
    }
    const first = this.sRank[0].get<ScoreRow>(id, 1, 0)!
    const last = this.sRank[1].get<ScoreRow>(id, 1, 0)!
    if (!gteMin(last.member) || !lteMax(first.member)) return []
    const enter = reverse ? lteMax : gteMin
    const stay = reverse ? gteMin : lteMax
    const out: ScoreRow[] = []
    let entered = false
    let skip = offset
    for (const r of this.sWalk[reverse ? 1 : 0].iterate<ScoreRow>(id)) {
      if (!entered) {
        if (!enter(r.member)) continue
        entered = true
      }
      if (!stay(r.member)) break
      if (skip > 0) {
        skip--
        continue
      }
      if (count >= 0 && out.length >= count) break
      out.push(r)
    }
    return out
  }

  /** Deletes ranks start..stop (inclusive, already in range); returns how many. */
  deleteRanks(id: number, start: number, stop: number): number {
    return Number(this.sDelRank.run(id, stop - start + 1, start).changes)
  }

  deleteScores(id: number, min: number, max: number): number {
    return Number(this.sDelScore.run(id, min, max).changes)
  }

  each(id: number): Generator<ScoreRow> {
    return pages(this.sFirst, this.sAfter, id, memberOf)
  }

  scan(id: number, cursor: number, count: number): { rows: ScoreRow[], next: number } {
    return scanStep(this.sPage, this.sRest, id, cursor, count, memberOf)
  }
}
