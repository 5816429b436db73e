/**
 * Optional periodic backups (`DbBackupSeconds`): a database MiMei the node
 * authors becomes a new version when it changed since its last one, and a
 * published MiMei publishes that version with the lifetime it already had,
 * so providers follow an app's data without anyone running `mimei backup`.
 */
import { logger } from '../utils/logger.ts'
import type { MiMeiStore } from './mimei-store.ts'
import type { MiMeiDatabases } from './mimei-db.ts'

const log = logger('mimei')

export interface DbAutoBackupDeps {
  store: MiMeiStore
  databases: MiMeiDatabases
  nodeId: string
  intervalMs: number
  /** Publishes the MiMei's versions with a record of this lifetime. */
  publish: (mid: string, eolMs: number) => Promise<unknown>
}

export class DbAutoBackup {
  private timer: ReturnType<typeof setInterval> | undefined
  private running: Promise<unknown> | undefined

  constructor(private readonly deps: DbAutoBackupDeps) {}

  start(): void {
    if (this.deps.intervalMs <= 0 || this.timer != null) return
    this.timer = setInterval(() => { this.running ??= this.tick().finally(() => { this.running = undefined }) }, this.deps.intervalMs)
    this.timer.unref?.()
  }

  /** Stops the timer; a backup under way finishes (a version is recorded only when complete). */
  async stop(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.running
  }

  /** One round over the node's own database MiMei; returns the versions made. */
  async tick(): Promise<Array<{ mid: string, ver: number, published: boolean }>> {
    const made: Array<{ mid: string, ver: number, published: boolean }> = []
    for (const row of this.deps.store.list()) {
      if (row.type !== 'db' || row.author !== this.deps.nodeId || this.timer == null) continue
      try {
        // A database never written has nothing to keep yet.
        if (this.deps.store.lastVersion(row.mid) == null && this.deps.databases.writable(row.mid).seq() === 0) continue
        const { ver, created } = await this.deps.databases.backup(row.mid)
        if (!created) continue
        const life = row.record_eol - row.record_seq
        const publish = row.publishing === 1 && life > 0
        if (publish) await this.deps.publish(row.mid, life)
        log.info(`auto-backup ${row.mid}: version ${ver}${publish ? ', published' : ''}`)
        made.push({ mid: row.mid, ver, published: publish })
      } catch (err) {
        log.warn(`auto-backup ${row.mid}: ${(err as Error)?.message ?? err}`)
      }
    }
    return made
  }
}
