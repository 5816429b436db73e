import { exporter } from 'ipfs-unixfs-exporter'
import { concatBytes } from '../utils/bytes.ts'
import { UnsupportedContentError } from './errors.ts'
import { findEntry, mapExporterError, resolvePath } from './resolve.ts'
import type { BlockReader } from './block.ts'
import type { ContentPath } from './content-path.ts'
import type { UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/** A UnixFS file (or raw leaf) as the gateway serves it. */
export interface FileTarget {
  cid: CID
  size: number
  /** The whole content, when it was small and read up front. */
  bytes?: Uint8Array
  /** The type sniffed from the first bytes, filled in the first time a response needs it. */
  sniffed?: string
}

/**
 * What a rendered (UnixFS) request path leads to. It depends only on the CID and the path,
 * so a complete one can be cached for good.
 */
export type Target =
  | { kind: 'file', cid: CID, roots: CID[], file: FileTarget }
  /** `index` is the directory's index.html when it has one (and it was looked up). */
  | { kind: 'directory', cid: CID, roots: CID[], index?: FileTarget }

export interface TargetOptions {
  /** Look up a directory's index.html (not needed to answer with a redirect). */
  index: boolean
  /** Read files of at most this many bytes whole, into `bytes`. */
  readUpTo: number
}

/** Walks the path, then exports the CID it ends at once: type, size and, for a small file, its bytes. */
export async function resolveTarget(reader: BlockReader, path: ContentPath, signal: AbortSignal, options: TargetOptions): Promise<Target> {
  const { cid, roots } = await resolvePath(reader, path, signal)
  const entry = await exportEntry(reader, cid, path.display, signal)
  if (entry.type === 'directory') {
    if (!options.index) return { kind: 'directory', cid, roots }
    return { kind: 'directory', cid, roots, index: await indexFile(reader, cid, `${path.display}/index.html`, signal, options.readUpTo) }
  }
  return { kind: 'file', cid, roots, file: await fileTarget(entry, path.display, signal, options.readUpTo) }
}

/** The exporter's entry for a UnixFS file, raw leaf or directory; anything else is a 501. */
export async function exportEntry(reader: BlockReader, cid: CID, path: string, signal: AbortSignal): Promise<UnixFSEntry & { type: 'file' | 'raw' | 'directory' }> {
  let entry: UnixFSEntry
  try {
    entry = await exporter(cid, reader, { signal })
  } catch (err) {
    throw mapExporterError(err, cid, path, signal)
  }
  if (entry.type !== 'file' && entry.type !== 'raw' && entry.type !== 'directory') {
    throw new UnsupportedContentError(path, `${cid} is not UnixFS (codec 0x${cid.code.toString(16)})`)
  }
  return entry
}

/** Rough bytes a target holds in memory, for the cache's budget. */
export function targetBytes(target: Target): number {
  const file = target.kind === 'file' ? target.file : target.index
  return 512 + (file?.bytes?.byteLength ?? 0)
}

// An index.html that is itself a directory does not count: the directory gets a listing.
async function indexFile(reader: BlockReader, dir: CID, path: string, signal: AbortSignal, readUpTo: number): Promise<FileTarget | undefined> {
  const cid = await findEntry(reader, dir, 'index.html', signal)
  if (cid == null) return undefined
  const entry = await exportEntry(reader, cid, path, signal)
  return entry.type === 'directory' ? undefined : await fileTarget(entry, path, signal, readUpTo)
}

async function fileTarget(entry: UnixFSEntry & { type: 'file' | 'raw' }, path: string, signal: AbortSignal, readUpTo: number): Promise<FileTarget> {
  const size = Number(entry.size)
  if (size > readUpTo) return { cid: entry.cid, size }
  const chunks: Uint8Array[] = []
  try {
    for await (const chunk of entry.content({ signal })) chunks.push(chunk)
  } catch (err) {
    throw mapExporterError(err, entry.cid, path, signal)
  }
  // A copy of its own: a chunk may be a view into a larger block we should not keep alive.
  const bytes = chunks.length === 1 ? (chunks[0] as Uint8Array).slice() : concatBytes(chunks)
  return { cid: entry.cid, size, bytes }
}
