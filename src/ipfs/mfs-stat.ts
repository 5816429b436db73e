/**
 * What `files stat` and `files ls -l` report about a UnixFS entry, in kubo's terms.
 */
import * as dagPB from '@ipld/dag-pb'
import type { UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'
import { InvalidInputError } from '../utils/errors.ts'

export type FileKind = 'file' | 'directory'

export interface FileStat {
  cid: CID
  type: FileKind
  /** File bytes; 0 for a directory. */
  size: number
  /** Bytes of the whole DAG: this block and the sizes its links declare. */
  cumulativeSize: number
  /** Links of the top block. */
  blocks: number
}

/** kubo's stat of an entry: a raw block is a file of its own bytes. */
export function statOf(entry: UnixFSEntry): FileStat {
  if (entry.type === 'file' || entry.type === 'directory') {
    const links = entry.node.Links
    return {
      cid: entry.cid,
      type: entry.type,
      size: entry.type === 'file' ? Number(entry.size) : 0,
      cumulativeSize: dagPB.encode(entry.node).byteLength + links.reduce((n, l) => n + (l.Tsize ?? 0), 0),
      blocks: links.length,
    }
  }
  if (entry.type === 'raw' || entry.type === 'identity') {
    const size = Number(entry.size)
    return { cid: entry.cid, type: 'file', size, cumulativeSize: size, blocks: 0 }
  }
  throw new InvalidInputError(`${entry.cid} is not UnixFS (dag-pb or raw)`)
}
