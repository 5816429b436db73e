/**
 * The node's MiMei table (mimei.db): containers, their versions, and the
 * records seen for them. Synchronous SQLite; one transaction per change.
 */
import { migrate, openDatabase, type SqliteDatabase } from '../store/index.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../utils/errors.ts'
import type { MiMeiType } from './mimei-id.ts'
import { MIMEI_MIGRATIONS } from './schema.ts'

/** Read 4, write 2, exec 1 per role (SPEC §9); the original system's default. */
export const DEFAULT_RIGHTS = 0x07276704

/** What defines a MiMei: the fields its ID derives from, when it was made, its rights. */
export interface MiMeiFields {
  mid: string
  author: string
  app: string
  ext: string
  mark: string
  type: MiMeiType
  created: number
  rights: number
}

export interface MiMeiRow extends MiMeiFields {
  cur: string | null
  release: number | null
  providing: number
  publishing: number
  record: Uint8Array | null
  record_seq: number
  record_eol: number
  db_ver: number | null
}

export interface VersionRow {
  ver: number
  cid: string
  created: number
  /** db MiMei: content digest, CID of the changes since the previous version, write sequence */
  digest?: string | null
  delta?: string | null
  seq?: number | null
}

/** A version as records carry it. */
export interface VersionEntry {
  ver: number
  cid: string
  digest?: string
  delta?: string
}

export interface SeenVersion {
  ver: number
  cid: string
  seq: number
}

export class MiMeiStore {
  private readonly db: SqliteDatabase
  private changes = 0

  constructor(path: string) {
    this.db = openDatabase(path)
    migrate(this.db, MIMEI_MIGRATIONS)
  }

  close(): void {
    this.db.close()
  }

  /**
   * Grows whenever any MiMei's versions, working copy or release change:
   * a cache of resolved versions (the /mm gateway) is current while this is
   * unchanged. Only the node's process opens this store, so it is exact.
   */
  get generation(): number {
    return this.changes
  }

  private changed<T>(result: T): T {
    this.changes++
    return result
  }

  find(mid: string): MiMeiRow | undefined {
    return this.db.prepare('SELECT * FROM mimei WHERE mid = ?').get<MiMeiRow>(mid)
  }

  get(mid: string): MiMeiRow {
    const row = this.find(mid)
    if (row == null) throw new NotFoundError(`unknown MiMei "${mid}" on this node (sync it first?)`)
    return row
  }

  list(): MiMeiRow[] {
    return this.db.prepare('SELECT * FROM mimei ORDER BY created').all<MiMeiRow>()
  }

  /** Inserts a MiMei; an existing one with the same ID is returned unchanged (same parameters, same ID). */
  create(row: Omit<MiMeiRow, 'cur' | 'release' | 'providing' | 'publishing' | 'record' | 'record_seq' | 'record_eol' | 'db_ver'>): { row: MiMeiRow, created: boolean } {
    return this.db.transaction(() => {
      const existing = this.find(row.mid)
      if (existing != null) return { row: existing, created: false }
      this.db.prepare('INSERT INTO mimei (mid, author, app, ext, mark, type, created, rights) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(row.mid, row.author, row.app, row.ext, row.mark, row.type, row.created, row.rights)
      return { row: this.get(row.mid), created: true }
    })
  }

  versions(mid: string): VersionRow[] {
    return this.db.prepare('SELECT ver, cid, created, digest, delta, seq FROM versions WHERE mid = ? ORDER BY ver').all<VersionRow>(mid)
  }

  lastVersion(mid: string): VersionRow | undefined {
    return this.db.prepare('SELECT ver, cid, created, digest, delta, seq FROM versions WHERE mid = ? ORDER BY ver DESC LIMIT 1').get<VersionRow>(mid)
  }

  version(mid: string, ver: number): VersionRow | undefined {
    return this.db.prepare('SELECT ver, cid, created, digest, delta, seq FROM versions WHERE mid = ? AND ver = ?').get<VersionRow>(mid, ver)
  }

  /** Appends the next version (last + 1) and makes it the working copy. */
  appendVersion(mid: string, cid: string, now = Date.now(), db: { digest: string, delta: string | null, seq: number } | null = null): number {
    return this.db.transaction(() => {
      this.get(mid)
      const ver = (this.lastVersion(mid)?.ver ?? 0) + 1
      this.db.prepare('INSERT INTO versions (mid, ver, cid, created, digest, delta, seq) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(mid, ver, cid, now, db?.digest ?? null, db?.delta ?? null, db?.seq ?? null)
      this.db.prepare('UPDATE mimei SET cur = ? WHERE mid = ?').run(cid, mid)
      return this.changed(ver)
    })
  }

  /** Stores versions learned from the network; a version already held with other content is left alone. */
  importVersions(mid: string, versions: VersionEntry[], now = Date.now()): number[] {
    return this.db.transaction(() => {
      const added: number[] = []
      for (const v of versions) {
        const have = this.version(mid, v.ver)
        if (have != null) continue
        this.db.prepare('INSERT INTO versions (mid, ver, cid, created, digest, delta) VALUES (?, ?, ?, ?, ?, ?)').run(mid, v.ver, v.cid, now, v.digest ?? null, v.delta ?? null)
        added.push(v.ver)
      }
      const last = this.lastVersion(mid)
      if (added.length > 0 && last != null) this.db.prepare('UPDATE mimei SET cur = ? WHERE mid = ?').run(last.cid, mid)
      return this.changed(added)
    })
  }

  setCur(mid: string, cid: string): void {
    this.get(mid)
    this.db.prepare('UPDATE mimei SET cur = ? WHERE mid = ?').run(cid, mid)
    this.changed(undefined)
  }

  setRelease(mid: string, ver: number | null): void {
    if (ver != null && this.version(mid, ver) == null) throw new NotFoundError(`MiMei "${mid}" has no version ${ver}`)
    this.db.prepare('UPDATE mimei SET release = ? WHERE mid = ?').run(ver, mid)
    this.changed(undefined)
  }

  /** Deletes versions; the release version is protected. Returns the CIDs no remaining version uses. */
  deleteVersions(mid: string, vers: number[]): string[] {
    return this.db.transaction(() => {
      const row = this.get(mid)
      for (const ver of vers) {
        if (this.version(mid, ver) == null) throw new NotFoundError(`MiMei "${mid}" has no version ${ver}`)
        if (row.release === ver) throw new ConflictError(`version ${ver} of "${mid}" is the release; release another version first`)
      }
      const dropped = new Set<string>()
      for (const ver of vers) {
        dropped.add(this.version(mid, ver)!.cid)
        this.db.prepare('DELETE FROM versions WHERE mid = ? AND ver = ?').run(mid, ver)
      }
      const still = new Set(this.versions(mid).map(v => v.cid))
      if (row.cur != null) still.add(row.cur)
      return this.changed([...dropped].filter(c => !still.has(c)))
    })
  }

  /** True when any MiMei's version or working copy still uses this content. */
  cidInUse(cid: string): boolean {
    return this.db.prepare('SELECT 1 FROM versions WHERE cid = ? UNION SELECT 1 FROM mimei WHERE cur = ? LIMIT 1').get(cid, cid) != null
  }

  setDbVersion(mid: string, ver: number | null): void {
    this.db.prepare('UPDATE mimei SET db_ver = ? WHERE mid = ?').run(ver, mid)
  }

  setFlags(mid: string, flags: { providing?: boolean, publishing?: boolean }): void {
    this.get(mid)
    if (flags.providing != null) this.db.prepare('UPDATE mimei SET providing = ? WHERE mid = ?').run(flags.providing ? 1 : 0, mid)
    if (flags.publishing != null) this.db.prepare('UPDATE mimei SET publishing = ? WHERE mid = ?').run(flags.publishing ? 1 : 0, mid)
  }

  /** Keeps a record unless an newer one is held (true: it is the newest); remembers every version it names. */
  acceptRecord(mid: string, record: Uint8Array, seq: number, eol: number, versions: Array<{ ver: number, cid: string }>, now = Date.now()): boolean {
    return this.db.transaction(() => {
      const row = this.get(mid)
      for (const v of versions) {
        this.db.prepare('INSERT OR IGNORE INTO seen_versions (mid, ver, cid, seq, seen) VALUES (?, ?, ?, ?, ?)').run(mid, v.ver, v.cid, seq, now)
      }
      if (seq < row.record_seq) return false
      // The same record again (a resumed sync) still counts as the newest.
      if (seq > row.record_seq) this.db.prepare('UPDATE mimei SET record = ?, record_seq = ?, record_eol = ? WHERE mid = ?').run(record, seq, eol, mid)
      return true
    })
  }

  seenVersions(mid: string): SeenVersion[] {
    return this.db.prepare('SELECT ver, cid, seq FROM seen_versions WHERE mid = ? ORDER BY ver, seq').all<SeenVersion>(mid)
  }

  /** MiMei this node hosts or publishes, for restarting their duties. */
  duties(): MiMeiRow[] {
    return this.db.prepare('SELECT * FROM mimei WHERE providing = 1 OR publishing = 1').all<MiMeiRow>()
  }
}

/** Parses a version argument: a number, or cur/last/release. */
export function parseVersionName(text: string): number | 'cur' | 'last' | 'release' {
  if (text === 'cur' || text === 'last' || text === 'release') return text
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidInputError(`version must be a positive number or cur, last, release; got "${text}"`)
  return n
}
