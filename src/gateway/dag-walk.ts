import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { readBlock } from './block.ts'
import type { Block, BlockReader } from './block.ts'
import type { DagScope } from './format.ts'
import type { CID } from 'multiformats/cid'

/**
 * Yields the blocks of the DAG under `root`, depth-first in link order, each once.
 *
 * Only dag-pb links are followed (raw leaves have none; other codecs are sent as their
 * single block). `entity` stops at a directory's own blocks (HAMT shards included) and
 * keeps a file whole; `block` is the root alone.
 */
export async function* walkDag(root: Block, scope: DagScope, blockstore: BlockReader, signal: AbortSignal): AsyncGenerator<Block> {
  const seen = new Set<string>([root.cid.toString()])
  const stack: CID[] = []
  const push = (block: Block): void => {
    if (scope === 'block') return
    stack.push(...childLinks(block, scope).reverse())
  }
  yield root
  push(root)
  while (stack.length > 0) {
    const cid = stack.pop() as CID
    const key = cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    const block = { cid, bytes: await readBlock(blockstore, cid, signal) }
    yield block
    push(block)
  }
}

function childLinks({ cid, bytes }: Block, scope: DagScope): CID[] {
  if (cid.code !== dagPb.code) return []
  const node = dagPb.decode(bytes)
  if (scope === 'all') return node.Links.map(link => link.Hash)
  const unixfs = decodeUnixFS(node.Data)
  if (unixfs?.type === 'directory') return []
  if (unixfs?.type === 'hamt-sharded-directory') {
    // In a shard, links named by the bare hex prefix are sub-shards; longer names are entries.
    const prefix = (Number(unixfs.fanout ?? 256n) - 1).toString(16).length
    return node.Links.filter(link => (link.Name ?? '').length === prefix).map(link => link.Hash)
  }
  return node.Links.map(link => link.Hash)
}

function decodeUnixFS(data: Uint8Array | undefined): UnixFS | undefined {
  if (data == null) return undefined
  try {
    return UnixFS.unmarshal(data)
  } catch {
    return undefined
  }
}
