/**
 * The keyspace's connection as the type tables and commands see it. It
 * tracks two things the group-commit fast paths rely on:
 *
 * - `writes`: every statement that is not a SELECT adds one each time it
 *   runs. Inside a batch, a command that finds all its errors before its
 *   first write runs without a savepoint of its own; the count proves, after
 *   the fact, that such a command answering an error left nothing to undo.
 * - `onKeys`: called before any statement that names the `keys` table, so
 *   the row kept in memory (types/hot-row.ts) is written out before SQL
 *   reads the table, and forgotten before SQL writes it.
 */
import type { SqlRow, SqlValue, SqliteDatabase, SqliteStatement } from '../store/index.ts'

const READ_ONLY = /^\s*SELECT\b/i
const NAMES_KEYS = /\bkeys\b/i

export class TrackedDatabase implements SqliteDatabase {
  /** Write statements run so far (exec calls and deferred row writes included); only differences mean anything. */
  writes = 0
  /** Told before a statement on the keys table runs; `write` when it may change it. */
  onKeys: (write: boolean) => void = () => {}

  constructor(private readonly inner: SqliteDatabase) {}

  get path(): string {
    return this.inner.path
  }

  get readonly(): boolean {
    return this.inner.readonly
  }

  exec(sql: string): void {
    this.writes++
    this.onKeys(true)
    this.inner.exec(sql)
  }

  prepare(sql: string): SqliteStatement {
    const statement = this.inner.prepare(sql)
    const write = !READ_ONLY.test(sql)
    if (NAMES_KEYS.test(sql)) return new KeysStatement(statement, this, write)
    return write ? new WriteStatement(statement, this) : statement
  }

  /** A statement that is neither counted nor announced: the keyspace's own bookkeeping. */
  prepareQuiet(sql: string): SqliteStatement {
    return this.inner.prepare(sql)
  }

  transaction<T>(fn: () => T): T {
    return this.inner.transaction(fn)
  }

  close(): void {
    this.inner.close()
  }
}

/** Counted before it runs: a statement that fails halfway may have written. */
class WriteStatement implements SqliteStatement {
  constructor(private readonly inner: SqliteStatement, private readonly db: TrackedDatabase) {}

  run(...params: SqlValue[]): { changes: number | bigint, lastInsertRowid: number | bigint } {
    this.db.writes++
    return this.inner.run(...params)
  }

  get<Row = SqlRow>(...params: SqlValue[]): Row | undefined {
    this.db.writes++
    return this.inner.get<Row>(...params)
  }

  all<Row = SqlRow>(...params: SqlValue[]): Row[] {
    this.db.writes++
    return this.inner.all<Row>(...params)
  }

  iterate<Row = SqlRow>(...params: SqlValue[]): IterableIterator<Row> {
    this.db.writes++
    return this.inner.iterate<Row>(...params)
  }
}

/** A statement on the keys table: announced before it runs, and counted when it writes. */
class KeysStatement implements SqliteStatement {
  constructor(private readonly inner: SqliteStatement, private readonly db: TrackedDatabase, private readonly write: boolean) {}

  private before(): void {
    if (this.write) this.db.writes++
    this.db.onKeys(this.write)
  }

  run(...params: SqlValue[]): { changes: number | bigint, lastInsertRowid: number | bigint } {
    this.before()
    return this.inner.run(...params)
  }

  get<Row = SqlRow>(...params: SqlValue[]): Row | undefined {
    this.before()
    return this.inner.get<Row>(...params)
  }

  all<Row = SqlRow>(...params: SqlValue[]): Row[] {
    this.before()
    return this.inner.all<Row>(...params)
  }

  iterate<Row = SqlRow>(...params: SqlValue[]): IterableIterator<Row> {
    this.before()
    return this.inner.iterate<Row>(...params)
  }
}
