/**
 * One SQLite API over `bun:sqlite` (the Bun binary) and `node:sqlite` (the Node >= 22 fallback
 * bundle). Only the surface the stores need; no native addons, so it works inside
 * `bun build --compile`.
 */
import { statSync } from 'node:fs'
import { dirname } from 'node:path'
import type * as BunSqlite from 'bun:sqlite'
import type * as NodeSqlite from 'node:sqlite'

/** A value SQLite binds or returns; BLOBs are `Uint8Array` on both runtimes. */
export type SqlValue = null | number | bigint | string | Uint8Array

/** A result row, keyed by column name. */
export type SqlRow = Record<string, SqlValue>

/** A compiled statement; prepare it once and keep it. */
export interface SqliteStatement {
  run(...params: SqlValue[]): { changes: number | bigint, lastInsertRowid: number | bigint }
  /** The first row, or `undefined` when there is none. */
  get<Row = SqlRow>(...params: SqlValue[]): Row | undefined
  all<Row = SqlRow>(...params: SqlValue[]): Row[]
  /** Rows one by one; finish (or abandon) the loop before running this statement again. */
  iterate<Row = SqlRow>(...params: SqlValue[]): IterableIterator<Row>
}

/** An open database connection. */
export interface SqliteDatabase {
  readonly path: string
  readonly readonly: boolean
  /** Runs one or more statements without parameters (schema scripts, pragmas). */
  exec(sql: string): void
  prepare(sql: string): SqliteStatement
  /**
   * Runs `fn` inside BEGIN IMMEDIATE … COMMIT, rolling back if it throws. A nested call becomes
   * a savepoint. `fn` must be synchronous: an await would let unrelated writes join the
   * transaction.
   */
  transaction<T>(fn: () => T): T
  close(): void
}

/** How to open a database. */
export interface OpenDatabaseOptions {
  readonly?: boolean
  /**
   * NORMAL (the default) with WAL survives a crash or kill -9 of the process: a commit is in the
   * WAL file once it returns. Only an OS crash or power cut can lose the last commits, never
   * corrupt the file. FULL also fsyncs the WAL on every commit, at a large cost in write speed.
   */
  synchronous?: 'NORMAL' | 'FULL'
  /** Page size for a new file; ignored for an existing one (SQLite fixes it at creation). */
  pageSize?: number
  /** Most KiB of pages SQLite keeps in memory for this connection (default DEFAULT_CACHE_KIB). */
  cacheKiB?: number
}

/**
 * SQLite's page cache is a second copy of what the OS page cache already holds for the
 * file, so the node's stores keep a small one: a miss costs a pread from the OS cache
 * (microseconds). SQLite's own default, 2 MiB a connection, cost 1.7 MB of resident
 * memory after 10 000 block puts (BENCHMARKS.md, footprint). Database MiMei keyspaces,
 * which run Redis's commands, set their own, larger cache.
 */
export const DEFAULT_CACHE_KIB = 256

/** The database file could not be opened or created. */
export class StoreOpenError extends Error {
  static override readonly name = 'StoreOpenError'
  override readonly name = 'StoreOpenError'
  readonly path: string

  constructor (path: string, reason: string, options?: { cause?: unknown }) {
    super(`Cannot open database "${path}": ${reason}`, options)
    this.path = path
  }
}

/** The file's schema is newer than this program's migrations. */
export class StoreVersionError extends Error {
  static override readonly name = 'StoreVersionError'
  override readonly name = 'StoreVersionError'

  constructor (path: string, found: number, known: number) {
    super(`Cannot use database "${path}": its schema version ${found} is newer than the ${known} this program knows`)
  }
}

/** Opens (creating if needed) the database at `path`, or ':memory:', with the node's pragmas. */
export function openDatabase (path: string, opts: OpenDatabaseOptions = {}): SqliteDatabase {
  const readonly = opts.readonly === true
  let native: NativeDatabase
  try {
    native = openNative(path, readonly)
  } catch (err) {
    throw new StoreOpenError(path, explainOpenFailure(path, err), { cause: err })
  }
  try {
    if (!readonly) {
      if (opts.pageSize != null) native.exec(`PRAGMA page_size = ${Math.trunc(opts.pageSize)}`)
      native.exec('PRAGMA journal_mode = WAL')
    }
    native.exec(`PRAGMA synchronous = ${opts.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`)
    // Readers and a writer in another process (a CLI next to the daemon) wait instead of failing.
    native.exec('PRAGMA busy_timeout = 5000')
    native.exec('PRAGMA foreign_keys = ON')
    native.exec(`PRAGMA cache_size = -${Math.max(1, Math.trunc(opts.cacheKiB ?? DEFAULT_CACHE_KIB))}`)
  } catch (err) {
    // A file that is not a database only fails here, at its first read.
    native.close(true)
    throw new StoreOpenError(path, messageOf(err), { cause: err })
  }
  return new Connection(path, readonly, native)
}

/**
 * Brings the schema up to date: applies each script past `PRAGMA user_version`, in order, each
 * in its own transaction with the version bump, so a crash never leaves half a migration.
 * Returns the new version. A file's user_version belongs to one list of migrations.
 */
export function migrate (db: SqliteDatabase, migrations: readonly string[]): number {
  const read = db.prepare('PRAGMA user_version')
  const version = (): number => Number(read.get<{ user_version: number }>()?.user_version ?? 0)
  const step = (): boolean => {
    // Read under the write lock: another process may be migrating the same file.
    const found = version()
    if (found > migrations.length) throw new StoreVersionError(db.path, found, migrations.length)
    const script = migrations[found]
    if (script == null) return false
    db.exec(script)
    db.exec(`PRAGMA user_version = ${found + 1}`)
    return true
  }
  if (version() === migrations.length) return migrations.length
  while (db.transaction(step)) { /* next version */ }
  return version()
}

/** What both runtimes' connections share, as used here. */
interface NativeDatabase {
  exec(sql: string): void
  prepare(sql: string): NativeStatement
  /** bun:sqlite finalizes every statement and closes at once only when given true. */
  close(finalizeStatements?: boolean): void
}

interface NativeStatement {
  run(...params: SqlValue[]): { changes: number | bigint, lastInsertRowid: number | bigint }
  get(...params: SqlValue[]): unknown
  all(...params: SqlValue[]): unknown[]
  iterate(...params: SqlValue[]): IterableIterator<unknown>
}

const isBun = typeof process.versions.bun === 'string'

// process.getBuiltinModule is a runtime call, so no bundler follows it: the Node bundle never
// loads bun:sqlite and Bun never loads node:sqlite.
function openNative (path: string, readonly: boolean): NativeDatabase {
  const getBuiltin = process.getBuiltinModule as (id: string) => unknown
  if (isBun) {
    const { Database } = getBuiltin('bun:sqlite') as typeof BunSqlite
    return new Database(path, readonly ? { readonly: true } : { readwrite: true, create: true }) as unknown as NativeDatabase
  }
  const mod = getBuiltin?.('node:sqlite') as typeof NodeSqlite | undefined
  if (mod == null) throw new Error(`node:sqlite is not available in Node ${process.versions.node} (needs >= 22.13)`)
  return new mod.DatabaseSync(path, { readOnly: readonly }) as unknown as NativeDatabase
}

// SQLite only says "unable to open database file"; name the usual cause.
function explainOpenFailure (path: string, err: unknown): string {
  const reason = messageOf(err)
  if (path === ':memory:' || path === '') return reason
  const dir = dirname(path)
  try {
    if (!statSync(dir).isDirectory()) return `${reason} ("${dir}" is not a directory)`
  } catch {
    return `${reason} (folder "${dir}" does not exist or cannot be read)`
  }
  return reason
}

function messageOf (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

class Connection implements SqliteDatabase {
  readonly path: string
  readonly readonly: boolean
  private readonly native: NativeDatabase
  private depth = 0
  private closed = false
  private readonly begin: NativeStatement
  private readonly commit: NativeStatement
  private readonly rollback: NativeStatement

  constructor (path: string, readonly: boolean, native: NativeDatabase) {
    this.path = path
    this.readonly = readonly
    this.native = native
    this.begin = native.prepare('BEGIN IMMEDIATE')
    this.commit = native.prepare('COMMIT')
    this.rollback = native.prepare('ROLLBACK')
  }

  exec (sql: string): void {
    this.native.exec(sql)
  }

  prepare (sql: string): SqliteStatement {
    return new Statement(this.native.prepare(sql))
  }

  transaction<T>(fn: () => T): T {
    const savepoint = this.depth > 0 ? `sp${this.depth}` : undefined
    if (savepoint == null) this.begin.run()
    else this.native.exec(`SAVEPOINT ${savepoint}`)
    this.depth++
    try {
      const result = fn()
      if (typeof (result as { then?: unknown } | undefined)?.then === 'function') {
        throw new TypeError('A transaction callback must be synchronous')
      }
      if (savepoint == null) this.commit.run()
      else this.native.exec(`RELEASE ${savepoint}`)
      return result
    } catch (err) {
      try {
        if (savepoint == null) this.rollback.run()
        else this.native.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`)
      } catch {
        // SQLite already rolled back (it does on some I/O errors); the first error matters.
      }
      throw err
    } finally {
      this.depth--
    }
  }

  close (): void {
    if (this.closed) return
    this.closed = true
    // Otherwise Bun keeps the file open, and the WAL unmerged, until the statements are collected.
    this.native.close(true)
  }
}

class Statement implements SqliteStatement {
  private readonly native: NativeStatement

  constructor (native: NativeStatement) {
    this.native = native
  }

  run (...params: SqlValue[]): { changes: number | bigint, lastInsertRowid: number | bigint } {
    return this.native.run(...params)
  }

  get<Row = SqlRow>(...params: SqlValue[]): Row | undefined {
    // bun:sqlite says null for no row, node:sqlite undefined.
    return (this.native.get(...params) ?? undefined) as Row | undefined
  }

  all<Row = SqlRow>(...params: SqlValue[]): Row[] {
    return this.native.all(...params) as Row[]
  }

  iterate<Row = SqlRow>(...params: SqlValue[]): IterableIterator<Row> {
    return this.native.iterate(...params) as IterableIterator<Row>
  }
}
