/**
 * WAL checkpoints off the write path. SQLite's auto-checkpoint runs inside whichever commit
 * takes the WAL past 1 000 pages (16 MiB of 16 KiB pages) and copies it into the database
 * file with an fsync: writing 256 MiB of blocks took 2-3x as long with it as without. Here the
 * connection's auto-checkpoint is off and checkpoints run
 * - PASSIVE once writes have been quiet for `idleMs` (a timer; it never waits for a lock),
 * - RESTART inline when the WAL file has passed `walLimitBytes`, so a stream of writes that
 *   never pauses cannot grow the WAL without bound,
 * - TRUNCATE at close.
 * A checkpoint is synchronous, as SQLite's own was: it holds the event loop for about 1.3 ms
 * per MiB of WAL, now once writes pause rather than inside them.
 * Durability is unchanged: the synchronous setting stays as opened (NORMAL: a commit is in
 * the WAL when it returns), and opening the file after a crash replays the WAL.
 */
import { statSync } from 'node:fs'
import { logger } from '../utils/logger.ts'
import type { SqliteDatabase, SqliteStatement } from './sqlite.ts'

const log = logger('checkpoint')

/** When to checkpoint; see the module comment. */
export interface CheckpointPolicy {
  /** Quiet time after the last write before a PASSIVE checkpoint. */
  idleMs: number
  /** WAL file size past which a write triggers an inline RESTART checkpoint. */
  walLimitBytes: number
  /** SQLite's journal_size_limit: a WAL restarted from its start is cut back to this size. */
  journalSizeLimitBytes: number
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = {
  idleMs: 1000,
  // Larger than the WAL of one 256 MiB add (~307 MiB at 16 KiB pages), so an add of that size
  // runs without a checkpoint in its path; larger writes pay one per ~512 MiB.
  walLimitBytes: 512 * 1024 * 1024,
  journalSizeLimitBytes: 64 * 1024 * 1024,
}

// The WAL file is stat()ed after about this many bytes of writes (or an eighth of the limit),
// not after every write.
const CHECK_EVERY_BYTES = 8 * 1024 * 1024
// A write's WAL cost beyond its payload: the b-tree and index pages it touches.
const WRITE_OVERHEAD_BYTES = 4096

/** What `PRAGMA wal_checkpoint` reports: busy = 1 when it could not finish. */
interface CheckpointResult {
  busy: number
  log: number
  checkpointed: number
}

type CheckpointMode = 'PASSIVE' | 'RESTART' | 'TRUNCATE'

/** Runs one connection's WAL checkpoints by the policy above; tell it of every write. */
export class WalCheckpointer {
  private readonly db: SqliteDatabase
  private readonly policy: CheckpointPolicy
  private readonly walPath: string
  private readonly checkEvery: number
  private readonly modes: Record<CheckpointMode, SqliteStatement>
  private timer: ReturnType<typeof setTimeout> | undefined
  private lastWrite = 0
  private sinceCheck = 0
  private closed = false

  constructor (db: SqliteDatabase, policy: Partial<CheckpointPolicy> = {}) {
    this.db = db
    this.policy = { ...DEFAULT_CHECKPOINT_POLICY, ...policy }
    this.walPath = `${db.path}-wal`
    this.checkEvery = Math.min(CHECK_EVERY_BYTES, this.policy.walLimitBytes / 8)
    db.exec('PRAGMA wal_autocheckpoint = 0')
    db.exec(`PRAGMA journal_size_limit = ${Math.trunc(this.policy.journalSizeLimitBytes)}`)
    this.modes = {
      PASSIVE: db.prepare('PRAGMA wal_checkpoint(PASSIVE)'),
      RESTART: db.prepare('PRAGMA wal_checkpoint(RESTART)'),
      TRUNCATE: db.prepare('PRAGMA wal_checkpoint(TRUNCATE)'),
    }
  }

  /** Call after each committed write of about `bytes` of payload. */
  wrote (bytes: number): void {
    if (this.closed) return
    this.lastWrite = performance.now()
    this.sinceCheck += bytes + WRITE_OVERHEAD_BYTES
    if (this.sinceCheck >= this.checkEvery) {
      this.sinceCheck = 0
      if (this.walBytes() > this.policy.walLimitBytes) this.run('RESTART')
    }
    if (this.timer == null) this.arm(this.policy.idleMs)
  }

  /** Stops the timer and checkpoints the whole WAL, leaving it empty; call before closing. */
  close (): void {
    if (this.closed) return
    this.closed = true
    if (this.timer != null) clearTimeout(this.timer)
    this.timer = undefined
    this.run('TRUNCATE')
  }

  /** The WAL file's size now (0 when there is none). */
  private walBytes (): number {
    try {
      return statSync(this.walPath).size
    } catch {
      return 0
    }
  }

  private arm (ms: number): void {
    this.timer = setTimeout(() => { this.onTimer() }, ms)
    // A pending checkpoint must not keep the process alive; close() does the last one.
    this.timer.unref?.()
  }

  private onTimer (): void {
    this.timer = undefined
    if (this.closed) return
    const quiet = performance.now() - this.lastWrite
    if (quiet < this.policy.idleMs) {
      this.arm(this.policy.idleMs - quiet)
      return
    }
    this.run('PASSIVE')
  }

  // A failure is logged, not thrown: the WAL keeps every commit either way.
  private run (mode: CheckpointMode): void {
    this.sinceCheck = 0
    try {
      const result = this.modes[mode].get<CheckpointResult>()
      if (result?.busy === 1) log.debug(`${mode} checkpoint of "${this.db.path}" could not finish: a reader or writer holds the WAL`)
    } catch (err) {
      log.warn(`${mode} checkpoint of "${this.db.path}" failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
}
