/**
 * One Redis database in one SQLite file: the command registry run against
 * the type tables, group commit, write notifications (WATCH, blocking pops),
 * background expiry, and the change feed that versions and replicates a db
 * MiMei (changesSince / applyChanges / digest / dump).
 *
 * Inside a group-commit batch the common writes are cheap: a command that
 * finds its errors before writing runs without a savepoint (its writes are
 * counted, tracked-db.ts), and the key row last looked up stays in memory
 * with its changes until SQL needs it (types/hot-row.ts), so a batch of
 * commands on one key reads and writes its row once.
 */
import { openDatabase, migrate } from '../store/index.ts'
import type { SqliteDatabase, SqliteStatement } from '../store/index.ts'
import { StoreVersionError } from '../store/index.ts'
import { logger } from '../utils/logger.ts'
import type { DbCommand, ExecContext } from './command.ts'
import { err, Errors } from './reply.ts'
import type { Reply } from './reply.ts'
import { CommandError, Texts } from './args.ts'
import { DB_MIGRATIONS } from './schema.ts'
import { KeyTable } from './types/keys.ts'
import { Strings } from './types/strings.ts'
import { Hashes } from './types/hashes.ts'
import { Lists } from './types/lists.ts'
import { Sets } from './types/sets.ts'
import { SetOps } from './types/setops.ts'
import { ZSets } from './types/zsets.ts'
import { lookup, oneLine, REGISTRY, unknownCommand } from './registry.ts'
import type { Entry } from './registry.ts'
import type { Change } from './changes.ts'
import { applyChanges, changesSince, digest, dump } from './replication.ts'
import { TrackedDatabase } from './tracked-db.ts'

const log = logger('db')

export interface KeyspaceOptions {
  /** A frozen version: every write command answers READONLY. */
  readonly?: boolean
}

/**
 * Told after each committed write which keys it touched (a key may repeat).
 * `flushed` is true when FLUSHDB emptied the keyspace: every key changed.
 */
export type WriteListener = (keys: Uint8Array[], flushed: boolean) => void

interface Snapshot {
  seq: number
  count: number
  hasTombstones: boolean
  resetSeq: number
  horizon: number
  touched: number
}

export class Keyspace {
  readonly path: string
  readonly readonly: boolean
  /** The type tables the commands work on. */
  readonly keys: KeyTable
  readonly strings: Strings
  readonly hashes: Hashes
  readonly lists: Lists
  readonly sets: Sets
  readonly setOps: SetOps
  readonly zsets: ZSets
  private readonly db: TrackedDatabase
  private readonly sBegin: SqliteStatement
  private readonly sCommit: SqliteStatement
  private readonly sRollback: SqliteStatement
  private readonly sSave: SqliteStatement
  private readonly sRelease: SqliteStatement
  private readonly sUndo: SqliteStatement
  private readonly listeners = new Set<WriteListener>()
  private batch: Snapshot | null = null
  /** Why the open batch can only be undone whole: a command without a savepoint failed after writing. */
  private broken: string | null = null
  private flushed = false
  /** The soonest expiry as last read; every change to the file commits through commitTransaction, which forgets it. */
  private nextExpiry: number | undefined
  private closed = false

  private constructor(raw: SqliteDatabase) {
    const db = new TrackedDatabase(raw)
    this.db = db
    this.path = db.path
    this.readonly = db.readonly
    this.keys = new KeyTable(db)
    this.strings = new Strings(this.keys)
    this.hashes = new Hashes(this.keys)
    this.lists = new Lists(this.keys)
    this.sets = new Sets(this.keys)
    this.setOps = new SetOps(db)
    this.zsets = new ZSets(this.keys)
    this.sBegin = raw.prepare(this.readonly ? 'BEGIN' : 'BEGIN IMMEDIATE')
    this.sCommit = raw.prepare('COMMIT')
    this.sRollback = raw.prepare('ROLLBACK')
    this.sSave = raw.prepare('SAVEPOINT cmd')
    this.sRelease = raw.prepare('RELEASE cmd')
    this.sUndo = raw.prepare('ROLLBACK TO cmd')
  }

  /** Opens (creating and migrating unless read-only) the keyspace file at `path`, or ':memory:'. */
  static open(path: string, opts: KeyspaceOptions = {}): Keyspace {
    const readonly = opts.readonly === true
    const db = openDatabase(path, { readonly, cacheKiB: 8192 }) // 8 MiB of pages per open keyspace
    try {
      if (!readonly) {
        migrate(db, DB_MIGRATIONS)
      } else {
        const found = Number(db.prepare('PRAGMA user_version').get<{ user_version: number }>()?.user_version ?? 0)
        if (found !== DB_MIGRATIONS.length) throw new StoreVersionError(path, found, DB_MIGRATIONS.length)
      }
      return new Keyspace(db)
    } catch (e) {
      db.close()
      throw e
    }
  }

  /** The registry entry for a command name, any case. */
  command(name: string): DbCommand | undefined {
    return (REGISTRY.get(name) ?? REGISTRY.get(name.toUpperCase()))?.cmd
  }

  /**
   * Runs one command. User errors come back as error replies, never thrown.
   * A write runs in its own transaction, or in a savepoint of the open batch
   * (none for a command that finds its errors before writing); a command
   * that answers an error leaves nothing written.
   */
  execute(args: Uint8Array[], ctx: ExecContext): Reply {
    const broken = this.brokenBy()
    if (broken !== null) return err(broken)
    const entry = lookup(args[0])
    if (entry === undefined) return unknownCommand(args)
    const n = args.length
    if (entry.arity > 0 ? n !== entry.arity : n < -entry.arity) return err(Errors.arity(entry.name))
    const run = entry.run
    if (run === undefined) return err(`ERR '${entry.name}' is answered by the connection, not the keyspace`)
    if (!entry.write) {
      try {
        return run(this, args, ctx)
      } catch (e) {
        return this.failure(e, entry)
      }
    }
    if (this.readonly) return err(Texts.readonly)
    return this.runWrite(entry, run, args, ctx)
  }

  private runWrite(entry: Entry, run: NonNullable<DbCommand['run']>, args: Uint8Array[], ctx: ExecContext): Reply {
    const before = this.snapshot()
    const inBatch = this.batch !== null
    if (inBatch) {
      if (entry.checksFirst) return this.runChecked(entry, run, args, ctx, before)
      this.savepoint()
    } else this.beginTransaction()
    const reply = this.invoke(entry, run, args, ctx)
    try {
      if (reply.t === 'error') {
        this.undo(inBatch, before)
        return reply
      }
      if (inBatch) this.sRelease.run()
      else {
        this.commitTransaction()
        this.notify()
      }
    } catch (e) {
      this.undo(inBatch, before)
      return this.failure(e, entry)
    }
    return reply
  }

  /** Runs a write command's body: a throw becomes its error reply; the command's key state ends either way. */
  private invoke(entry: Entry, run: NonNullable<DbCommand['run']>, args: Uint8Array[], ctx: ExecContext): Reply {
    let reply: Reply
    try {
      reply = run(this, args, ctx)
    } catch (e) {
      reply = this.failure(e, entry)
    }
    this.keys.endCommand()
    return reply
  }

  /** Opens a transaction of its own (no batch is open). */
  private beginTransaction(): void {
    this.sBegin.run()
    this.keys.hot.active = true
  }

  /** Commits the command's own transaction or the batch's: the row kept in memory is written out first. */
  private commitTransaction(): void {
    this.keys.hot.flush()
    this.sCommit.run()
    this.nextExpiry = undefined
    this.keys.hot.end()
  }

  /** A savepoint in the open batch, for one command: what the batch wrote so far is in SQL before it. */
  private savepoint(): void {
    this.keys.hot.flush()
    this.sSave.run()
  }

  /** Why the open batch can only be undone whole, if it must be. */
  private brokenBy(): string | null {
    return this.broken ?? this.keys.hot.failed
  }

  /**
   * A command of the open batch that finds its errors before its first
   * write, run without a savepoint. Should it still answer an error after
   * writing (a failing disk, or a command that does not keep its promise),
   * nothing short of the whole batch can be undone: the batch is marked
   * broken, every later command of it answers an error, and commit() undoes
   * it and throws, so that none of its replies is sent.
   */
  private runChecked(entry: Entry, run: NonNullable<DbCommand['run']>, args: Uint8Array[], ctx: ExecContext, before: Snapshot): Reply {
    const writes = this.db.writes
    const reply = this.invoke(entry, run, args, ctx)
    if (reply.t !== 'error') return reply
    if (this.db.writes !== writes) {
      this.broken = oneLine(`ERR ${entry.name} failed after writing (${reply.v}); the batch it was in is undone`)
      log.error(this.broken)
      return err(this.broken)
    }
    this.restore(before)
    return reply
  }

  private undo(inBatch: boolean, to: Snapshot): void {
    // The row kept in memory may hold what is being undone: forget it unwritten.
    if (inBatch) this.keys.hot.forget()
    else this.keys.hot.end()
    try {
      if (inBatch) {
        this.sUndo.run()
        this.sRelease.run()
      } else {
        this.sRollback.run()
      }
    } catch {
      // SQLite already rolled back (it does on some I/O errors).
    }
    this.restore(to)
  }

  private failure(e: unknown, entry: Entry): Reply {
    if (e instanceof CommandError) return err(e.message)
    const message = e instanceof Error ? e.message : String(e)
    log.error(`${entry.name} failed: ${message}`)
    return err(oneLine(`ERR ${entry.name} failed: ${message}`))
  }

  private snapshot(): Snapshot {
    const k = this.keys
    return { seq: k.seq, count: k.count, hasTombstones: k.hasTombstones, resetSeq: k.resetSeq, horizon: k.horizon, touched: k.touched?.length ?? 0 }
  }

  private restore(s: Snapshot): void {
    const k = this.keys
    k.seq = s.seq
    k.count = s.count
    k.hasTombstones = s.hasTombstones
    k.resetSeq = s.resetSeq
    k.horizon = s.horizon
    if (k.touched !== null) k.touched.length = Math.min(k.touched.length, s.touched)
    k.endCommand()
  }

  /** Starts a batch: the writes of every command until commit() share one transaction. */
  begin(): void {
    if (this.batch !== null) throw new Error('Keyspace.begin: a batch is already open')
    this.batch = this.snapshot()
    this.beginTransaction()
  }

  /** Commits the batch; only then may its replies be sent. Throws, having undone the batch, when it cannot. */
  commit(): void {
    const batch = this.batch
    if (batch === null) throw new Error('Keyspace.commit: no batch is open')
    const broken = this.brokenBy()
    if (broken !== null) {
      this.rollback()
      throw new Error(broken)
    }
    try {
      this.commitTransaction()
    } catch (e) {
      this.batch = null
      this.undo(false, batch)
      this.flushed = false
      throw e
    }
    this.batch = null
    this.notify()
  }

  /** Discards every write of the batch. */
  rollback(): void {
    const batch = this.batch
    if (batch === null) throw new Error('Keyspace.rollback: no batch is open')
    this.batch = null
    this.broken = null
    this.undo(false, batch)
    if (this.keys.touched !== null) this.keys.touched.length = 0
    this.flushed = false
  }

  /** Whether a batch is open. */
  get inBatch(): boolean {
    return this.batch !== null
  }

  /** Runs `fn` as one write: its own transaction, or a savepoint of the open batch. */
  write<T>(fn: () => T): T {
    if (this.readonly) throw new CommandError(Texts.readonly)
    const before = this.snapshot()
    const inBatch = this.batch !== null
    if (inBatch) this.savepoint()
    else this.beginTransaction()
    let result: T
    try {
      result = fn()
      this.keys.endCommand()
      if (inBatch) this.sRelease.run()
      else this.commitTransaction()
    } catch (e) {
      this.keys.endCommand()
      this.undo(inBatch, before)
      throw e
    }
    if (!inBatch) this.notify()
    return result
  }

  /** Marks the keyspace emptied, for the listeners (FLUSHDB). */
  markFlushed(): void {
    this.flushed = true
  }

  private notify(): void {
    const touched = this.keys.touched
    const flushed = this.flushed
    this.flushed = false
    if (touched === null || (touched.length === 0 && !flushed)) return
    const keys = dedupe(touched)
    touched.length = 0
    for (const listener of this.listeners) {
      try {
        listener(keys, flushed)
      } catch (e) {
        log.error(`a write listener failed: ${e instanceof Error ? e.message : String(e)}`)
      }
    }
  }

  /** Listens for committed writes; returns the function that stops listening. */
  onWrite(listener: WriteListener): () => void {
    this.listeners.add(listener)
    this.keys.touched ??= []
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.keys.touched = null
    }
  }

  /** Per-key write counter for WATCH: changes whenever the key is written, deleted or expires. */
  keyVersion(key: Uint8Array, now: number = Date.now()): number {
    return this.keys.version(key, now)
  }

  /** Deletes up to `limit` expired keys (leaving tombstones); returns how many. */
  sweepExpired(limit = 1000, now: number = Date.now()): number {
    if (this.readonly || this.closed) return 0
    // The server sweeps ten times a second. Between commits the soonest expiry cannot
    // change, so an idle keyspace is not read at all until it is due.
    if (this.batch === null && now < (this.nextExpiry ??= this.keys.nextExpiry())) return 0
    return this.write(() => {
      const rows = this.keys.expired(now, limit)
      for (const row of rows) this.keys.remove(row.key, row)
      return rows.length
    })
  }

  /** The global write sequence: every write takes the next number. */
  seq(): number {
    return this.keys.seq
  }

  /**
   * Every key written after `seq` with its full current value, and every key
   * deleted or expired after it, in (seq, key) order. When `seq` predates a
   * FLUSHDB or compacted tombstones, a `reset` comes first and then the whole
   * content: the receiver must clear before applying.
   */
  changesSince(seq: number, now: number = Date.now()): Iterable<Change> {
    return changesSince(this, seq, now)
  }

  /** Applies a diff (or a dump) in one transaction, keeping the sender's sequence numbers. */
  applyChanges(changes: Iterable<Change>): void {
    this.write(() => applyChanges(this, changes))
  }

  /** SHA-256 (hex) of the logical content: keys, types, values, absolute expiry; not the history. */
  digest(now: number = Date.now()): string {
    return digest(this, now)
  }

  /** The whole live content as puts, in key order: a full copy. */
  dump(now: number = Date.now()): Iterable<Change> {
    return dump(this, now)
  }

  /**
   * Forgets tombstones at or below `seq` (every follower is past it); a diff
   * from before that becomes a full copy.
   */
  compactTombstones(seq: number): void {
    this.write(() => {
      const upTo = Math.min(seq, this.keys.seq)
      this.db.prepare('DELETE FROM tombstones WHERE seq <= ?').run(upTo)
      if (upTo > this.keys.horizon) {
        this.keys.horizon = upTo
        this.keys.setMeta('horizon', upTo)
      }
    })
  }

  /** The underlying database, for the replication code. */
  get database(): SqliteDatabase {
    return this.db
  }

  close(): void {
    if (this.closed) return
    if (this.batch !== null) this.rollback()
    this.closed = true
    this.listeners.clear()
    this.db.close()
  }
}

function dedupe(keys: Uint8Array[]): Uint8Array[] {
  if (keys.length < 2) return keys.slice()
  const seen = new Set<string>()
  const out: Uint8Array[] = []
  for (const k of keys) {
    const id = Buffer.from(k.buffer, k.byteOffset, k.length).toString('latin1')
    if (seen.has(id)) continue
    seen.add(id)
    out.push(k)
  }
  return out
}
