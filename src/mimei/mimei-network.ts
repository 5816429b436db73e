/**
 * MiMei across nodes: publish signed records to Leither's DHT, push them to
 * providers over pubsub, follow publishes as a provider (with a DHT poll as
 * the fallback for missed pushes), sync records and data, find providers.
 */
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import type { Ed25519PrivateKey, Libp2p, PeerId } from '@libp2p/interface'
import { isMultiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { logger } from '../utils/logger.ts'
import { NotFoundError } from '../utils/errors.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { shortIdFromPublicKey } from '../pki/index.ts'
import { askInfo, serveInfo, type InfoReply } from './info-protocol.ts'
import { fetchDag, localDag, serveDag, type BlockReader, type BlockWriter } from './dag-protocol.ts'
import { PUSH_BLOCK_BUDGET, decodePush, encodePush, verifyFrames } from './push-message.ts'
import { mimeiKey, mimeiSelector, signMiMeiRecord, validateMiMeiRecord, type MiMeiRecord } from './mimei-record.ts'
import type { MiMeiService } from './mimei-service.ts'

const log = logger('mimei')
const enc = new TextEncoder()

export const DEFAULT_EOL_MS = 168 * 3600_000
export const topicOf = (mid: string) => `/leither/mimei/1/${mid}`

/** The DHT provider key of a MiMei: providers of this CID host all of its data. */
export async function providerKey(mid: string): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(enc.encode(mimeiKey(mid))))
}

export interface MiMeiNetworkInit {
  service: MiMeiService
  /** libp2p exists only once Helia has started */
  libp2p: () => Libp2p<any>
  privateKey: Ed25519PrivateKey
  nodeId: string
  /** announce a provider record (the node's content announcer) */
  announce: (cid: CID) => void
  /** how often providers poll the DHT for publishes they missed */
  pollIntervalMs?: number
  /** brings a database MiMei's copy to the record's versions (mimei-db.ts) */
  followDb?: (mid: string, versions: MiMeiRecord['body']['versions'], signal?: AbortSignal) => Promise<number[]>
  /** this node's blocks: read without touching the network, written where pinning finds them */
  blocks: { read: BlockReader, write: BlockWriter }
}

export interface ProviderInfo {
  ID: string
  ShortID: string
  Addrs: string[]
  Versions: Array<{ ver: number, cid: string }>
  Last: number
}

export class MiMeiNetwork {
  private readonly service: MiMeiService
  private readonly getLibp2p: () => Libp2p<any>
  private readonly privateKey: Ed25519PrivateKey
  private readonly nodeId: string
  private readonly announce: (cid: CID) => void
  private readonly pollIntervalMs: number
  private readonly followDb?: MiMeiNetworkInit['followDb']
  private readonly controller = new AbortController()
  private readonly syncing = new Map<string, Promise<number[]>>()
  /** Per MiMei, the peer that last sent us a version (a push, or sync --from): it holds the data. */
  private readonly sources = new Map<string, PeerId>()
  /** MiMei announced as provided since start (announceProvider). */
  private readonly announced = new Set<string>()
  private readonly blocks: MiMeiNetworkInit['blocks']
  private timers: Array<ReturnType<typeof setInterval>> = []

  constructor(init: MiMeiNetworkInit) {
    this.service = init.service
    this.getLibp2p = init.libp2p
    this.privateKey = init.privateKey
    this.nodeId = init.nodeId
    this.announce = init.announce
    this.pollIntervalMs = init.pollIntervalMs ?? 60_000
    this.followDb = init.followDb
    this.blocks = init.blocks
    this.service.prefetch = (cid, mid, signal) => this.fetchFromSource(cid, mid, signal)
  }

  private get libp2p(): Libp2p<any> { return this.getLibp2p() }
  private get store() { return this.service.store }
  private get pubsub(): any { return this.libp2p.services.pubsub }
  private get dht(): any { return this.libp2p.services.leitherDht }

  async start(): Promise<void> {
    await serveInfo(this.libp2p, mid => this.info(mid))
    await serveDag(this.libp2p, this.blocks.read)
    this.pubsub.addEventListener('message', (evt: any) => { void this.onPush(evt.detail) })
    for (const row of this.store.duties()) {
      this.pubsub.subscribe(topicOf(row.mid))
      if (row.providing === 1) await this.announceProvider(row.mid)
    }
    this.timers.push(setInterval(() => { void this.pollProvided() }, this.pollIntervalMs))
    this.timers.push(setInterval(() => { void this.renewPublished() }, Math.min(this.pollIntervalMs * 10, 600_000)))
    // Catch up with publishes made while this node was offline.
    setTimeout(() => { void this.pollProvided() }, 2_000).unref?.()
  }

  stop(): void {
    this.controller.abort()
    for (const t of this.timers) clearInterval(t)
    this.timers = []
  }

  /** What this node holds of a MiMei, for the info protocol. */
  info(mid: string): InfoReply {
    const row = this.store.find(mid)
    return {
      mid,
      record: row?.record != null ? Buffer.from(row.record).toString('base64url') : null,
      versions: row != null ? this.store.versions(mid).map(v => ({ ver: v.ver, cid: v.cid })) : [],
    }
  }

  /**
   * Announces this node as a provider of the MiMei once per process: the
   * DHT's reprovider renews the record after that, so re-announcing on every
   * publish only made each publish a DHT walk to all closest peers.
   */
  private async announceProvider(mid: string): Promise<void> {
    if (this.announced.has(mid)) return
    this.announced.add(mid)
    this.announce(await providerKey(mid))
  }

  /**
   * The blocks of the newest version (of a database: its delta, which is
   * what providers apply) when they fit in a push, else none.
   */
  private async smallNewestVersion(versions: MiMeiRecord['body']['versions']): Promise<Array<[CID, Uint8Array]>> {
    const newest = versions.at(-1)
    if (newest == null) return []
    const blocks: Array<[CID, Uint8Array]> = []
    let bytes = 0
    for await (const block of localDag(this.blocks.read, CID.parse(newest.delta ?? newest.cid), PUSH_BLOCK_BUDGET + 1)) {
      blocks.push(block)
      bytes += block[1].length
      if (bytes > PUSH_BLOCK_BUDGET) return []
    }
    return blocks
  }

  /** The DAG of a version from the peer that told us of it, in one request (dag-protocol.ts). */
  private async fetchFromSource(cid: CID, mid: string, signal?: AbortSignal): Promise<void> {
    const peer = this.sources.get(mid)
    if (peer == null || peer.equals(this.libp2p.peerId)) return
    const bounded = AbortSignal.any([this.controller.signal, ...(signal != null ? [signal] : [])])
    const blocks = await fetchDag(this.libp2p, peer, cid, this.blocks.write, bounded)
    log.debug(`mimei ${mid}: ${blocks} blocks of ${cid} from ${peer}`)
  }

  /** Signs the MiMei's current version list and spreads it: DHT, pubsub, provider record. */
  async publish(mid: string, eolMs = DEFAULT_EOL_MS, signal?: AbortSignal): Promise<MiMeiRecord> {
    const row = this.service.requireAuthor(mid)
    const versions = this.store.versions(mid).map(v => ({ ver: v.ver, cid: v.cid, ...(v.digest != null ? { digest: v.digest } : {}), ...(v.delta != null ? { delta: v.delta } : {}) }))
    const seq = Math.max(Date.now(), row.record_seq + 1)
    const record = await signMiMeiRecord(this.privateKey, {
      mid, author: row.author, app: row.app, ext: row.ext, mark: row.mark, type: row.type,
      created: row.created, rights: row.rights, versions, release: row.release,
    }, seq, seq + eolMs)
    // kad-dht does not validate its own puts: check what every peer will check.
    await validateMiMeiRecord(mimeiKey(mid), record.bytes)
    this.store.acceptRecord(mid, record.bytes, record.seq, record.eol, versions)
    this.store.setFlags(mid, { publishing: true, providing: true })
    this.pubsub.subscribe(topicOf(mid))
    // Providers first: they are waiting for it.
    const push = encodePush(record.bytes, await this.smallNewestVersion(versions))
    await this.pubsub.publish(topicOf(mid), push).catch((err: Error) => log.debug(`push ${mid}: ${err.message}`))
    await this.announceProvider(mid)
    await this.putRecord(mid, record.bytes, signal)
    return record
  }

  private async putRecord(mid: string, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    const bounded = AbortSignal.any([this.controller.signal, AbortSignal.timeout(30_000), ...(signal != null ? [signal] : [])])
    try {
      for await (const _ of this.dht.put(enc.encode(mimeiKey(mid)), bytes, { signal: bounded })) { /* spreading */ }
    } catch (err: any) {
      log.debug(`dht put ${mid}: ${err?.message ?? err}`)
    }
  }

  /** Stops renewing the record (it expires at its EOL) and stops providing. */
  unpublish(mid: string): void {
    this.service.requireAuthor(mid)
    this.store.setFlags(mid, { publishing: false })
  }

  /** Hosts all of a MiMei's data and follows every later publish. */
  async provide(mid: string, signal?: AbortSignal): Promise<number[]> {
    const added = this.store.find(mid)?.author === this.nodeId ? [] : await this.sync(mid, { signal })
    this.store.setFlags(mid, { providing: true })
    this.pubsub.subscribe(topicOf(mid))
    await this.announceProvider(mid)
    return added
  }

  unprovide(mid: string): void {
    const row = this.store.get(mid)
    this.store.setFlags(mid, { providing: false })
    if (row.publishing !== 1) this.pubsub.unsubscribe(topicOf(mid))
  }

  /** The newest valid record the DHT holds, if any. */
  async netRecord(mid: string, signal?: AbortSignal): Promise<MiMeiRecord | undefined> {
    const values: MiMeiRecord[] = []
    const bounded = AbortSignal.any([this.controller.signal, AbortSignal.timeout(15_000), ...(signal != null ? [signal] : [])])
    try {
      for await (const evt of this.dht.get(enc.encode(mimeiKey(mid)), { signal: bounded })) {
        if (evt.name !== 'VALUE') continue
        try { values.push(await validateMiMeiRecord(mimeiKey(mid), evt.value)) } catch { /* refused */ }
      }
    } catch { /* not found or timed out: fall through */ }
    if (values.length === 0) return undefined
    return values[mimeiSelector(new Uint8Array(), values.map(v => v.bytes))]
  }

  /** Pulls the record (from the DHT, or one node) and every version's data. */
  async sync(mid: string, opts: { from?: PeerId | Multiaddr, signal?: AbortSignal } = {}): Promise<number[]> {
    const running = this.syncing.get(mid)
    if (running != null) return running
    const work = this.doSync(mid, opts).finally(() => this.syncing.delete(mid))
    this.syncing.set(mid, work)
    return work
  }

  private async doSync(mid: string, opts: { from?: PeerId | Multiaddr, signal?: AbortSignal }): Promise<number[]> {
    let record: MiMeiRecord | undefined
    if (opts.from != null) {
      const peer = peerOf(opts.from)
      if (peer != null) this.sources.set(mid, peer)
      const reply = await askInfo(this.libp2p, opts.from, mid, AbortSignal.any([AbortSignal.timeout(15_000), ...(opts.signal != null ? [opts.signal] : [])]))
      if (reply.record != null) record = await validateMiMeiRecord(mimeiKey(mid), new Uint8Array(Buffer.from(reply.record, 'base64url')))
    } else {
      record = await this.netRecord(mid, opts.signal)
      if (record == null) record = await this.recordFromProviders(mid, opts.signal)
    }
    if (record == null) throw new NotFoundError(`no record of MiMei "${mid}" found on the network`)
    return this.applyRecord(record, opts.signal)
  }

  /** Ask providers directly when the DHT has no record (e.g. right after a publish). */
  private async recordFromProviders(mid: string, signal?: AbortSignal): Promise<MiMeiRecord | undefined> {
    let best: MiMeiRecord | undefined
    for (const p of await this.findProviders(mid, signal, 5_000)) {
      if (p.ID === this.libp2p.peerId.toString()) continue
      try {
        const reply = await askInfo(this.libp2p, peerIdFromString(p.ID), mid, AbortSignal.timeout(5_000))
        if (reply.record == null) continue
        const r = await validateMiMeiRecord(mimeiKey(mid), new Uint8Array(Buffer.from(reply.record, 'base64url')))
        if (best == null || r.seq > best.seq) best = r
      } catch { /* next provider */ }
    }
    return best
  }

  /**
   * Accepts a valid record and fetches the data of versions this node lacks.
   * A version row is written only after its whole DAG is pinned, so a sync
   * killed half-way leaves earlier versions intact and simply resumes.
   */
  private async applyRecord(record: MiMeiRecord, signal?: AbortSignal): Promise<number[]> {
    const { body } = record
    if (this.store.find(body.mid) == null) {
      this.store.create({ mid: body.mid, author: body.author, app: body.app, ext: body.ext, mark: body.mark, type: body.type, created: body.created, rights: body.rights })
    }
    const newest = this.store.acceptRecord(body.mid, record.bytes, record.seq, record.eol, body.versions)
    if (body.type === 'db' && this.followDb != null) {
      // Databases move by deltas between versions, not by pinning every full copy.
      return newest ? this.followDb(body.mid, body.versions, signal) : []
    }
    const have = new Map(this.store.versions(body.mid).map(v => [v.ver, v.cid]))
    // Only the newest record adds versions; an older (or replayed) one never rolls anything back.
    const missing = newest ? body.versions.filter(v => !have.has(v.ver)) : []
    // A version this node holds with other content is a conflict: keep both contents.
    const conflicting = body.versions.filter(v => have.has(v.ver) && have.get(v.ver) !== v.cid)
    for (const v of [...missing, ...conflicting]) await this.service.pin(CID.parse(v.cid), body.mid, signal)
    const added = this.store.importVersions(body.mid, missing)
    if (newest && body.release != null && this.store.version(body.mid, body.release) != null) this.store.setRelease(body.mid, body.release)
    return added
  }

  /** A pushed record: providers take it at once. */
  private async onPush(msg: { topic: string, data: Uint8Array, type?: string, from?: PeerId }): Promise<void> {
    const mid = msg.topic.startsWith('/leither/mimei/1/') ? msg.topic.slice('/leither/mimei/1/'.length) : ''
    const row = this.store.find(mid)
    // Providers follow; an author hears other devices holding its key.
    if (row == null || (row.providing !== 1 && row.author !== this.nodeId)) return
    try {
      const push = decodePush(msg.data)
      const record = await validateMiMeiRecord(mimeiKey(mid), push.record)
      if (record.seq === row.record_seq) return
      // Signed by the author and for a MiMei we keep: its blocks, each checked, are stored before pinning looks for them.
      for (const [cid, bytes] of await verifyFrames(push.frames)) await this.blocks.write(cid, bytes)
      // The signed message's origin published this version: it has every block.
      if (msg.type === 'signed' && msg.from != null) this.sources.set(mid, msg.from)
      // Older records still count for conflicts and keep their content; they never replace a newer one.
      const added = await this.applyRecord(record, this.controller.signal)
      log.info(`mimei ${mid}: versions ${added.join(',') || 'none'} synced from a push`)
    } catch (err: any) {
      log.warn(`refused a pushed record for ${mid}: ${err?.message ?? err}`)
    }
  }

  private async pollProvided(): Promise<void> {
    for (const row of this.store.duties()) {
      if (row.providing !== 1 || row.author === this.nodeId || this.controller.signal.aborted) continue
      try {
        // A sync cut short (crash, kill -9) left versions of the held record missing: finish it.
        if (row.record != null && await this.isBehind(row.mid, row.record)) {
          await this.applyRecord(await validateMiMeiRecord(mimeiKey(row.mid), row.record), this.controller.signal)
        }
        const record = await this.netRecord(row.mid, this.controller.signal)
        if (record != null && record.seq > (this.store.find(row.mid)?.record_seq ?? 0)) await this.applyRecord(record, this.controller.signal)
      } catch (err: any) {
        log.debug(`poll ${row.mid}: ${err?.message ?? err}`)
      }
    }
  }

  /** True when this node lacks a version its newest record names. */
  private async isBehind(mid: string, recordBytes: Uint8Array): Promise<boolean> {
    try {
      const { body } = await validateMiMeiRecord(mimeiKey(mid), recordBytes, 0)
      const have = new Set(this.store.versions(mid).map(v => v.ver))
      return body.versions.some(v => !have.has(v.ver))
    } catch {
      return false
    }
  }

  /** Re-signs records past half their life so a running author's MiMei never expire. */
  private async renewPublished(): Promise<void> {
    const now = Date.now()
    for (const row of this.store.duties()) {
      if (row.publishing !== 1 || row.author !== this.nodeId || this.controller.signal.aborted) continue
      const life = row.record_eol - row.record_seq
      if (life > 0 && row.record_eol - now < life / 2) {
        await this.publish(row.mid, life).catch(err => log.warn(`renew ${row.mid}: ${err?.message ?? err}`))
      }
    }
  }

  /** Nodes announcing the MiMei, each with the versions it holds. */
  async findProviders(mid: string, signal?: AbortSignal, timeoutMs = 15_000): Promise<ProviderInfo[]> {
    const key = await providerKey(mid)
    const bounded = AbortSignal.any([this.controller.signal, AbortSignal.timeout(timeoutMs), ...(signal != null ? [signal] : [])])
    const found = new Map<string, { id: PeerId, addrs: string[] }>()
    if (this.store.find(mid)?.providing === 1) found.set(this.libp2p.peerId.toString(), { id: this.libp2p.peerId, addrs: this.libp2p.getMultiaddrs().map(a => a.toString()) })
    try {
      for await (const p of this.libp2p.contentRouting.findProviders(key, { signal: bounded })) {
        found.set(p.id.toString(), { id: p.id, addrs: p.multiaddrs.map(a => a.toString()) })
      }
    } catch (err: any) {
      if (found.size === 0 && err?.name !== 'AbortError' && err?.name !== 'TimeoutError') log.debug(`findprovs ${mid}: ${err?.message ?? err}`)
    }
    const out: ProviderInfo[] = []
    for (const { id, addrs } of found.values()) {
      let versions: Array<{ ver: number, cid: string }> = []
      if (id.equals(this.libp2p.peerId)) versions = this.info(mid).versions
      else {
        try { versions = (await askInfo(this.libp2p, id, mid, AbortSignal.timeout(5_000))).versions } catch { /* unreachable provider */ }
      }
      out.push({ ID: id.toString(), ShortID: id.publicKey != null ? shortIdFromPublicKey(id.publicKey.raw) : id.toString(), Addrs: [...new Set(addrs.map(a => a.replace(/\/p2p\/[^/]+$/, '')))], Versions: versions, Last: versions.at(-1)?.ver ?? 0 })
    }
    return out
  }
}


/** The peer a --from names: a PeerId, or a multiaddr's /p2p/ part. */
function peerOf(from: PeerId | Multiaddr): PeerId | undefined {
  if (!isMultiaddr(from)) return from
  const id = from.getComponents().findLast(c => c.name === 'p2p')?.value
  return id == null ? undefined : peerIdFromString(id)
}
