/**
 * List elements at contiguous integer positions: index i is at head + i, so
 * pushes, pops, LINDEX, LSET and LRANGE touch only the rows they return.
 * LINSERT and LREM close the gap by shifting the shorter side, as Redis's
 * O(n) for those commands.
 */
import type { SqliteStatement } from '../../store/index.ts'
import type { KeyRow, KeyTable } from './keys.ts'

/** Above every position a list reaches; rows pass through here while shifting. */
const PARK = 2 ** 51

/** A count for LIMIT: -1 (no limit) for negatives, and never beyond what SQLite takes as an integer. */
export const sqlLimit = (n: number): number => (n < 0 ? -1 : Math.min(n, Number.MAX_SAFE_INTEGER))

export class Lists {
  private readonly sAt: SqliteStatement
  private readonly sRange: [SqliteStatement, SqliteStatement]
  private readonly sInsert: SqliteStatement
  private readonly sSet: SqliteStatement
  private readonly sDelRange: SqliteStatement
  private readonly sDelValue: SqliteStatement
  private readonly sFind: [SqliteStatement, SqliteStatement]
  private readonly sPark: SqliteStatement
  private readonly sUnpark: SqliteStatement

  constructor(readonly keys: KeyTable) {
    const p = (sql: string): SqliteStatement => keys.db.prepare(sql)
    this.sAt = p('SELECT value FROM lists WHERE key_id = ? AND pos = ?')
    this.sRange = [
      p('SELECT value FROM lists WHERE key_id = ? AND pos BETWEEN ? AND ? ORDER BY pos'),
      p('SELECT value FROM lists WHERE key_id = ? AND pos BETWEEN ? AND ? ORDER BY pos DESC'),
    ]
    this.sInsert = p('INSERT INTO lists (key_id, pos, value) VALUES (?, ?, ?)')
    this.sSet = p('UPDATE lists SET value = ? WHERE key_id = ? AND pos = ?')
    this.sDelRange = p('DELETE FROM lists WHERE key_id = ? AND pos BETWEEN ? AND ?')
    this.sDelValue = p('DELETE FROM lists WHERE key_id = ? AND pos BETWEEN ? AND ? AND value = ?')
    this.sFind = [
      p('SELECT pos FROM lists WHERE key_id = ? AND pos BETWEEN ? AND ? AND value = ? ORDER BY pos LIMIT ? OFFSET ?'),
      p('SELECT pos FROM lists WHERE key_id = ? AND pos BETWEEN ? AND ? AND value = ? ORDER BY pos DESC LIMIT ? OFFSET ?'),
    ]
    this.sPark = p('UPDATE lists SET pos = pos + ? WHERE key_id = ? AND pos BETWEEN ? AND ?')
    this.sUnpark = p(`UPDATE lists SET pos = pos - ${PARK} WHERE key_id = ? AND pos >= ${PARK / 2}`)
  }

  /** Adds values at the head (each in turn, as LPUSH) or the tail; updates `row`. */
  push(row: KeyRow, values: Uint8Array[], left: boolean): void {
    for (const v of values) {
      if (left) this.sInsert.run(row.id, --row.head, v)
      else this.sInsert.run(row.id, row.head + row.len, v)
      row.len++
    }
  }

  /** Removes and returns up to `count` values from the head or the tail; updates `row`. */
  pop(row: KeyRow, count: number, left: boolean): Uint8Array[] {
    const n = Math.min(count, row.len)
    if (n <= 0) return []
    const tail = row.head + row.len - 1
    const lo = left ? row.head : tail - n + 1
    const hi = left ? row.head + n - 1 : tail
    const values = this.sRange[left ? 0 : 1].all<{ value: Uint8Array }>(row.id, lo, hi).map(r => r.value)
    this.sDelRange.run(row.id, lo, hi)
    if (left) row.head += n
    row.len -= n
    return values
  }

  /** Values at indexes start..stop (already within 0..len-1). */
  range(row: KeyRow, start: number, stop: number): Uint8Array[] {
    return this.sRange[0].all<{ value: Uint8Array }>(row.id, row.head + start, row.head + stop).map(r => r.value)
  }

  at(row: KeyRow, index: number): Uint8Array | undefined {
    return this.sAt.get<{ value: Uint8Array }>(row.id, row.head + index)?.value
  }

  set(row: KeyRow, index: number, value: Uint8Array): void {
    this.sSet.run(value, row.id, row.head + index)
  }

  /** Keeps indexes start..stop (within range, start ≤ stop); updates `row`. */
  trim(row: KeyRow, start: number, stop: number): void {
    const tail = row.head + row.len - 1
    if (start > 0) this.sDelRange.run(row.id, row.head, row.head + start - 1)
    if (row.head + stop < tail) this.sDelRange.run(row.id, row.head + stop + 1, tail)
    row.head += start
    row.len = stop - start + 1
  }

  /**
   * Positions of elements equal to `value`, scanning from the head (or the
   * tail when `reverse`) over `maxlen` elements (0: all), skipping `skip`
   * matches and returning up to `count` (-1: all). Results are indexes.
   */
  find(row: KeyRow, value: Uint8Array, reverse: boolean, skip: number, count: number, maxlen = 0): number[] {
    const tail = row.head + row.len - 1
    let lo = row.head
    let hi = tail
    if (maxlen > 0 && maxlen < row.len) {
      if (reverse) lo = tail - maxlen + 1
      else hi = row.head + maxlen - 1
    }
    if (skip >= row.len) return []
    return this.sFind[reverse ? 1 : 0].all<{ pos: number }>(row.id, lo, hi, value, sqlLimit(count), skip).map(r => r.pos - row.head)
  }

  /**
   * LREM: removes up to `count` elements equal to `value` from the head
   * (count > 0), the tail (count < 0) or all (0); returns how many. Updates `row`.
   */
  remove(row: KeyRow, count: number, value: Uint8Array): number {
    const reverse = count < 0
    const found = this.find(row, value, reverse, 0, count === 0 ? -1 : Math.abs(count))
    if (found.length === 0) return 0
    const positions = found.map(i => i + row.head).sort((a, b) => a - b)
    const first = positions[0]!
    const last = positions[positions.length - 1]!
    // Every match between the first and the last removed one is removed.
    this.sDelValue.run(row.id, first, last, value)
    const k = positions.length
    const tail = row.head + row.len - 1
    if (tail - first + 1 - k <= last - row.head + 1 - k) {
      // Close the gaps from the tail side: the segment after the i-th hole moves down by i+1.
      for (let i = 0; i < k; i++) {
        const lo = positions[i]! + 1
        const hi = i + 1 < k ? positions[i + 1]! - 1 : tail
        if (lo <= hi) this.sPark.run(PARK - (i + 1), row.id, lo, hi)
      }
    } else {
      for (let i = k - 1; i >= 0; i--) {
        const lo = i > 0 ? positions[i - 1]! + 1 : row.head
        const hi = positions[i]! - 1
        if (lo <= hi) this.sPark.run(PARK + (k - i), row.id, lo, hi)
      }
      row.head += k
    }
    this.sUnpark.run(row.id)
    row.len -= k
    return k
  }

  /** LINSERT: puts `value` right after index `after` (-1: at the head). Updates `row`. */
  insertAfter(row: KeyRow, after: number, value: Uint8Array): void {
    const a = row.head + after
    const tail = row.head + row.len - 1
    if (tail - a <= a - row.head + 1) {
      this.shift(row.id, a + 1, tail, 1)
      this.sInsert.run(row.id, a + 1, value)
    } else {
      this.shift(row.id, row.head, a, -1)
      this.sInsert.run(row.id, a, value)
      row.head--
    }
    row.len++
  }

  /** Moves positions lo..hi by delta without ever colliding with another row. */
  private shift(id: number, lo: number, hi: number, delta: number): void {
    if (lo > hi) return
    this.sPark.run(PARK + delta, id, lo, hi)
    this.sUnpark.run(id)
  }
}
