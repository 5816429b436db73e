/**
 * Helia's per-block pin records, shared with Helia's own pins.
 *
 * Helia 7 keeps one record per pinned block under `/pinned-block/<base36 multihash>`
 * (CBOR `{ pinCount, pinnedBy }`), and helia.gc() and Blocks.delete() keep any block that has
 * one. Holding a count in those records is how a component other than `pins` keeps blocks
 * from gc without a pin of its own: the file tree does this so that a change costs what it
 * touched, where re-pinning its root would walk the whole tree. `pinnedBy` names Helia's
 * pins only, and we never add to it. The format is Helia's, so mfs-refs.test.ts checks it
 * against helia.gc() and helia.pins on every upgrade.
 *
 * Helia 7's pins.rm() keeps only the removed pin in `pinnedBy` (its filter is inverted), so
 * a later pins.add() of that CID sees itself listed and skips its count. Alone, Helia drops
 * the record at count 0 and the stale entry goes with it; with our count in the record it
 * survives, and the under-count would let gc take pinned blocks once our count goes. So a
 * record we write never counts fewer holders than the live pins it names plus our own.
 */
import * as cborg from 'cborg'
import { Key } from 'interface-datastore'
import { base36 } from 'multiformats/bases/base36'
import { CID } from 'multiformats/cid'
import type { Batch, Datastore } from 'interface-datastore'
import { logger } from '../utils/logger.ts'

const log = logger('pinned-blocks')

interface PinnedBlock {
  pinCount: number
  pinnedBy: Uint8Array[]
}

/** The record key of a block, by multihash as Helia keys it (CIDv0 and v1 share one). */
export function pinnedBlockKey(cid: CID): Key {
  return new Key(`/pinned-block/${base36.encode(cid.multihash.bytes)}`)
}

/** Helia's key of a pin (`/pin/<CIDv1 base36>`). */
function pinKey(cid: CID): Key {
  return new Key(`/pin/${cid.toV1().toString(base36)}`)
}

/** Pin count changes by block, summed over CIDs that share a multihash. */
export class PinCountChanges {
  private readonly changes = new Map<string, { key: Key, delta: number, held: number }>()

  /** Changes our count of `cid`'s block by `delta`; `held`: we still hold it afterwards. */
  add(cid: CID, delta: number, held: boolean): void {
    if (delta === 0) return
    const key = pinnedBlockKey(cid)
    const change = this.changes.get(key.toString()) ?? { key, delta: 0, held: 0 }
    change.delta += delta
    change.held += held ? 1 : 0
    this.changes.set(key.toString(), change)
  }

  /**
   * Adds the updated records to `batch`. The records are read here, just before the batch
   * commits, so no await of the caller's separates this read from that write.
   */
  async addTo(datastore: Datastore, batch: Batch): Promise<void> {
    for (const { key, delta, held } of this.changes.values()) {
      if (delta === 0) continue
      const record = await readRecord(datastore, key)
      let pinCount = (record?.pinCount ?? 0) + delta
      if (pinCount < 0) log.warn(`pin count of ${key} would go below zero (${pinCount})`)
      const floor = (await livePins(datastore, record?.pinnedBy ?? [])) + held
      if (pinCount < floor) pinCount = floor
      if (pinCount <= 0) {
        if (record != null) batch.delete(key)
      } else {
        batch.put(key, cborg.encode({ pinCount, pinnedBy: record?.pinnedBy ?? [] }))
      }
    }
  }
}

/** How many of the pins a record names still exist. */
async function livePins(datastore: Datastore, pinnedBy: Uint8Array[]): Promise<number> {
  let n = 0
  for (const bytes of new Set(pinnedBy.map(b => CID.decode(b).toV1().toString()))) {
    if (await datastore.has(pinKey(CID.parse(bytes)))) n++
  }
  return n
}

async function readRecord(datastore: Datastore, key: Key): Promise<PinnedBlock | undefined> {
  try {
    return cborg.decode(await datastore.get(key)) as PinnedBlock
  } catch (err: any) {
    if (err?.name === 'NotFoundError') return undefined
    throw err
  }
}
