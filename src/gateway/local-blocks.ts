import { identity } from 'multiformats/hashes/identity'
import { concatBytes } from '../utils/bytes.ts'
import { BlockNotLocalError, BlockUnavailableError } from './errors.ts'
import type { BlockReader } from './block.ts'
import type { CID } from 'multiformats/cid'

/**
 * Blocks already on this node, read synchronously: the SQLite blockstore (`node.blocks`), or a
 * MemoryBlockstore in tests. A missing block throws an error named `NotFoundError`.
 */
export interface LocalBlocks {
  get(cid: CID): Iterable<Uint8Array>
}

/**
 * A reader over `local` alone that throws BlockNotLocalError instead of waiting for the network.
 * It takes no lock and sets up no signal: a local read is one synchronous SQLite query.
 */
export function localOnlyReader(local: LocalBlocks): BlockReader {
  return {
    * get(cid) {
      const bytes = readLocal(local, cid)
      if (bytes == null) throw new BlockNotLocalError(cid.toString())
      yield bytes
    }
  }
}

/** Reads from `local` first and asks `network` (Helia's blockstore) only for a block missing here. */
export function localFirstReader(local: LocalBlocks | undefined, network: BlockReader): BlockReader {
  if (local == null) return network
  return {
    async * get(cid, options) {
      const bytes = readLocal(local, cid)
      if (bytes != null) yield bytes
      else yield * network.get(cid, options)
    }
  }
}

/** The block's bytes, or undefined when this node does not hold it. */
function readLocal(local: LocalBlocks, cid: CID): Uint8Array | undefined {
  // Identity CIDs carry their block inline; blockstores never hold them.
  if (cid.multihash.code === identity.code) return cid.multihash.digest
  try {
    return concatBytes([...local.get(cid)])
  } catch (err) {
    if ((err as Error)?.name === 'NotFoundError') return undefined
    throw new BlockUnavailableError(cid.toString(), (err as Error)?.message ?? String(err))
  }
}
