/**
 * An interface-datastore on SQLite: one (key, value) table. Prefix queries are key ranges in
 * SQL; filters and orders, which are JavaScript functions, run on the rows that come back.
 */
import { Key } from 'interface-datastore'
import { NotFoundError } from 'interface-store'
import { STORE_MIGRATIONS } from './schema.ts'
import { migrate, openDatabase } from './sqlite.ts'
import type { OpenDatabaseOptions, SqliteDatabase, SqliteStatement } from './sqlite.ts'
import type { Batch, Datastore, KeyQuery, Pair, Query } from 'interface-datastore'

interface AbortOptions { signal?: AbortSignal }

// Writes from putMany/deleteMany are committed this many at a time.
const BATCH_ENTRIES = 1024
// Queries read the table in pages, so no read stays open across a yield and the caller may
// write while it iterates.
const PAGE_ROWS = 512

// Every TEXT value sorts below every BLOB in SQLite, so an empty blob bounds a range from
// above when the prefix has no end of its own; one statement then serves both cases.
const NO_END = new Uint8Array(0)

type Operation = { put: true, key: Key, value: Uint8Array } | { put: false, key: Key }

interface Row { key: string, value: Uint8Array }

/** A Datastore in a SQLite file; pass a path to own the file, or a database to share one. */
export class SqliteDatastore implements Datastore {
  private readonly db: SqliteDatabase
  private readonly ownsDb: boolean
  private readonly upsert: SqliteStatement
  private readonly select: SqliteStatement
  private readonly exists: SqliteStatement
  private readonly remove: SqliteStatement
  private readonly firstRows: SqliteStatement
  private readonly nextRows: SqliteStatement
  private readonly firstKeys: SqliteStatement
  private readonly nextKeys: SqliteStatement

  constructor (database: string | SqliteDatabase, options?: OpenDatabaseOptions) {
    this.ownsDb = typeof database === 'string'
    this.db = typeof database === 'string' ? openDatabase(database, options) : database
    try {
      if (!this.db.readonly) migrate(this.db, STORE_MIGRATIONS)
      this.upsert = this.db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      this.select = this.db.prepare('SELECT value FROM kv WHERE key = ?')
      this.exists = this.db.prepare('SELECT 1 AS found FROM kv WHERE key = ?')
      this.remove = this.db.prepare('DELETE FROM kv WHERE key = ?')
      // Parameters: range start, range end, limit, (first page only) offset.
      this.firstRows = this.db.prepare('SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ? OFFSET ?')
      this.nextRows = this.db.prepare('SELECT key, value FROM kv WHERE key > ? AND key < ? ORDER BY key LIMIT ?')
      this.firstKeys = this.db.prepare('SELECT key FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ? OFFSET ?')
      this.nextKeys = this.db.prepare('SELECT key FROM kv WHERE key > ? AND key < ? ORDER BY key LIMIT ?')
    } catch (err) {
      if (this.ownsDb) this.db.close()
      throw err
    }
  }

  put (key: Key, value: Uint8Array, options?: AbortOptions): Key {
    options?.signal?.throwIfAborted()
    this.upsert.run(key.toString(), value)
    return key
  }

  get (key: Key, options?: AbortOptions): Uint8Array {
    options?.signal?.throwIfAborted()
    const row = this.select.get<{ value: Uint8Array }>(key.toString())
    if (row == null) throw new NotFoundError(`Key "${key.toString()}" not found`)
    return row.value
  }

  has (key: Key, options?: AbortOptions): boolean {
    options?.signal?.throwIfAborted()
    return this.exists.get(key.toString()) != null
  }

  delete (key: Key, options?: AbortOptions): void {
    options?.signal?.throwIfAborted()
    this.remove.run(key.toString())
  }

  async * putMany (source: Iterable<Pair> | AsyncIterable<Pair>, options?: AbortOptions): AsyncGenerator<Key> {
    options?.signal?.throwIfAborted()
    let batch: Operation[] = []
    for await (const { key, value } of source) {
      options?.signal?.throwIfAborted()
      batch.push({ put: true, key, value })
      if (batch.length >= BATCH_ENTRIES) {
        yield * this.apply(batch)
        batch = []
      }
    }
    yield * this.apply(batch)
  }

  async * getMany (source: Iterable<Key> | AsyncIterable<Key>, options?: AbortOptions): AsyncGenerator<Pair> {
    options?.signal?.throwIfAborted()
    for await (const key of source) {
      options?.signal?.throwIfAborted()
      yield { key, value: this.get(key) }
    }
  }

  async * deleteMany (source: Iterable<Key> | AsyncIterable<Key>, options?: AbortOptions): AsyncGenerator<Key> {
    options?.signal?.throwIfAborted()
    let batch: Operation[] = []
    for await (const key of source) {
      options?.signal?.throwIfAborted()
      batch.push({ put: false, key })
      if (batch.length >= BATCH_ENTRIES) {
        yield * this.apply(batch)
        batch = []
      }
    }
    yield * this.apply(batch)
  }

  /** Collects puts and deletes and commits them in one transaction, in the order given. */
  batch (): Batch {
    let operations: Operation[] = []
    return {
      put: (key, value) => { operations.push({ put: true, key, value }) },
      delete: (key) => { operations.push({ put: false, key }) },
      commit: (options?: AbortOptions) => {
        options?.signal?.throwIfAborted()
        const pending = operations
        operations = []
        for (const _ of this.apply(pending)) { /* committed */ }
      }
    }
  }

  * query (q: Query, options?: AbortOptions): Generator<Pair> {
    const rows = this.scan<Row>(this.firstRows, this.nextRows, q, options)
    yield * refine(rows, row => ({ key: new Key(row.key, false), value: row.value }), q)
  }

  * queryKeys (q: KeyQuery, options?: AbortOptions): Generator<Key> {
    const rows = this.scan<{ key: string }>(this.firstKeys, this.nextKeys, q, options)
    yield * refine(rows, row => new Key(row.key, false), q)
  }

  /** Closes the database if this store opened it. */
  close (): void {
    if (this.ownsDb) this.db.close()
  }

  private * apply (operations: Operation[]): Generator<Key> {
    if (operations.length === 0) return
    this.db.transaction(() => {
      for (const op of operations) {
        if (op.put) this.upsert.run(op.key.toString(), op.value)
        else this.remove.run(op.key.toString())
      }
    })
    for (const op of operations) yield op.key
  }

  /**
   * Rows under the query's prefix in key order. Offset and limit go to SQL only when no
   * filter or order has to see the rows first.
   */
  private * scan<R extends { key: string }>(first: SqliteStatement, next: SqliteStatement, q: Query | KeyQuery, options?: AbortOptions): Generator<R> {
    options?.signal?.throwIfAborted()
    const prefix = q.prefix ?? ''
    const end = prefixEnd(prefix) ?? NO_END
    const refined = (q.filters?.length ?? 0) > 0 || (q.orders?.length ?? 0) > 0
    let remaining = refined ? Infinity : q.limit ?? Infinity
    const pageSize = (): number => Math.min(PAGE_ROWS, remaining)
    if (remaining <= 0) return
    let rows = first.all<R>(prefix, end, pageSize(), refined ? 0 : q.offset ?? 0)
    while (true) {
      for (const row of rows) {
        options?.signal?.throwIfAborted()
        yield row
      }
      remaining -= rows.length
      const last = rows.at(-1)
      if (last == null || rows.length < PAGE_ROWS || remaining <= 0) return
      rows = next.all<R>(last.key, end, pageSize())
    }
  }
}

/** Applies a query's filters, orders, offset and limit in JavaScript, where SQL could not. */
function * refine<R, T> (rows: Iterable<R>, toItem: (row: R) => T, q: { filters?: Array<(item: T) => boolean>, orders?: Array<(a: T, b: T) => number>, offset?: number, limit?: number }): Generator<T> {
  const filters = q.filters ?? []
  const orders = q.orders ?? []
  if (filters.length === 0 && orders.length === 0) {
    // scan already applied offset and limit.
    for (const row of rows) yield toItem(row)
    return
  }
  let items: Iterable<T> = filterAll(rows, toItem, filters)
  if (orders.length > 0) {
    const sorted = [...items]
    // As datastore-core does: each order re-sorts, the last one deciding.
    for (const order of orders) sorted.sort(order)
    items = sorted
  }
  let skip = q.offset ?? 0
  let left = q.limit ?? Infinity
  for (const item of items) {
    if (left <= 0) return
    if (skip > 0) { skip--; continue }
    left--
    yield item
  }
}

function * filterAll<R, T> (rows: Iterable<R>, toItem: (row: R) => T, filters: Array<(item: T) => boolean>): Generator<T> {
  for (const row of rows) {
    const item = toItem(row)
    if (filters.every(f => f(item))) yield item
  }
}

/**
 * The least string above every string that starts with `prefix` (SQLite compares UTF-8 bytes,
 * which order as code points), or undefined when there is none.
 */
function prefixEnd (prefix: string): string | undefined {
  const chars = Array.from(prefix)
  while (chars.length > 0) {
    const last = chars.pop()?.codePointAt(0) ?? 0
    if (last < 0x10FFFF) {
      // The code points after U+D7FF up to U+DFFF are surrogates, never text.
      return chars.join('') + String.fromCodePoint(last === 0xD7FF ? 0xE000 : last + 1)
    }
  }
  return undefined
}
