/**
 * MiMei on this node: create containers, make versions, resolve cur/last/
 * release, keep every version's content pinned. The network half (publish,
 * provide, sync) is mimei-network.ts.
 */
import { CID } from 'multiformats/cid'
import type { Helia } from 'helia'
import { parseCid } from '../ipfs/ipfs-path.ts'
import { hasOwnPin } from '../ipfs/pin-names.ts'
import { leafSkippingWalker } from '../ipfs/pin-walker.ts'
import { ForbiddenError, InvalidInputError, NotFoundError, TimeoutError } from '../utils/errors.ts'
import { AUTO_MARK, autoMark, mimeiId, type MiMeiType } from './mimei-id.ts'
import { DEFAULT_RIGHTS, MiMeiStore, parseVersionName, type MiMeiRow } from './mimei-store.ts'

export interface CreateInit {
  appId?: string
  ext?: string
  mark?: string
  type?: MiMeiType
}

export interface MiMeiServiceInit {
  store: MiMeiStore
  helia: Helia
  /** This node's short ID: the author of what it creates. */
  nodeId: string
}

const PIN_TIMEOUT_MS = 120_000

export class MiMeiService {
  readonly store: MiMeiStore
  private readonly helia: Helia
  private readonly nodeId: string
  /**
   * Brings a DAG's blocks here by a faster path than bitswap before it is
   * pinned (the network half sets it: the DAG from the peer that pushed the
   * version). Best effort: pinning fetches whatever it did not bring.
   */
  prefetch?: (cid: CID, mid: string, signal?: AbortSignal) => Promise<void>

  constructor(init: MiMeiServiceInit) {
    this.store = init.store
    this.helia = init.helia
    this.nodeId = init.nodeId
  }

  create(init: CreateInit = {}): { row: MiMeiRow, created: boolean } {
    const mark = init.mark == null || init.mark === '' || init.mark === AUTO_MARK ? autoMark() : init.mark
    const params = { author: this.nodeId, appId: init.appId ?? '', type: init.type ?? 'file', ext: init.ext ?? '', mark }
    const mid = mimeiId(params)
    return this.store.create({ mid, author: params.author, app: params.appId, ext: params.ext, mark, type: params.type, created: Date.now(), rights: DEFAULT_RIGHTS })
  }

  /** Only the author writes a MiMei; everyone else reads, syncs and provides. */
  requireAuthor(mid: string): MiMeiRow {
    const row = this.store.get(mid)
    if (row.author !== this.nodeId) throw new ForbiddenError(`cannot change MiMei "${mid}": not the author (author ${row.author}, this node ${this.nodeId})`)
    return row
  }

  /** Keeps a CID and everything below it on this node (fetching what is missing). */
  async pin(cid: CID, mid: string, signal?: AbortSignal): Promise<void> {
    if (await hasOwnPin(this.helia.pins, cid, signal)) return
    const bounded = AbortSignal.any([AbortSignal.timeout(PIN_TIMEOUT_MS), ...(signal != null ? [signal] : [])])
    try {
      if (this.prefetch != null && !(await this.helia.blockstore.has(cid))) await this.prefetch(cid, mid, bounded)
      // Raw leaves have no links: check they are here (or fetch them), never read them back.
      for await (const _ of this.helia.pins.add(cid, { signal: bounded, walker: leafSkippingWalker(), metadata: { cid: cid.toString(), mimei: mid } })) { /* walk */ }
    } catch (err: any) {
      if (err?.name === 'AbortError' || err?.name === 'TimeoutError') throw new TimeoutError(`content ${cid} could not be fetched in time`)
      if (/already pinned/i.test(err?.message ?? '')) return
      throw err
    }
  }

  /** New version pointing at existing content: `mimei setcid`. */
  async setCid(mid: string, cidText: string, signal?: AbortSignal): Promise<number> {
    const row = this.requireAuthor(mid)
    if (row.type !== 'file') throw new InvalidInputError(`MiMei "${mid}" is a ${row.type} MiMei; setcid is for file MiMei`)
    const cid = parseCid(cidText.replace(/^\/ipfs\//, ''))
    await this.pin(cid, mid, signal)
    return this.store.appendVersion(mid, cid.toString())
  }

  /** The CID behind a version name or number. */
  resolve(mid: string, version: string | number = 'last'): { ver: number | 'cur', cid: CID } {
    const row = this.store.get(mid)
    const v = typeof version === 'number' ? version : parseVersionName(version)
    if (v === 'cur') {
      if (row.cur == null) throw new NotFoundError(`MiMei "${mid}" has no content yet`)
      return { ver: 'cur', cid: CID.parse(row.cur) }
    }
    const ver = v === 'last' ? this.store.lastVersion(mid)?.ver : v === 'release' ? row.release ?? undefined : v
    if (ver == null) throw new NotFoundError(`MiMei "${mid}" has no ${v} version`)
    const found = this.store.version(mid, ver)
    if (found == null) throw new NotFoundError(`MiMei "${mid}" has no version ${ver} on this node`)
    return { ver, cid: CID.parse(found.cid) }
  }

  /** Freezes the working copy into a new version when it differs from the last one. */
  backup(mid: string): { ver: number, created: boolean } {
    const row = this.requireAuthor(mid)
    const last = this.store.lastVersion(mid)
    if (row.cur == null) throw new NotFoundError(`MiMei "${mid}" has no content to back up`)
    if (last != null && last.cid === row.cur) return { ver: last.ver, created: false }
    return { ver: this.store.appendVersion(mid, row.cur), created: true }
  }

  release(mid: string, version: string): number {
    this.requireAuthor(mid)
    const { ver } = this.resolve(mid, version === 'cur' ? 'last' : version)
    this.store.setRelease(mid, ver as number)
    return ver as number
  }

  /** Copies a version into the working copy. */
  restore(mid: string, version: string): number {
    this.requireAuthor(mid)
    const { ver, cid } = this.resolve(mid, version)
    this.store.setCur(mid, cid.toString())
    return ver as number
  }

  async deleteVersions(mid: string, vers: string[]): Promise<number[]> {
    this.requireAuthor(mid)
    const numbers = vers.map(v => {
      const n = parseVersionName(v)
      if (typeof n !== 'number') throw new InvalidInputError(`delver takes version numbers, got "${v}"`)
      return n
    })
    const orphaned = this.store.deleteVersions(mid, numbers)
    for (const cid of orphaned) {
      if (this.store.cidInUse(cid)) continue
      for await (const _ of this.helia.pins.rm(CID.parse(cid))) { /* unpinned; gc frees the blocks */ }
    }
    return numbers
  }
}
