/**
 * ipfs: add, cat, get, ls — kubo's reply shapes, the seed's human lines.
 */
import { exporter, type UnixFSEntry } from 'ipfs-unixfs-exporter'
import { CID } from 'multiformats/cid'
import type { Command, NodeContext, Options } from '../command.ts'
import { requireArg } from '../command.ts'
import { addEntries, type AddedEntry } from '../../ipfs/add.ts'
import { parseIpfsPath } from '../../ipfs/ipfs-path.ts'
import { writeTar, type TarEntry } from '../../utils/tar.ts'
import { InvalidInputError, NotFoundError } from '../../utils/errors.ts'
import type { LeitherNode } from '../../node/node.ts'

/** Resolves `<cid>[/path]` to a UnixFS entry, with errors that name the path. */
export async function resolveEntry(node: LeitherNode, text: string, signal: AbortSignal): Promise<UnixFSEntry> {
  const path = parseIpfsPath(text)
  try {
    return await exporter(path.exporterPath, node.helia.blockstore, { signal })
  } catch (err: any) {
    if (err?.name === 'NotFoundError' || err?.code === 'ERR_NOT_FOUND') throw new NotFoundError(`no link named "${path.segments.join('/')}" under ${path.cid}`)
    if (err?.name === 'AbortError') throw err
    throw new InvalidInputError(`cannot resolve "${text}": ${err?.message ?? err}`)
  }
}

/** Passes add results through, then announces them: the root first, so it is findable at once. */
async function * announced(node: LeitherNode, source: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  const added: string[] = []
  for await (const value of source) {
    if ((value as AddedEntry).Hash != null) added.push((value as AddedEntry).Hash)
    yield value
  }
  const root = added.pop()
  if (root == null) return
  node.announcer.announce(CID.parse(root), true)
  for (const cid of added) node.announcer.announce(CID.parse(cid))
}

/** The bytes of a file, for cat (offset/length options as kubo's). */
export async function catContent(node: LeitherNode, text: string, options: Options, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
  const entry = await resolveEntry(node, text, signal)
  if (entry.type === 'directory') throw new InvalidInputError(`"${text}" is a directory; use ls or get`)
  if (entry.type === 'object') throw new InvalidInputError(`"${text}" is not a file (codec ${entry.cid.code})`)
  const offset = num(options.offset)
  const length = num(options.length)
  if ((offset != null && !(offset >= 0)) || (length != null && !(length >= 0))) throw new InvalidInputError('offset and length must be non-negative numbers')
  return entry.content({ offset, length, signal })
}

/** A file or directory as a tar stream whose top entry is `name` (kubo's get). */
export async function tarOf(node: LeitherNode, text: string, name: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
  const root = await resolveEntry(node, text, signal)
  async function * walk(entry: UnixFSEntry, at: string): AsyncGenerator<TarEntry> {
    if (entry.type === 'directory') {
      yield { path: at, type: 'directory' }
      for await (const link of entry.entries({ signal })) {
        yield * walk(await exporter(link.cid, node.helia.blockstore, { signal }), `${at}/${link.name}`)
      }
    } else if (entry.type === 'object') {
      throw new InvalidInputError(`"${at}" is not a UnixFS file or directory`)
    } else {
      yield { path: at, type: 'file', size: Number(entry.size), content: entry.content({ signal }) }
    }
  }
  return writeTar(walk(root, name))
}

const num = (v: unknown): number | undefined => v == null || v === '' ? undefined : Number(v)

export const ipfsCommands: Command[] = [
  {
    path: ['ipfs', 'add'],
    summary: 'Add files or directories to IPFS (kubo-compatible CIDs)',
    args: [{ name: 'path', description: 'file or directory to add', required: true, variadic: true }],
    options: [
      { name: 'recursive', alias: 'r', type: 'boolean', description: 'add directories recursively' },
      { name: 'quiet', alias: 'q', type: 'boolean', description: 'print only the root CID' },
      { name: 'cid-version', type: 'number', description: 'CID version (0 or 1); 1 implies --raw-leaves', default: 0 },
      { name: 'raw-leaves', type: 'boolean', description: 'use raw blocks for leaves' },
      { name: 'wrap-with-directory', alias: 'w', type: 'boolean', description: 'wrap the input in a directory' },
      { name: 'hidden', alias: 'H', type: 'boolean', description: 'include files whose names start with a dot' },
      { name: 'pin', type: 'boolean', description: 'pin what was added', default: true },
      { name: 'progress', type: 'boolean', description: 'stream progress events (API)' },
    ],
    output: 'ndjson',
    runsIn: 'node',
    uploadsFiles: true,
    kubo: ['add'],
    run(ctx: NodeContext) {
      if (ctx.files == null) throw new InvalidInputError('add needs a multipart body with the files to add')
      const raw = ctx.options['raw-leaves']
      return announced(ctx.node, addEntries(ctx.node.helia, ctx.files, {
        cidVersion: num(ctx.options['cid-version']) ?? 0,
        rawLeaves: raw == null ? undefined : raw === true || raw === 'true',
        wrapWithDirectory: ctx.options['wrap-with-directory'] === true,
        pin: ctx.options.pin !== false,
        progress: ctx.options.progress === true,
        signal: ctx.signal,
      }))
    },
    render(r, out, options) {
      if (r.Hash == null || options.quiet === true) return
      out.line(`add /ipfs/${r.Hash} ${r.Size}`)
    },
    renderEnd(values, out, options) {
      const added = values.filter(v => v.Hash != null) as AddedEntry[]
      const root = added.at(-1)
      if (root == null) return
      if (options.quiet === true) out.line(root.Hash)
      else out.line(`ipfs add ok  /ipfs/${root.Hash}`)
    },
  },
  {
    path: ['ipfs', 'cat'],
    summary: 'Print the bytes of an IPFS file',
    args: [{ name: 'ipfs-path', description: '<cid>[/path] or /ipfs/<cid>[/path]', required: true }],
    options: [
      { name: 'offset', alias: 'o', type: 'number', description: 'byte offset to start at' },
      { name: 'length', alias: 'l', type: 'number', description: 'most bytes to print' },
    ],
    output: 'bytes',
    runsIn: 'node',
    kubo: ['cat'],
    async run(ctx: NodeContext) {
      return catContent(ctx.node, requireArg(ctx.args, 0, 'ipfs-path'), ctx.options, ctx.signal)
    },
  },
  {
    path: ['ipfs', 'get'],
    summary: 'Download a file or directory from IPFS (a tar stream over the API)',
    args: [{ name: 'ipfs-path', description: '<cid>[/path]', required: true }],
    options: [{ name: 'output', alias: 'o', type: 'string', description: 'where to write it (default: the CID or last path segment)' }],
    output: 'bytes',
    repliesTar: true,
    runsIn: 'node',
    kubo: ['get'],
    async run(ctx: NodeContext) {
      const text = requireArg(ctx.args, 0, 'ipfs-path')
      const path = parseIpfsPath(text)
      return tarOf(ctx.node, text, path.segments.at(-1) ?? path.cid.toString(), ctx.signal)
    },
  },
  {
    path: ['ipfs', 'ls'],
    summary: 'List the links of an IPFS directory',
    args: [{ name: 'ipfs-path', description: '<cid>[/path]', required: true, variadic: true }],
    output: 'json',
    runsIn: 'node',
    kubo: ['ls'],
    async run(ctx: NodeContext) {
      requireArg(ctx.args, 0, 'ipfs-path')
      const Objects = []
      for (const text of ctx.args) {
        const entry = await resolveEntry(ctx.node, text, ctx.signal)
        const Links = []
        if (entry.type === 'directory') {
          for await (const link of entry.entries({ signal: ctx.signal })) {
            // Links carry no type: resolve each child, as kubo's ls does by default.
            const child = await exporter(link.cid, ctx.node.helia.blockstore, { signal: ctx.signal })
            Links.push({ Name: link.name, Hash: child.cid.toString(), Size: Number(child.size), Type: child.type === 'directory' ? 1 : 2, Target: '' })
          }
        }
        Objects.push({ Hash: text, Links })
      }
      return { Objects }
    },
    render(r, out) {
      for (const o of r.Objects) for (const l of o.Links) out.line(`${l.Hash} ${l.Type === 1 ? '-' : l.Size} ${l.Name}${l.Type === 1 ? '/' : ''}`)
    },
  },
]
