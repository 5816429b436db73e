/**
 * files: the mutable file tree (kubo's MFS) — kubo's flags, reply shapes and text output.
 * The paths are kubo's too: our `files/<cmd>` is kubo's `files/<cmd>`.
 */
import type { Command, NodeContext } from '../command.ts'
import { requireArg } from '../command.ts'
import type { FileStat } from '../../ipfs/mfs-stat.ts'
import { InvalidInputError } from '../../utils/errors.ts'

const num = (v: unknown): number | undefined => v == null || v === '' ? undefined : Number(v)
const yes = (v: unknown): boolean => v === true || v === 'true'
/** kubo answers changes with an empty body (kubo-rpc-client's files.rm reads any text as an error). */
const NOTHING: Iterable<Uint8Array> = []

function statReply(s: FileStat) {
  return { Hash: s.cid.toString(), Size: s.size, CumulativeSize: s.cumulativeSize, Blocks: s.blocks, Type: s.type }
}

export const filesCommands: Command[] = [
  {
    path: ['files', 'ls'],
    summary: 'List a directory of the mutable file tree',
    args: [{ name: 'path', description: 'directory or file (default /)' }],
    options: [{ name: 'long', alias: 'l', type: 'boolean', description: 'show type, CID and size' }],
    output: 'json',
    runsIn: 'node',
    async run(ctx: NodeContext) {
      const long = yes(ctx.options.long)
      const entries = await ctx.node.files.ls(ctx.args[0] ?? '/', { long, signal: ctx.signal })
      return {
        Entries: entries.map(e => long
          ? { Name: e.name, Type: e.type === 'directory' ? 1 : 0, Size: e.size ?? 0, Hash: e.cid.toString() }
          // kubo fills only the name without -l
          : { Name: e.name, Type: 0, Size: 0, Hash: '' }),
      }
    },
    render(r, out, options) {
      const entries = [...r.Entries].sort((a: any, b: any) => a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0)
      for (const e of entries) out.line(options.long === true ? `${e.Name}\t${e.Hash}\t${e.Size}` : e.Name)
    },
  },
  {
    path: ['files', 'mkdir'],
    summary: 'Make a directory in the mutable file tree',
    args: [{ name: 'path', description: 'directory to make', required: true }],
    options: [{ name: 'parents', alias: 'p', type: 'boolean', description: 'make parent directories; no error if it exists' }],
    output: 'bytes',
    runsIn: 'node',
    async run(ctx: NodeContext) {
      await ctx.node.files.mkdir(requireArg(ctx.args, 0, 'path'), { parents: yes(ctx.options.parents), signal: ctx.signal })
      return NOTHING
    },
  },
  {
    path: ['files', 'write'],
    summary: 'Write a local file (or stdin) into the mutable file tree',
    args: [
      { name: 'path', description: 'file in the tree', required: true },
      { name: 'file', description: 'local file to upload (default or "-": stdin)', stdin: true },
    ],
    options: [
      { name: 'offset', alias: 'o', type: 'number', description: 'byte offset to write at' },
      { name: 'create', alias: 'e', type: 'boolean', description: 'create the file if it does not exist' },
      { name: 'parents', alias: 'p', type: 'boolean', description: 'make parent directories as needed' },
      { name: 'truncate', alias: 't', type: 'boolean', description: 'truncate the file to size zero before writing' },
      { name: 'count', type: 'number', description: 'most bytes to read from the input' },
      { name: 'cid-version', type: 'number', description: 'CID version of the new file (0 or 1); 1 implies --raw-leaves', default: 0 },
      { name: 'raw-leaves', type: 'boolean', description: 'use raw blocks for leaves' },
    ],
    output: 'bytes',
    runsIn: 'node',
    uploadsFiles: true,
    uploadArg: 1,
    async run(ctx: NodeContext) {
      const path = requireArg(ctx.args, 0, 'path')
      if (ctx.files == null) throw new InvalidInputError('files write needs a multipart body with the data to write')
      const first = await ctx.files[Symbol.asyncIterator]().next()
      const content = first.done !== true && 'content' in first.value ? first.value.content : undefined
      if (content == null) throw new InvalidInputError('files write takes one file, not a directory')
      const raw = ctx.options['raw-leaves']
      await ctx.node.files.write(path, content as AsyncIterable<Uint8Array>, {
        offset: num(ctx.options.offset),
        count: num(ctx.options.count),
        create: yes(ctx.options.create),
        parents: yes(ctx.options.parents),
        truncate: yes(ctx.options.truncate),
        cidVersion: num(ctx.options['cid-version']),
        rawLeaves: raw == null ? undefined : yes(raw),
        signal: ctx.signal,
      })
      return NOTHING
    },
  },
  {
    path: ['files', 'read'],
    summary: 'Print the bytes of a file in the mutable file tree',
    args: [{ name: 'path', description: 'file to read', required: true }],
    options: [
      { name: 'offset', alias: 'o', type: 'number', description: 'byte offset to start at' },
      { name: 'count', type: 'number', description: 'most bytes to read' },
    ],
    output: 'bytes',
    runsIn: 'node',
    async run(ctx: NodeContext) {
      return ctx.node.files.read(requireArg(ctx.args, 0, 'path'), { offset: num(ctx.options.offset), count: num(ctx.options.count), signal: ctx.signal })
    },
  },
  {
    path: ['files', 'cp'],
    summary: 'Copy /ipfs/<cid>[/path] or a tree path into the mutable file tree',
    args: [
      { name: 'source', description: '/ipfs/<cid>[/path] or a path in the tree', required: true },
      { name: 'dest', description: 'destination; ending in "/" copies into that directory', required: true },
    ],
    options: [{ name: 'parents', alias: 'p', type: 'boolean', description: 'make parent directories as needed' }],
    output: 'bytes',
    runsIn: 'node',
    async run(ctx: NodeContext) {
      await ctx.node.files.cp(requireArg(ctx.args, 0, 'source'), requireArg(ctx.args, 1, 'dest'), { parents: yes(ctx.options.parents), signal: ctx.signal })
      return NOTHING
    },
  },
  {
    path: ['files', 'mv'],
    summary: 'Move or rename within the mutable file tree',
    args: [
      { name: 'source', description: 'path to move', required: true },
      { name: 'dest', description: 'new path, or a directory to move into', required: true },
    ],
    output: 'bytes',
    runsIn: 'node',
    async run(ctx: NodeContext) {
      await ctx.node.files.mv(requireArg(ctx.args, 0, 'source'), requireArg(ctx.args, 1, 'dest'), { signal: ctx.signal })
      return NOTHING
    },
  },
  {
    path: ['files', 'rm'],
    summary: 'Remove files or directories from the mutable file tree',
    args: [{ name: 'path', description: 'paths to remove', required: true, variadic: true }],
    options: [
      { name: 'recursive', alias: 'r', type: 'boolean', description: 'remove directories and their contents' },
      { name: 'force', type: 'boolean', description: 'ignore missing paths; implies -r' },
    ],
    output: 'bytes',
    runsIn: 'node',
    async run(ctx: NodeContext) {
      requireArg(ctx.args, 0, 'path')
      await ctx.node.files.rm(ctx.args, { recursive: yes(ctx.options.recursive), force: yes(ctx.options.force), signal: ctx.signal })
      return NOTHING
    },
  },
  {
    path: ['files', 'stat'],
    summary: 'Show the CID, size and type of a path in the tree (or of /ipfs/<cid>)',
    args: [{ name: 'path', description: 'path in the tree, or /ipfs/<cid>[/path]', required: true }],
    options: [
      { name: 'hash', type: 'boolean', description: 'print only the CID' },
      { name: 'size', type: 'boolean', description: 'print only the cumulative size' },
    ],
    output: 'json',
    runsIn: 'node',
    async run(ctx: NodeContext) {
      if (yes(ctx.options.hash) && yes(ctx.options.size)) throw new InvalidInputError('choose one of --hash and --size')
      return statReply(await ctx.node.files.stat(requireArg(ctx.args, 0, 'path'), { signal: ctx.signal }))
    },
    render(r, out, options) {
      if (options.hash === true) return out.line(r.Hash)
      if (options.size === true) return out.line(String(r.CumulativeSize))
      out.line(r.Hash)
      out.line(`Size: ${r.Size}`)
      out.line(`CumulativeSize: ${r.CumulativeSize}`)
      out.line(`ChildBlocks: ${r.Blocks}`)
      out.line(`Type: ${r.Type}`)
    },
  },
  {
    path: ['files', 'flush'],
    summary: 'Report the CID of a path in the tree (changes are already durable)',
    args: [{ name: 'path', description: 'path to report (default /)' }],
    output: 'json',
    runsIn: 'node',
    async run(ctx: NodeContext) {
      // Every change commits its root before it answers, so there is nothing left to flush.
      return { Cid: (await ctx.node.files.stat(ctx.args[0] ?? '/', { signal: ctx.signal })).cid.toString() }
    },
    render: (r, out) => out.line(r.Cid),
  },
]
