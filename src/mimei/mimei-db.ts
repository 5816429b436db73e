/**
 * Database MiMei (SPEC §6): where each database lives, and how versions of
 * a db MiMei are frozen by the author and followed by providers.
 *
 * - data/db/default.db is the node's default database (SELECT 0);
 *   data/db/<mid>.db is a db MiMei's working copy (the author) or the copy a
 *   provider keeps at the newest version it has (read-only to clients).
 * - `backup` freezes the working copy: the whole content (a sorted dump) and
 *   the changes since the previous version (deletions included) are added to
 *   IPFS; the version records both CIDs and the content digest.
 * - A provider at version N fetches only the delta of N+1 (O(changes)),
 *   applies it and checks the digest; on a mismatch, or with no usable base,
 *   it loads the full dump instead.
 * - <mid>@<ver> opens an old version read-only, loaded from its dump.
 */
import { mkdir, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { importer } from 'ipfs-unixfs-importer'
import { exporter } from 'ipfs-unixfs-exporter'
import type { Helia } from 'helia'
import { Keyspace } from '../db/keyspace.ts'
import { decodeChanges, encodeChanges } from '../db/changes.ts'
import { kuboImportOptions } from '../ipfs/import-options.ts'
import { InvalidInputError } from '../utils/errors.ts'
import { logger } from '../utils/logger.ts'
import type { MiMeiService } from './mimei-service.ts'
import type { VersionEntry } from './mimei-store.ts'

const log = logger('mimei-db')
const MID = /^[A-Za-z0-9_-]{27}$/

export interface MiMeiDatabasesInit {
  dir: string
  helia: Helia
  service: MiMeiService
  nodeId: string
}

export class MiMeiDatabases {
  private readonly dir: string
  private readonly helia: Helia
  private readonly service: MiMeiService
  private readonly nodeId: string
  private readonly open_ = new Map<string, Keyspace>()

  constructor(init: MiMeiDatabasesInit) {
    this.dir = init.dir
    this.helia = init.helia
    this.service = init.service
    this.nodeId = init.nodeId
  }

  private get store() { return this.service.store }

  async init(): Promise<void> {
    await mkdir(join(this.dir, 'versions'), { recursive: true })
  }

  private cached(path: string, readonly: boolean): Keyspace {
    const key = `${path}|${readonly ? 'ro' : 'rw'}`
    let ks = this.open_.get(key)
    if (ks == null) {
      ks = Keyspace.open(path, { readonly })
      this.open_.set(key, ks)
    }
    return ks
  }

  /** The database a client names: "0", "<mid>" or "<mid>@<ver>". */
  async open(name: string): Promise<Keyspace> {
    if (name === '0' || name === '' || name === '-') return this.cached(join(this.dir, 'default.db'), false)
    const at = name.indexOf('@')
    const mid = at < 0 ? name : name.slice(0, at)
    if (!MID.test(mid)) throw new InvalidInputError(`no database "${name}": use 0, a db MiMei ID, or <mid>@<version>`)
    const row = this.store.get(mid)
    if (row.type !== 'db') throw new InvalidInputError(`MiMei "${mid}" is a ${row.type} MiMei, not a database`)
    if (at >= 0) return this.openVersion(mid, name.slice(at + 1))
    // Only the author writes; everyone else reads the copy they follow.
    return this.cached(this.pathOf(mid), row.author !== this.nodeId)
  }

  /** The working copy (author) or the followed copy (provider), writable for this node's own use. */
  writable(mid: string): Keyspace {
    return this.cached(this.pathOf(mid), false)
  }

  private pathOf(mid: string): string {
    return join(this.dir, `${mid}.db`)
  }

  private async openVersion(mid: string, verText: string): Promise<Keyspace> {
    const { ver, cid } = this.service.resolve(mid, verText === '' ? 'last' : verText)
    if (ver === 'cur') return this.cached(this.pathOf(mid), true)
    const path = join(this.dir, 'versions', `${mid}@${ver}.db`)
    if (!existsSync(path)) {
      const tmp = `${path}.loading`
      await rm(tmp, { force: true })
      const ks = Keyspace.open(tmp)
      try {
        ks.applyChanges(decodeChanges(await this.read(cid)))
      } finally {
        ks.close()
      }
      const { rename } = await import('node:fs/promises')
      await rename(tmp, path)
    }
    return this.cached(path, true)
  }

  private async read(cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
    const entry = await exporter(cid, this.helia.blockstore, { signal })
    if (entry.type !== 'file' && entry.type !== 'raw') throw new InvalidInputError(`${cid} is not a database dump`)
    const parts: Uint8Array[] = []
    for await (const chunk of entry.content({ signal })) parts.push(chunk)
    return Buffer.concat(parts)
  }

  private async add(bytes: Uint8Array): Promise<CID> {
    let root: CID | undefined
    for await (const e of importer([{ content: bytes }], this.helia.blockstore, kuboImportOptions({ cidVersion: 1 }))) root = e.cid
    return root!
  }

  /** Freezes the working copy into a new version (no-op when nothing changed since the last one). */
  async backup(mid: string): Promise<{ ver: number, created: boolean, digest: string }> {
    const row = this.service.requireAuthor(mid)
    if (row.type !== 'db') throw new InvalidInputError(`MiMei "${mid}" is a file MiMei; backup of a database only`)
    const ks = this.writable(mid)
    const last = this.store.lastVersion(mid)
    const seq = ks.seq()
    if (last != null && last.seq === seq) return { ver: last.ver, created: false, digest: last.digest ?? ks.digest() }
    const digest = ks.digest()
    const full = await this.add(encodeChanges(ks.dump()))
    const delta = last?.seq != null ? await this.add(encodeChanges(ks.changesSince(last.seq))) : null
    await this.service.pin(full, mid)
    if (delta != null) await this.service.pin(delta, mid)
    const ver = this.store.appendVersion(mid, full.toString(), Date.now(), { digest, delta: delta?.toString() ?? null, seq })
    return { ver, created: true, digest }
  }

  /**
   * A provider brings its copy up to the record's newest version: deltas in
   * order while they chain from the version it holds, else the full dump.
   * Returns the versions now recorded locally.
   */
  async follow(mid: string, versions: VersionEntry[], signal?: AbortSignal): Promise<number[]> {
    const row = this.store.get(mid)
    if (row.author === this.nodeId) return []
    const have = new Set(this.store.versions(mid).map(v => v.ver))
    const wanted = versions.filter(v => !have.has(v.ver)).sort((a, b) => a.ver - b.ver)
    if (wanted.length === 0) return []
    const target = wanted.at(-1)!
    const ks = this.writable(mid)
    let at = row.db_ver ?? 0
    for (const v of versions.filter(v => v.ver > at).sort((a, b) => a.ver - b.ver)) {
      if (v.delta == null || v.ver !== at + 1 || at === 0) break
      const delta = CID.parse(v.delta)
      await this.service.pin(delta, mid, signal)
      ks.applyChanges(decodeChanges(await this.read(delta, signal)))
      if (v.digest != null && ks.digest() !== v.digest) {
        log.warn(`mimei ${mid}: digest mismatch after the delta of version ${v.ver}; loading the full copy`)
        at = -1
        break
      }
      at = v.ver
      this.store.setDbVersion(mid, at)
    }
    if (at !== target.ver) {
      const full = CID.parse(target.cid)
      await this.service.pin(full, mid, signal)
      const dump = decodeChanges(await this.read(full, signal))
      ks.begin()
      try {
        ks.execute([new TextEncoder().encode('FLUSHDB')], { now: Date.now(), resp: 2 })
        ks.applyChanges(dump)
        ks.commit()
      } catch (err) {
        ks.rollback()
        throw err
      }
      if (target.digest != null && ks.digest() !== target.digest) throw new InvalidInputError(`MiMei "${mid}" version ${target.ver}: the full copy does not match its digest`)
      this.store.setDbVersion(mid, target.ver)
    }
    return this.store.importVersions(mid, wanted)
  }

  /** The content digest of a version, or of the working copy. */
  async sum(mid: string, ver?: string): Promise<{ ver: number | 'cur', digest: string }> {
    const row = this.store.get(mid)
    if (row.type !== 'db') throw new InvalidInputError(`MiMei "${mid}" is not a database`)
    if (ver == null || ver === '' || ver === 'cur') return { ver: 'cur', digest: this.writable(mid).digest() }
    const resolved = this.service.resolve(mid, ver)
    const stored = this.store.version(mid, resolved.ver as number)?.digest
    if (stored != null) return { ver: resolved.ver, digest: stored }
    return { ver: resolved.ver, digest: (await this.openVersion(mid, String(resolved.ver))).digest() }
  }

  closeAll(): void {
    for (const ks of this.open_.values()) ks.close()
    this.open_.clear()
  }
}

