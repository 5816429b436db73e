/**
 * The mutable file tree (kubo's MFS): a UnixFS directory DAG whose root CID lives in the
 * datastore under `/local/filesroot`, as kubo keeps it, so the tree survives restarts.
 *
 * Every change builds new blocks beside the old tree (mfs-tree.ts) and then stores the new
 * root in one datastore batch together with the block counts that keep the tree from gc
 * (mfs-refs.ts): a crash at any step leaves the previous tree whole. Changes run one at a
 * time; reads take the root as it is and need no lock.
 */
import { importer } from 'ipfs-unixfs-importer'
import { exporter, type UnixFSEntry } from 'ipfs-unixfs-exporter'
import { Key, type Datastore } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import type { Blockstore } from 'interface-blockstore'
import { kuboImportOptions } from './import-options.ts'
import { parseIpfsPath } from './ipfs-path.ts'
import { formatMfsPath, isWithin, parseMfsPath } from './mfs-path.ts'
import { TreeRefs } from './mfs-refs.ts'
import { statOf, type FileKind, type FileStat } from './mfs-stat.ts'
import { TreeEditor } from './mfs-tree.ts'
import { checkWriteRange, splice, type WriteRange } from './mfs-write.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../utils/errors.ts'
import { logger } from '../utils/logger.ts'

const log = logger('mfs')

/** Where the root CID is kept (kubo's key). */
export const FILES_ROOT_KEY = new Key('/local/filesroot')

type TreeBlockstore = Pick<Blockstore, 'get' | 'put' | 'has'>

export interface MutableFileTreeInit {
  /** Helia's blockstore: reads may fetch from the network, writes land in the node's store. */
  blockstore: TreeBlockstore
  /** The node's datastore; Helia's pins live in it too. */
  datastore: Datastore
}

export type { FileKind, FileStat } from './mfs-stat.ts'

export interface ListEntry {
  name: string
  cid: CID
  /** Known with `long` only (it reads each child's block). */
  type?: FileKind
  size?: number
}

interface Signal { signal?: AbortSignal }

type FileEntry = Extract<UnixFSEntry, { type: 'file' | 'raw' | 'identity' }>

export interface WriteOptions extends WriteRange, Signal {
  create?: boolean
  parents?: boolean
  truncate?: boolean
  cidVersion?: number
  rawLeaves?: boolean
}

export class MutableFileTree {
  private readonly blockstore: TreeBlockstore
  private readonly datastore: Datastore
  private readonly refs: TreeRefs
  private tail: Promise<unknown> = Promise.resolve()
  private started?: Promise<void>

  constructor(init: MutableFileTreeInit) {
    this.blockstore = init.blockstore
    this.datastore = init.datastore
    this.refs = new TreeRefs(init)
  }

  /** The current root CID. */
  async root(): Promise<CID> {
    await this.ready()
    return (await this.storedRoot())!
  }

  /** Stat of an MFS path or an `/ipfs/<cid>[/path]`. */
  async stat(path: string, options: Signal = {}): Promise<FileStat> {
    return statOf(await this.resolve(path, options.signal))
  }

  /** The entries of a directory, or the one entry of a file. */
  async ls(path: string, options: Signal & { long?: boolean } = {}): Promise<ListEntry[]> {
    const entry = await this.resolve(path, options.signal)
    if (entry.type !== 'directory') {
      const stat = statOf(entry)
      return [{ name: entry.name, cid: entry.cid, type: stat.type, size: stat.size }]
    }
    const out: ListEntry[] = []
    for await (const link of entry.entries({ signal: options.signal })) {
      if (options.long !== true) {
        out.push({ name: link.name, cid: link.cid })
        continue
      }
      const stat = statOf(await exporter(link.cid, this.blockstore, { signal: options.signal }))
      out.push({ name: link.name, cid: link.cid, type: stat.type, size: stat.size })
    }
    return out
  }

  /** The bytes of a file from `offset`, at most `count` of them. */
  async read(path: string, options: Signal & { offset?: number, count?: number } = {}): Promise<AsyncIterable<Uint8Array>> {
    const { offset = 0, count } = options
    if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidInputError(`cannot read from a negative or fractional offset: ${offset}`)
    if (count != null && (!Number.isSafeInteger(count) || count < 0)) throw new InvalidInputError(`cannot read a negative or fractional count: ${count}`)
    const entry = await this.resolve(path, options.signal)
    if (entry.type === 'directory') throw new InvalidInputError(`"${path}" is a directory, not a file`)
    const size = statOf(entry).size
    if (offset > size) throw new InvalidInputError(`offset ${offset} is past the end of "${path}" (${size} bytes)`)
    return (entry as FileEntry).content({ offset, length: count, signal: options.signal })
  }

  async mkdir(path: string, options: Signal & { parents?: boolean } = {}): Promise<void> {
    const { segments } = parseMfsPath(path)
    if (segments.length === 0) {
      if (options.parents === true) return
      throw new ConflictError('cannot create directory "/": it already exists')
    }
    const name = segments.at(-1)!
    await this.change(options.signal, async (editor, root) => editor.editDirectory(root, segments.slice(0, -1), async dir => {
      const existing = await editor.child(dir, name)
      if (existing != null) {
        if (options.parents === true && existing.type === 'directory') return dir
        throw new ConflictError(`cannot create directory "${formatMfsPath(segments)}": it already exists`)
      }
      return editor.link(dir, name, await editor.putEmptyDirectory(dir.version === 0 ? 0 : 1))
    }, { parents: options.parents }))
  }

  /**
   * Writes `data` into the file at `path` from `offset`, keeping the bytes around it unless
   * `truncate`. The whole file is imported again with kubo's `add` options.
   */
  async write(path: string, data: AsyncIterable<Uint8Array>, options: WriteOptions = {}): Promise<void> {
    const { segments } = parseMfsPath(path)
    checkWriteRange(options)
    const importOptions = { ...kuboImportOptions({ cidVersion: options.cidVersion, rawLeaves: options.rawLeaves }), signal: options.signal }
    if (segments.length === 0) throw new ConflictError('cannot write to "/": it is a directory')
    const name = segments.at(-1)!
    const where = formatMfsPath(segments)
    await this.change(options.signal, async (editor, root, store) => editor.editDirectory(root, segments.slice(0, -1), async dir => {
      const existing = await editor.child(dir, name)
      if (existing == null && options.create !== true) throw new NotFoundError(`file "${where}" does not exist; use --create to make it`)
      if (existing?.type === 'directory') throw new ConflictError(`cannot write to "${where}": it is a directory`)
      if (existing != null && existing.type !== 'file' && existing.type !== 'raw' && existing.type !== 'identity') throw new InvalidInputError(`"${where}" is not a UnixFS file`)
      const old = options.truncate === true ? undefined : existing as FileEntry | undefined
      const content = splice(old == null ? 0 : Number(old.size), (offset, length) => old!.content({ offset, length, signal: options.signal }), data, options)
      let file: CID | undefined
      for await (const entry of importer([{ content }], store, importOptions)) file = entry.cid
      return editor.link(dir, name, file!, { overwrite: true })
    }, { parents: options.parents }))
  }

  /** Copies an MFS path or `/ipfs/<cid>[/path]` to `dest`; a trailing `/` on `dest` means "into". */
  async cp(source: string, dest: string, options: Signal & { parents?: boolean } = {}): Promise<void> {
    const to = parseMfsPath(dest)
    let fromIpfs: UnixFSEntry | undefined
    let from: string[] | undefined
    let baseName: string
    if (isIpfsPath(source)) {
      const p = parseIpfsPath(source)
      fromIpfs = await this.resolve(source, options.signal)
      if (!['file', 'directory', 'raw', 'identity'].includes(fromIpfs.type)) throw new InvalidInputError(`"${source}" is not UnixFS content`)
      baseName = p.segments.at(-1) ?? p.cid.toString()
    } else {
      from = parseMfsPath(source).segments
      baseName = from.at(-1) ?? ''
    }
    const target = to.trailingSlash ? [...to.segments, baseName] : to.segments
    if (target.length === 0 || (to.trailingSlash && baseName === '')) throw new ConflictError(`cannot copy "${source}" to "${formatMfsPath(target)}": give the copy a name`)
    const name = target.at(-1)!
    await this.change(options.signal, async (editor, root) => {
      const cid = fromIpfs?.cid ?? (await editor.get(root, from!)).cid
      return editor.editDirectory(root, target.slice(0, -1), async dir => {
        if (await editor.child(dir, name) != null) throw new ConflictError(`cannot copy to "${formatMfsPath(target)}": it already exists`)
        return editor.link(dir, name, cid)
      }, { parents: options.parents })
    })
  }

  /**
   * Moves `source` to `dest` as kubo does: into `dest` if it is a directory (or ends in
   * `/`), over it if it is a file.
   */
  async mv(source: string, dest: string, options: Signal = {}): Promise<void> {
    const from = parseMfsPath(source).segments
    const to = parseMfsPath(dest)
    if (from.length === 0) throw new InvalidInputError('cannot move the root directory')
    const srcName = from.at(-1)!
    await this.change(options.signal, async (editor, root) => {
      const moving = await editor.get(root, from)
      let target = to.segments
      let overwrite = false
      if (to.trailingSlash) {
        target = [...to.segments, srcName]
      } else {
        const there = to.segments.length === 0 ? undefined : await editor.find(root, to.segments)
        if (to.segments.length === 0 || there?.type === 'directory') target = [...to.segments, srcName]
        else if (there != null) overwrite = true
      }
      if (formatMfsPath(target) === formatMfsPath(from)) return root
      if (isWithin(target, from)) throw new InvalidInputError(`cannot move "${formatMfsPath(from)}" into itself ("${formatMfsPath(target)}")`)
      const name = target.at(-1)!
      const without = await editor.editDirectory(root, from.slice(0, -1), dir => editor.unlink(dir, srcName))
      return editor.editDirectory(without, target.slice(0, -1), async dir => {
        const there = await editor.child(dir, name)
        if (there != null && !overwrite) throw new ConflictError(`cannot move to "${formatMfsPath(target)}": it already exists`)
        return editor.link(dir, name, moving.cid, { overwrite })
      })
    })
  }

  /** Removes each path; all or nothing. Directories need `recursive` (or `force`). */
  async rm(paths: string[], options: Signal & { recursive?: boolean, force?: boolean } = {}): Promise<void> {
    const parsed = paths.map(p => parseMfsPath(p).segments)
    if (parsed.some(s => s.length === 0)) throw new InvalidInputError('cannot remove the root directory')
    await this.change(options.signal, async (editor, root) => {
      let current = root
      for (const segments of parsed) {
        let entry: UnixFSEntry | undefined
        try {
          entry = await editor.find(current, segments)
        } catch (err) {
          if (options.force === true && err instanceof NotFoundError) continue
          throw err
        }
        if (entry == null) {
          if (options.force === true) continue
          throw new NotFoundError(`no such file or directory: "${formatMfsPath(segments)}"`)
        }
        if (entry.type === 'directory' && options.recursive !== true && options.force !== true) {
          throw new ConflictError(`"${formatMfsPath(segments)}" is a directory; use -r to remove directories`)
        }
        current = await editor.editDirectory(current, segments.slice(0, -1), dir => editor.unlink(dir, segments.at(-1)!))
      }
      return current
    })
  }

  /** Runs one change: builds the new tree, then commits root and counts in one batch. */
  private async change(signal: AbortSignal | undefined, edit: (editor: TreeEditor, root: CID, store: TreeBlockstore) => Promise<CID>): Promise<void> {
    await this.ready()
    await this.exclusive(async () => {
      const old = (await this.storedRoot())!
      const refs = this.refs.begin({ signal })
      const store = refs.guard(this.blockstore)
      let root: CID
      try {
        root = await edit(new TreeEditor(store, signal), old, store)
      } catch (err) {
        await refs.abort().catch(e => log.warn(`cannot release the protection of a failed change: ${e?.message ?? e}`))
        throw err
      }
      if (root.equals(old)) return refs.abort()
      await refs.commit(old, root, batch => batch.put(FILES_ROOT_KEY, root.bytes))
      log.debug(`root ${old} -> ${root}`)
    })
  }

  /** Releases what a crash left protected and makes the empty root on first use. */
  private ready(): Promise<void> {
    this.started ??= this.exclusive(async () => {
      const stale = await this.refs.releaseStale()
      if (stale > 0) log.info(`released ${stale} blocks an interrupted change had protected`)
      if (await this.storedRoot() != null) return
      const refs = this.refs.begin()
      const editor = new TreeEditor(refs.guard(this.blockstore))
      const root = await editor.putEmptyDirectory(0)
      await refs.commit(undefined, root, batch => batch.put(FILES_ROOT_KEY, root.bytes))
    }).catch(err => {
      this.started = undefined
      throw err
    })
    return this.started
  }

  private async storedRoot(): Promise<CID | undefined> {
    try {
      return CID.decode(await this.datastore.get(FILES_ROOT_KEY))
    } catch (err: any) {
      if (err?.name === 'NotFoundError') return undefined
      throw err
    }
  }

  /** An MFS path or an /ipfs/ path to its entry. */
  private async resolve(path: string, signal?: AbortSignal): Promise<UnixFSEntry> {
    if (isIpfsPath(path)) {
      const p = parseIpfsPath(path)
      try {
        return await exporter(p.exporterPath, this.blockstore, { signal })
      } catch (err: any) {
        if (err?.name === 'NotFoundError' || err?.code === 'ERR_NOT_FOUND') throw new NotFoundError(`no link named "${p.segments.join('/')}" under ${p.cid}`)
        throw err
      }
    }
    const { segments } = parseMfsPath(path)
    return new TreeEditor(this.blockstore, signal).get(await this.root(), segments)
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn)
    this.tail = run.catch(() => {})
    return run
  }
}

/** kubo reads `/ipfs/…` as content from IPFS wherever a files command takes a source. */
function isIpfsPath(path: string): boolean {
  return path.startsWith('/ipfs/')
}
