/**
 * /leither/dag/1.0.0 — a whole DAG from one peer in one request. A provider
 * told of a new version by a push fetches it here from the pusher, which
 * has every block, instead of through bitswap: no wantlist broadcast to all
 * peers and no DHT search for each block. Whatever this does not deliver
 * (a missing block, a cut stream, a DAG over the limit) bitswap still
 * fetches when the version is pinned, so this is only ever a fast path.
 *
 * Request: one length-prefixed JSON frame {cid}. Reply: frames of
 * CID bytes + block bytes, in walk order, then an empty frame. The server
 * sends only blocks it has locally; the client checks every block's hash.
 */
import { lpStream } from '@libp2p/utils'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import * as dagPb from '@ipld/dag-pb'
import { logger } from '../utils/logger.ts'
import { concatBytes, equalBytes } from '../utils/bytes.ts'

export const DAG_PROTOCOL = '/leither/dag/1.0.0'
const MAX_REQUEST = 1024
/** A block plus its CID; UnixFS blocks are at most 1 MiB (kubo's limit is 2 MiB). */
const MAX_FRAME = 2 * 1024 * 1024 + 256
/** Beyond this a DAG is left to bitswap, which spreads it over several peers. */
const MAX_DAG_BYTES = 256 * 1024 * 1024

const log = logger('mimei')
const enc = new TextEncoder()
const dec = new TextDecoder()

/** Reads one block from a blockstore whose get returns bytes, a promise, or chunks. */
export type BlockReader = (cid: CID) => Promise<Uint8Array | undefined>
export type BlockWriter = (cid: CID, bytes: Uint8Array) => Promise<void>

/** The CIDs a block links to: dag-pb links; raw blocks and other codecs have none we follow. */
function linksOf(cid: CID, bytes: Uint8Array): CID[] {
  if (cid.code !== dagPb.code) return []
  return dagPb.decode(bytes).Links.map(l => l.Hash)
}

/**
 * The local blocks of the DAG under `root`, breadth first, until `budget`
 * bytes have been yielded (a block missing here is skipped: someone else
 * has it).
 */
export async function * localDag(read: BlockReader, root: CID, budget: number): AsyncGenerator<[CID, Uint8Array]> {
  let sent = 0
  const seen = new Set<string>()
  const queue: CID[] = [root]
  while (queue.length > 0 && sent < budget) {
    const cid = queue.shift()!
    const key = cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    const bytes = await read(cid)
    if (bytes == null) continue
    yield [cid, bytes]
    sent += bytes.length
    queue.push(...linksOf(cid, bytes))
  }
}

/** A frame (CID bytes + block bytes) as a checked block; throws when the bytes are not the CID's. */
export async function verifiedBlock(frame: Uint8Array): Promise<[CID, Uint8Array]> {
  const [cid, bytes] = CID.decodeFirst(frame)
  if (cid.multihash.code !== sha256.code) throw new Error(`block ${cid} uses a hash this protocol does not carry`)
  const digest = await sha256.digest(bytes)
  if (!equalBytes(digest.digest, cid.multihash.digest)) throw new Error(`block ${cid} does not match its hash`)
  if (cid.code !== dagPb.code && cid.code !== raw.code) throw new Error(`block ${cid} has a codec this protocol does not carry`)
  return [cid, bytes]
}

export async function serveDag(libp2p: Libp2p<any>, read: BlockReader): Promise<void> {
  await libp2p.handle(DAG_PROTOCOL, async stream => {
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
    const signal = AbortSignal.timeout(120_000)
    try {
      const frame = (await lp.read({ signal })).subarray()
      if (frame.length > MAX_REQUEST) throw new Error('request too long')
      const req = JSON.parse(dec.decode(frame))
      const root = CID.parse(String(req?.cid ?? ''))
      for await (const [cid, bytes] of localDag(read, root, MAX_DAG_BYTES)) {
        await lp.write(concatBytes([cid.bytes, bytes]), { signal })
      }
      await lp.write(new Uint8Array(0), { signal })
      await stream.close()
    } catch (err: any) {
      stream.abort(err)
    }
  }, { runOnLimitedConnection: false })
}

/**
 * Fetches the DAG under `root` from `peer` into the local store; returns how
 * many blocks arrived. Never throws for the peer's faults: a bad block ends
 * the transfer (what arrived before it stays, each checked).
 */
export async function fetchDag(libp2p: Libp2p<any>, peer: PeerId, root: CID, write: BlockWriter, signal: AbortSignal): Promise<number> {
  let count = 0
  try {
    const stream = await libp2p.dialProtocol(peer, DAG_PROTOCOL, { signal })
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
    await lp.write(enc.encode(JSON.stringify({ cid: root.toString() })), { signal })
    for (;;) {
      const frame = (await lp.read({ signal })).subarray()
      if (frame.length === 0) break
      const [cid, bytes] = await verifiedBlock(frame)
      await write(cid, bytes)
      count++
    }
    await stream.close().catch(() => {})
  } catch (err: any) {
    log.debug(`dag ${root} from ${peer}: ${err?.message ?? err} (${count} blocks arrived; bitswap fetches the rest)`)
  }
  return count
}
