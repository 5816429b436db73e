/**
 * Keeps the file tree's blocks from garbage collection, at the cost of what a change touched.
 *
 * Every block reachable from the tree's root has a record `/local/filesrefs/<cid>`: how many
 * links from live blocks point at it (plus one for the root itself) and how many links it
 * has. A block whose count goes from 0 to 1 counts its children; one whose count drops to 0
 * uncounts them. So a change that rewrote a path touches that path, and a removed subtree is
 * walked once; the unchanged rest of the tree is never read. Each live block holds one count
 * in Helia's pinned-block record (pinned-blocks.ts), which is what helia.gc() checks.
 *
 * Blocks are protected before a change writes or first reads them: a "pending" record and
 * one pin count each, so a gc that runs mid-change cannot take them. The commit turns that
 * protection into live counts, or drops it, in the same datastore batch that stores the new
 * root; pending records left by a crash are released at the next start (releaseStale).
 */
import * as dagPB from '@ipld/dag-pb'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import type { Batch, Datastore } from 'interface-datastore'
import type { Blockstore } from 'interface-blockstore'
import { PinCountChanges } from './pinned-blocks.ts'
import { InvalidInputError } from '../utils/errors.ts'
import { logger } from '../utils/logger.ts'

const log = logger('mfs')

const REFS_PREFIX = '/local/filesrefs/'
const PENDING_PREFIX = '/local/filespending/'

const refsKey = (id: string) => new Key(REFS_PREFIX + id)
const pendingKey = (id: string) => new Key(PENDING_PREFIX + id)
/** One id per block and codec: CIDv0 and its CIDv1 are the same block. */
const idOf = (cid: CID) => cid.toV1().toString()

export interface TreeRefsInit {
  datastore: Datastore
  /** Where blocks are read from (the network when the node has a block broker). */
  blockstore: Pick<Blockstore, 'get'>
}

/** A block's place in the count: `stored` as committed, `count` as this change leaves it. */
interface Entry {
  cid: CID
  stored: number
  count: number
  /** How many links the block has; undefined until known. */
  links?: number
  storedLinks?: number
}

export class TreeRefs {
  private readonly init: TreeRefsInit

  constructor(init: TreeRefsInit) {
    this.init = init
  }

  /** Starts a change; exactly one of commit() or abort() must follow. */
  begin(options: { signal?: AbortSignal } = {}): RefsChange {
    return new RefsChange(this.init, options.signal)
  }

  /** Releases the protection of changes a crash interrupted; returns how many blocks. */
  async releaseStale(): Promise<number> {
    const { datastore } = this.init
    const batch = datastore.batch()
    const pins = new PinCountChanges()
    let n = 0
    for await (const key of datastore.queryKeys({ prefix: PENDING_PREFIX })) {
      batch.delete(key)
      pins.add(CID.parse(key.toString().slice(PENDING_PREFIX.length)), -1, false)
      n++
    }
    if (n === 0) return 0
    await pins.addTo(datastore, batch)
    await batch.commit()
    return n
  }
}

export class RefsChange {
  private readonly init: TreeRefsInit
  private readonly signal?: AbortSignal
  private readonly entries = new Map<string, Promise<Entry>>()
  private readonly protecting = new Map<string, Promise<void>>()
  /** Blocks this change holds a pending pin count for. */
  private readonly pending = new Set<string>()
  /** Links of blocks this change wrote, read from their bytes on the way in. */
  private readonly learned = new Map<string, CID[]>()
  private done = false

  constructor(init: TreeRefsInit, signal?: AbortSignal) {
    this.init = init
    this.signal = signal
  }

  /**
   * Protects a block from gc until the change ends. Call it before the block is written:
   * a gc that already listed the block then either sees the protection or has finished
   * before the write (Helia's gc holds the blockstore's write lock).
   */
  protect(cid: CID): Promise<void> {
    const id = idOf(cid)
    let p = this.protecting.get(id)
    if (p == null) {
      p = (async () => {
        const entry = await this.entry(cid)
        if (entry.stored > 0) return // live: already counted
        const batch = this.init.datastore.batch()
        batch.put(pendingKey(id), new Uint8Array(0))
        const pins = new PinCountChanges()
        pins.add(cid, 1, true)
        await pins.addTo(this.init.datastore, batch)
        await batch.commit()
        this.pending.add(id)
      })()
      this.protecting.set(id, p)
    }
    return p
  }

  /** `inner` as this change writes through it: each block protected first, its links noted. */
  guard<B extends Pick<Blockstore, 'get' | 'put' | 'has'>>(inner: B): Pick<Blockstore, 'get' | 'put' | 'has'> {
    return {
      get: (cid, options) => inner.get(cid, options),
      has: (cid, options) => inner.has(cid, options),
      put: async (cid, bytes, options) => {
        await this.protect(cid)
        if (bytes instanceof Uint8Array) this.learn(cid, bytes)
        return inner.put(cid, bytes, options)
      },
    }
  }

  /** Notes the links of a block about to be written, so the count need not read it back. */
  learn(cid: CID, bytes: Uint8Array): void {
    if (cid.code === dagPB.code) this.learned.set(idOf(cid), dagPB.decode(bytes).Links.map(l => l.Hash))
    else if (cid.code === raw.code) this.learned.set(idOf(cid), [])
  }

  /**
   * Moves the count from `oldRoot`'s tree to `newRoot`'s and commits it, the protection
   * release and whatever `extra` adds (the new root) in one batch.
   */
  async commit(oldRoot: CID | undefined, newRoot: CID, extra: (batch: Batch) => void): Promise<void> {
    this.finish()
    try {
      // Count the new tree first, so blocks both trees share never drop to zero.
      await this.inc(newRoot)
      if (oldRoot != null) await this.dec(oldRoot)
      await Promise.all(this.protecting.values())
      const batch = this.init.datastore.batch()
      const pins = new PinCountChanges()
      for (const pending of this.entries.values()) {
        const e = await pending
        const id = idOf(e.cid)
        const held = (e.stored > 0 ? 1 : 0) + (this.pending.has(id) ? 1 : 0)
        pins.add(e.cid, (e.count > 0 ? 1 : 0) - held, e.count > 0)
        if (e.count > 0 && (e.count !== e.stored || e.links !== e.storedLinks)) batch.put(refsKey(id), encodeRecord(e.count, e.links ?? 0))
        else if (e.count === 0 && e.stored > 0) batch.delete(refsKey(id))
      }
      for (const id of this.pending) batch.delete(pendingKey(id))
      await pins.addTo(this.init.datastore, batch)
      extra(batch)
      await batch.commit()
    } catch (err) {
      // Nothing was committed (the batch is one transaction): only the protection goes.
      await this.release().catch(e => log.warn(`cannot release the protection of a failed change: ${e?.message ?? e}`))
      throw err
    }
  }

  /** Drops the protection of everything this change wrote; the committed tree is untouched. */
  async abort(): Promise<void> {
    this.finish()
    await this.release()
  }

  private finish(): void {
    if (this.done) throw new Error('this change was already committed or aborted')
    this.done = true
  }

  private async release(): Promise<void> {
    await Promise.allSettled(this.protecting.values())
    if (this.pending.size === 0) return
    const batch = this.init.datastore.batch()
    const pins = new PinCountChanges()
    for (const id of this.pending) {
      batch.delete(pendingKey(id))
      pins.add(CID.parse(id), -1, false)
    }
    await pins.addTo(this.init.datastore, batch)
    await batch.commit()
    this.pending.clear()
  }

  private entry(cid: CID): Promise<Entry> {
    const id = idOf(cid)
    let p = this.entries.get(id)
    if (p == null) {
      p = readRecord(this.init.datastore, id).then(r => ({ cid, stored: r?.count ?? 0, count: r?.count ?? 0, links: r?.links, storedLinks: r?.links }))
      this.entries.set(id, p)
    }
    return p
  }

  private async inc(cid: CID): Promise<void> {
    const e = await this.entry(cid)
    e.count++
    if (e.count !== 1) return
    // Newly reached: protect before reading, as gc may run while we fetch.
    await this.protect(cid)
    const children = await this.childrenOf(cid, false)
    e.links = children.length
    for (const child of children) await this.inc(child)
  }

  private async dec(cid: CID): Promise<void> {
    const e = await this.entry(cid)
    if (e.count <= 0) {
      log.warn(`file tree count of ${cid} is already zero`)
      return
    }
    e.count--
    if (e.count !== 0 || (e.links ?? 0) === 0) return
    let children: CID[]
    try {
      children = await this.childrenOf(cid, true)
    } catch (err: any) {
      if (err?.name === 'AbortError') throw err
      // Its children stay counted (kept from gc) rather than risk uncounting live blocks.
      log.warn(`cannot read ${cid} to release its children: ${err?.message ?? err}`)
      return
    }
    for (const child of children) await this.dec(child)
  }

  private async childrenOf(cid: CID, offline: boolean): Promise<CID[]> {
    const known = this.learned.get(idOf(cid))
    if (known != null) return known
    if (cid.code === raw.code) return []
    if (cid.code !== dagPB.code) throw new InvalidInputError(`${cid} is not UnixFS (dag-pb or raw): the file tree holds UnixFS only`)
    const chunks: Uint8Array[] = []
    for await (const chunk of this.init.blockstore.get(cid, { signal: this.signal, offline } as any)) chunks.push(chunk)
    return dagPB.decode(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).Links.map(l => l.Hash)
  }
}

interface RefRecord {
  count: number
  links: number
}

const enc = new TextEncoder()
const dec = new TextDecoder()

/** `"<count> <links>"`: small, and readable when debugging a datastore. */
function encodeRecord(count: number, links: number): Uint8Array {
  return enc.encode(`${count} ${links}`)
}

async function readRecord(datastore: Datastore, id: string): Promise<RefRecord | undefined> {
  let bytes: Uint8Array
  try {
    bytes = await datastore.get(refsKey(id))
  } catch (err: any) {
    if (err?.name === 'NotFoundError') return undefined
    throw err
  }
  const [count = 0, links = 0] = dec.decode(bytes).split(' ').map(Number)
  return { count, links }
}
