/**
 * A DAG walker for helia.pins.add that does not read blocks it knows have no links.
 *
 * Helia's walkers read every block to find its links, so pinning a file just added read back
 * every byte just written (a sixth of the time of a CIDv0 add). A pin needs only the CIDs.
 * A raw block never has links; a dag-pb block noted by a `LeafNotes` as it was written has
 * none either. Such a leaf is only checked to be in the blockstore; when it is not (gc took it
 * meanwhile), it is fetched like any other block, as Helia's walker would. Every other block
 * is read and decoded as Helia does. Order: depth first, links in their stored order.
 */
import * as dagPb from '@ipld/dag-pb'
import { createUnsafe } from 'multiformats/block'
import * as raw from 'multiformats/codecs/raw'
import type { GraphNode, GraphWalker, GraphWalkerComponents, GraphWalkerFactory, WalkOptions } from 'helia'
import type { CID } from 'multiformats/cid'
import type { BlockCursorView, BlockView, ByteView } from 'multiformats/block/interface'

// Past this many notes (a 64 GiB CIDv0 add) leaves are read again, so the notes stay < ~20 MB.
const MAX_NOTES = 1 << 18

/** The dag-pb blocks seen, as they were written, to have no links. */
export class LeafNotes {
  private readonly keys = new Set<string>()

  /** Notes `cid` if its block has no links; call with each block as it is stored. */
  note (cid: CID, bytes: Uint8Array): void {
    if (cid.code !== dagPb.code || this.keys.size >= MAX_NOTES) return
    if (dagPb.decode(bytes).Links.length === 0) this.keys.add(keyOf(cid))
  }

  /** True when `cid` is known to have no links without reading it. */
  isLeaf (cid: CID): boolean {
    return cid.code === raw.code || (cid.code === dagPb.code && this.keys.has(keyOf(cid)))
  }
}

/** A walker for `pins.add({ walker })` that skips reading raw leaves and `notes`' leaves. */
export function leafSkippingWalker (notes: LeafNotes = new LeafNotes()): GraphWalkerFactory {
  return components => new LeafSkippingWalker(components, notes)
}

interface Job {
  cid: CID
  depth: number
  path: CID[]
}

class LeafSkippingWalker implements GraphWalker {
  private readonly components: GraphWalkerComponents
  private readonly notes: LeafNotes

  constructor (components: GraphWalkerComponents, notes: LeafNotes) {
    this.components = components
    this.notes = notes
  }

  async * walk<T = any> (cid: CID, options: WalkOptions<T> = {}): AsyncGenerator<GraphNode<T>> {
    const maxDepth = options.depth ?? Infinity
    const stack: Job[] = [{ cid, depth: 0, path: [cid] }]
    while (stack.length > 0) {
      options.signal?.throwIfAborted()
      const job = stack.pop()!
      const block = await this.load<T>(job.cid, options)
      if (job.depth < maxDepth) {
        const children: Job[] = []
        for (const [, child] of block.links()) {
          if (options.includeChild?.(child, block) === false) continue
          children.push({ cid: child, depth: job.depth + 1, path: [...job.path, child] })
        }
        // Reversed onto the stack, so the first link is walked first.
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
      }
      yield { block, depth: job.depth, path: job.path }
    }
  }

  private async load<T> (cid: CID, options: WalkOptions<T>): Promise<BlockView<T, number, number, 0 | 1>> {
    const { blockstore, getCodec } = this.components
    if (this.notes.isLeaf(cid) && await blockstore.has(cid, options)) return new UnreadLeaf<T>(cid)
    const bytes = await collect(blockstore.get(cid, options))
    return createUnsafe<T, number, number, 0 | 1>({ cid: cid as CID<T, number, number, 0 | 1>, bytes, codec: await getCodec(cid.code) })
  }
}

/** A block known to link to nothing and not read: its bytes and value are not at hand. */
class UnreadLeaf<T> implements BlockView<T, number, number, 0 | 1> {
  readonly cid: CID<T, number, number, 0 | 1>

  constructor (cid: CID) {
    this.cid = cid as CID<T, number, number, 0 | 1>
  }

  get bytes (): ByteView<T> {
    throw new Error(`Block "${this.cid.toString()}" was not read: the pin walk needs only its CID`)
  }

  get value (): T {
    throw new Error(`Block "${this.cid.toString()}" was not read: the pin walk needs only its CID`)
  }

  * links (): Iterable<[string, CID]> { /* a leaf */ }

  * tree (): Iterable<string> { /* a leaf */ }

  get (path: string): BlockCursorView<unknown> {
    throw new Error(`Block "${this.cid.toString()}" was not read: cannot resolve "${path}" in it`)
  }
}

function keyOf (cid: CID): string {
  const mh = cid.multihash.bytes
  return Buffer.from(mh.buffer, mh.byteOffset, mh.byteLength).toString('latin1')
}

async function collect (chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return parts.length === 1 ? parts[0]! : new Uint8Array(Buffer.concat(parts))
}
