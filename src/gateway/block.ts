import { BlockUnavailableError } from './errors.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import { concatBytes } from '../utils/bytes.ts'

/** A block with its bytes, as CAR files carry them. */
export interface Block {
  cid: CID
  bytes: Uint8Array
}

/** The part of a blockstore the gateway reads through. */
export type BlockReader = Pick<Blockstore, 'get'>

/**
 * Reads one whole block (interface-blockstore v7 yields chunks).
 *
 * A failure that is not our own abort becomes BlockUnavailableError, so a missing block is
 * never mistaken for a missing path by code that also sees exporters' NotFoundError.
 */
export async function readBlock(blockstore: BlockReader, cid: CID, signal: AbortSignal): Promise<Uint8Array> {
  try {
    const chunks: Uint8Array[] = []
    for await (const chunk of blockstore.get(cid, { signal })) chunks.push(chunk)
    return concatBytes(chunks)
  } catch (err) {
    if (signal.aborted || err instanceof BlockUnavailableError) throw err
    throw new BlockUnavailableError(cid.toString(), (err as Error).message)
  }
}

/** A read-only view of `blockstore` that remembers, in order, every block read through it. */
export function recordingReader(blockstore: BlockReader, seen: Block[]): BlockReader {
  return {
    async * get(cid, options) {
      const signal = options?.signal ?? new AbortController().signal
      const bytes = await readBlock(blockstore, cid, signal)
      seen.push({ cid, bytes })
      yield bytes
    }
  }
}
