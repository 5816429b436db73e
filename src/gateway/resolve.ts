import * as dagPb from '@ipld/dag-pb'
import { walkPath } from 'ipfs-unixfs-exporter'
import * as raw from 'multiformats/codecs/raw'
import { recordingReader } from './block.ts'
import { BlockUnavailableError, GatewayError, PathNotFoundError, UnsupportedContentError } from './errors.ts'
import type { Block, BlockReader } from './block.ts'
import type { ContentPath } from './content-path.ts'
import type { CID } from 'multiformats/cid'

/** Where a content path leads. */
export interface Resolved {
  /** The CID the path ends at. */
  cid: CID
  /** The root CID and the CID of every segment (X-Ipfs-Roots). */
  roots: CID[]
  /** Blocks read to walk from the root to `cid`, in order: a CAR needs them to prove the path. */
  pathBlocks: Block[]
}

/** Walks the path's segments through UnixFS directories (HAMT shards included), one at a time. */
export async function resolvePath(blockstore: BlockReader, path: ContentPath, signal: AbortSignal): Promise<Resolved> {
  const seen: Block[] = []
  const reader = recordingReader(blockstore, seen)
  let cid = path.cid
  const roots = [cid]
  for (const [i, name] of path.segments.entries()) {
    const parent = display(path, i)
    cid = await resolveChild(reader, cid, name, parent, signal)
    roots.push(cid)
  }
  const unique = new Map<string, Block>()
  for (const block of seen) if (!block.cid.equals(cid)) unique.set(block.cid.toString(), block)
  return { cid, roots, pathBlocks: [...unique.values()] }
}

/** The CID of entry `name` in directory `dir`, or undefined when there is none. */
export async function findEntry(blockstore: BlockReader, dir: CID, name: string, signal: AbortSignal): Promise<CID | undefined> {
  try {
    return await resolveChild(blockstore, dir, name, dir.toString(), signal)
  } catch (err) {
    if (err instanceof PathNotFoundError) return undefined
    throw err
  }
}

/** Exporter errors name the condition; a missing block reads as NotFoundError too, so only names we know are trusted. */
export function mapExporterError(err: unknown, cid: CID, path: string, signal: AbortSignal): unknown {
  if (signal.aborted || err instanceof GatewayError) return err
  const name = (err as Error)?.name
  if (name === 'NotUnixFSError' || name === 'NoResolverError' || name === 'InvalidPBNodeError') {
    return new UnsupportedContentError(path, `${cid} is not UnixFS (codec 0x${cid.code.toString(16)})`)
  }
  return new BlockUnavailableError(cid.toString(), (err as Error)?.message ?? String(err))
}

async function resolveChild(reader: BlockReader, parent: CID, name: string, parentPath: string, signal: AbortSignal): Promise<CID> {
  if (parent.code === raw.code) throw new PathNotFoundError(`${parentPath}/${name}`, `"${parentPath}" is a file`)
  if (parent.code !== dagPb.code) {
    throw new UnsupportedContentError(`${parentPath}/${name}`, `paths are only walked through UnixFS (dag-pb), not codec 0x${parent.code.toString(16)}`)
  }
  let child: CID | undefined
  try {
    // One segment per walk: walkPath splits on "/", and our names are already decoded.
    for await (const entry of walkPath(`${parent}/${name}`, reader, { signal })) child = entry.cid
  } catch (err) {
    if (signal.aborted || err instanceof GatewayError) throw err
    const errName = (err as Error)?.name
    if (errName === 'NotFoundError') throw new PathNotFoundError(`${parentPath}/${name}`, `no entry "${name}" in "${parentPath}"`)
    throw mapExporterError(err, parent, parentPath, signal)
  }
  if (child == null || child.equals(parent)) throw new PathNotFoundError(`${parentPath}/${name}`, `no entry "${name}" in "${parentPath}"`)
  return child
}

// Human-readable (decoded) form of the first `depth` segments, for messages.
function display(path: ContentPath, depth: number): string {
  return ['/ipfs', path.cidText, ...path.segments.slice(0, depth)].join('/')
}
