/**
 * Cursors over a collection stored in (h, member) order. A SCAN cursor is
 * the next hash value to read: members present for the whole iteration are
 * returned exactly once, whatever is written meanwhile, and a page never
 * splits the members that share a hash value.
 */
import type { SqliteStatement } from '../../store/index.ts'

export interface Hashed {
  h: number
}

/**
 * One SCAN step: `page(id, fromHash, count)` reads in order; `rest(id, h,
 * member)` completes the last hash value. Returns the rows and the next
 * cursor (0 when done).
 */
export function scanStep<Row extends Hashed>(
  page: SqliteStatement,
  rest: SqliteStatement,
  id: number,
  cursor: number,
  count: number,
  member: (row: Row) => Uint8Array,
): { rows: Row[], next: number } {
  if (cursor > 0xffffffff) return { rows: [], next: 0 }
  const rows = page.all<Row>(id, cursor, count)
  if (rows.length < count) return { rows, next: 0 }
  const last = rows[rows.length - 1]!
  for (const row of rest.all<Row>(id, last.h, member(last))) rows.push(row)
  const next = last.h + 1
  return { rows, next: next > 0xffffffff ? 0 : next }
}

/**
 * Every row of a collection, read a page at a time, so that no statement
 * stays open across writes and memory stays bounded. `first(id, size)` and
 * `after(id, h, member, size)` read in (h, member) order.
 */
export function* pages<Row extends Hashed>(
  first: SqliteStatement,
  after: SqliteStatement,
  id: number,
  member: (row: Row) => Uint8Array,
  size = 256,
): Generator<Row> {
  let rows = first.all<Row>(id, size)
  for (;;) {
    for (const row of rows) yield row
    if (rows.length < size) return
    const last = rows[rows.length - 1]!
    rows = after.all<Row>(id, last.h, member(last), size)
  }
}
