/**
 * Path edits of a UnixFS directory tree. Nothing changes in place: an edit writes new blocks
 * for the directory it changes and for each ancestor (path copying) and returns the new
 * root, so the old root still names the old tree. Sharded (HAMT) directories are handled by
 * @helia/unixfs, with kubo's default sharding threshold.
 */
import * as dagPB from '@ipld/dag-pb'
import { unixfs as createUnixfs, type UnixFS, type UnixFSComponents } from '@helia/unixfs'
import { UnixFS as UnixFSData } from 'ipfs-unixfs'
import { exporter, type UnixFSEntry } from 'ipfs-unixfs-exporter'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { formatMfsPath } from './mfs-path.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../utils/errors.ts'

type TreeBlockstore = UnixFSComponents['blockstore']

/** The bytes and CID of an empty UnixFS directory (CIDv0: QmUNLLsP…, kubo's empty MFS root). */
export async function emptyDirectory(version: 0 | 1 = 0): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = dagPB.encode({ Data: new UnixFSData({ type: 'directory' }).marshal(), Links: [] })
  const digest = await sha256.digest(bytes)
  return { cid: version === 0 ? CID.createV0(digest) : CID.createV1(dagPB.code, digest), bytes }
}

export interface EditOptions {
  /** Create missing directories on the way (mkdir -p, write --parents). */
  parents?: boolean
}

export class TreeEditor {
  private readonly blockstore: TreeBlockstore
  private readonly fs: UnixFS
  private readonly signal?: AbortSignal

  constructor(blockstore: TreeBlockstore, signal?: AbortSignal) {
    this.blockstore = blockstore
    this.fs = createUnixfs({ blockstore })
    this.signal = signal
  }

  /** The entry at `segments` below `root`, or undefined when the last name is missing. */
  async find(root: CID, segments: readonly string[]): Promise<UnixFSEntry | undefined> {
    let entry = await exporter(root, this.blockstore, { signal: this.signal })
    for (const [i, name] of segments.entries()) {
      if (entry.type !== 'directory') throw new ConflictError(`"${formatMfsPath(segments.slice(0, i))}" is not a directory`)
      const child = await this.child(entry.cid, name)
      if (child == null) {
        if (i === segments.length - 1) return undefined
        throw new NotFoundError(`no such directory: "${formatMfsPath(segments.slice(0, i + 1))}"`)
      }
      entry = child
    }
    return entry
  }

  /** Like find(), but a missing entry is an error naming the path. */
  async get(root: CID, segments: readonly string[]): Promise<UnixFSEntry> {
    const entry = await this.find(root, segments)
    if (entry == null) throw new NotFoundError(`no such file or directory: "${formatMfsPath(segments)}"`)
    return entry
  }

  /** The entry named `name` in directory `dir`, or undefined. */
  async child(dir: CID, name: string): Promise<UnixFSEntry | undefined> {
    try {
      return await exporter(`${dir}/${name}`, this.blockstore, { signal: this.signal })
    } catch (err: any) {
      if (err?.name === 'NotFoundError' || err?.code === 'ERR_NOT_FOUND') return undefined
      throw err
    }
  }

  /**
   * Replaces the directory at `dirSegments` with what `edit` makes of it and rebuilds the
   * ancestors; returns the new root.
   */
  async editDirectory(root: CID, dirSegments: readonly string[], edit: (dir: CID) => Promise<CID>, options: EditOptions = {}): Promise<CID> {
    const walk = async (dir: CID, depth: number): Promise<CID> => {
      if (depth === dirSegments.length) return edit(dir)
      const name = dirSegments[depth]!
      const here = formatMfsPath(dirSegments.slice(0, depth + 1))
      const child = await this.child(dir, name)
      let childCid: CID
      if (child == null) {
        if (options.parents !== true) throw new NotFoundError(`no such directory: "${here}"`)
        childCid = await this.putEmptyDirectory(dir.version === 0 ? 0 : 1)
      } else if (child.type !== 'directory') {
        throw new ConflictError(`"${here}" is not a directory`)
      } else {
        childCid = child.cid
      }
      const edited = await walk(childCid, depth + 1)
      if (child != null && edited.equals(childCid)) return dir
      return this.link(dir, name, edited, { overwrite: true })
    }
    return walk(root, 0)
  }

  /** Links `cid` into `dir` as `name`; an existing name is an error unless `overwrite`. */
  async link(dir: CID, name: string, cid: CID, options: { overwrite?: boolean } = {}): Promise<CID> {
    try {
      return await this.fs.cp(cid, dir, name, { force: options.overwrite === true, signal: this.signal })
    } catch (err: any) {
      if (err?.name === 'AlreadyExistsError') throw new ConflictError(`"${name}" already exists`)
      if (err?.name === 'NotUnixFSError') throw new InvalidInputError(`${cid} is not UnixFS content`)
      throw err
    }
  }

  /** Removes `name` from `dir`. */
  async unlink(dir: CID, name: string): Promise<CID> {
    return this.fs.rm(dir, name, { signal: this.signal })
  }

  /** Writes an empty directory block and returns its CID. */
  async putEmptyDirectory(version: 0 | 1): Promise<CID> {
    const { cid, bytes } = await emptyDirectory(version)
    await this.blockstore.put(cid, bytes, { signal: this.signal })
    return cid
  }
}
