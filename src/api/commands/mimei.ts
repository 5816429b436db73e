/**
 * mimei: containers on this node — create, versions, content (the seed's
 * `mimei create|setcid|add|…` lines). Network duties are in mimei-net.ts.
 */
import type { Command, NodeContext } from '../command.ts'
import { requireArg } from '../command.ts'
import { addEntries, type AddedEntry } from '../../ipfs/add.ts'
import { InvalidInputError } from '../../utils/errors.ts'
import type { LeitherNode } from '../../node/node.ts'
import { catContent, tarOf } from './ipfs.ts'
import { localIsoTime, rightsText } from './mimei-format.ts'
import type { MiMeiRow } from '../../mimei/mimei-store.ts'

const versionOption = { name: 'version', alias: 'v', type: 'string' as const, description: 'version: a number, cur, last (default) or release' }

/** `<mid>[/path]` → the MiMei's content path `<cid>[/path]` at a version. */
export function mimeiContentPath(node: LeitherNode, text: string, version: unknown): { mid: string, path: string, name: string } {
  const [mid = '', ...rest] = text.replace(/^\/mm\//, '').split('/')
  const segments = rest.filter(s => s !== '')
  if (segments.some(s => s === '..' || s === '.')) throw new InvalidInputError(`path may not leave the MiMei: "${text}"`)
  const { cid } = node.mimei.resolve(mid, typeof version === 'string' && version !== '' ? version : 'last')
  return { mid, path: [cid.toString(), ...segments].join('/'), name: segments.at(-1) ?? mid }
}

export function mimeiSummary(row: MiMeiRow, node: LeitherNode) {
  const versions = node.mimei.store.versions(row.mid)
  return {
    MID: row.mid, Author: row.author, AppType: row.app, Ext: row.ext, Mark: row.mark, Type: row.type,
    Create: localIsoTime(row.created), Right: rightsText(row.rights),
    // Stored: when this node recorded the version (made it, or finished fetching it).
    Versions: versions.map(v => ({ Ver: v.ver, Cid: v.cid, Stored: new Date(v.created).toISOString() })),
    Cur: row.cur, Last: versions.at(-1)?.ver ?? 0, Release: row.release,
    Providing: row.providing === 1, Publishing: row.publishing === 1,
  }
}

export const mimeiCommands: Command[] = [
  {
    path: ['mimei', 'create'],
    summary: 'Create a MiMei (a versioned container); the same parameters give the same ID',
    options: [
      { name: 'app', alias: 'a', type: 'string', description: 'ID of the app that opens it' },
      { name: 'ext', alias: 'e', type: 'string', description: 'type inside that app' },
      { name: 'mark', alias: 'm', type: 'string', description: 'identity seed (default {{auto}}: a new MiMei each time)' },
      { name: 'type', type: 'string', description: 'file (default) or db', default: 'file' },
    ],
    output: 'json',
    runsIn: 'node',
    async run({ node, options }) {
      const type = String(options.type ?? 'file')
      if (type !== 'file' && type !== 'db') throw new InvalidInputError(`--type must be file or db, got "${type}"`)
      const { row, created } = node.mimei.create({ appId: options.app as string | undefined, ext: options.ext as string | undefined, mark: options.mark as string | undefined, type })
      return { ...mimeiSummary(row, node), Created: created }
    },
    render(r, out) {
      out.line(r.Created ? 'Create MiMei  ok' : 'MiMei exists  ok')
      out.line(`mid= ${r.MID}`)
    },
  },
  {
    path: ['mimei', 'setcid'],
    summary: 'Make the next version point at IPFS content',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }, { name: 'cid', description: 'content CID', required: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args, signal }) {
      const mid = requireArg(args, 0, 'mid')
      const cid = requireArg(args, 1, 'cid')
      const ver = await node.mimei.setCid(mid, cid, signal)
      return { MID: mid, Cid: node.mimei.resolve(mid, ver).cid.toString(), Ver: ver }
    },
    render(r, out) {
      out.line(`mid= ${r.MID}`)
      out.line(`cid= ${r.Cid}`)
      out.line(`MiMeiSetCid ver= ${r.Ver}`)
    },
  },
  {
    path: ['mimei', 'add'],
    summary: 'Add a file or directory (-r) as the next version',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }, { name: 'path', description: 'file or directory', required: true }],
    options: [
      { name: 'recursive', alias: 'r', type: 'boolean', description: 'add a directory' },
      { name: 'hidden', alias: 'H', type: 'boolean', description: 'include dot files' },
    ],
    output: 'ndjson',
    runsIn: 'node',
    uploadsFiles: true,
    uploadArg: 1,
    async * run(ctx: NodeContext) {
      const mid = requireArg(ctx.args, 0, 'mid')
      ctx.node.mimei.requireAuthor(mid)
      if (ctx.files == null) throw new InvalidInputError('mimei add needs a multipart body with the content')
      let root: AddedEntry | undefined
      for await (const entry of addEntries(ctx.node.helia, ctx.files, { pin: false, signal: ctx.signal })) {
        if ((entry as AddedEntry).Hash == null) continue
        root = entry as AddedEntry
        yield entry
      }
      if (root == null) throw new InvalidInputError('nothing was added')
      const ver = await ctx.node.mimei.setCid(mid, root.Hash, ctx.signal)
      ctx.node.announcer.announce(ctx.node.mimei.resolve(mid, ver).cid, true)
      yield { MID: mid, Cid: root.Hash, Ver: ver }
    },
    render(r, out) {
      if (r.Hash != null) out.line(`add /ipfs/${r.Hash} ${r.Size}`)
      else {
        out.line(`MiMeiAdd cid= /ipfs/${r.Cid}`)
        out.line(`MiMeiAdd ver= ${r.Ver}`)
      }
    },
  },
  {
    path: ['mimei', 'backup'],
    summary: 'Freeze the working copy into a new version (no-op when unchanged)',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args }) {
      const mid = requireArg(args, 0, 'mid')
      if (node.mimei.store.get(mid).type === 'db') {
        const { ver, created, digest } = await node.databases.backup(mid)
        return { MID: mid, Ver: ver, Created: created, Digest: digest }
      }
      const { ver, created } = node.mimei.backup(mid)
      return { MID: mid, Ver: ver, Created: created }
    },
    render: (r, out) => out.line(`MiMeiBackup ver= ${r.Ver}${r.Created ? '' : '  (unchanged)'}`),
  },
  {
    path: ['mimei', 'sum'],
    summary: 'Digest of a database MiMei\'s content (a version, or the working copy); equal content, equal digest',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }, { name: 'ver', description: 'version (default cur)' }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args }) {
      const mid = requireArg(args, 0, 'mid')
      const { ver, digest } = await node.databases.sum(mid, args[1])
      return { MID: mid, Ver: ver, Digest: digest }
    },
    render: (r, out) => out.line(`MiMeiSum ver= ${r.Ver} sum= ${r.Digest}`),
  },
  {
    path: ['mimei', 'release'],
    summary: 'Point `release` at a version',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }, { name: 'ver', description: 'version number or last', required: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args }) {
      const mid = requireArg(args, 0, 'mid')
      return { MID: mid, Release: node.mimei.release(mid, requireArg(args, 1, 'ver')) }
    },
    render: (r, out) => out.line(`MiMeiRelease ver= ${r.Release}`),
  },
  {
    path: ['mimei', 'restore'],
    summary: 'Copy a version into the working copy (cur)',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }, { name: 'ver', description: 'version number, last or release', required: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args }) {
      const mid = requireArg(args, 0, 'mid')
      return { MID: mid, Restored: node.mimei.restore(mid, requireArg(args, 1, 'ver')) }
    },
    render: (r, out) => out.line(`Restore version[${r.Restored}] to cur ok`),
  },
  {
    path: ['mimei', 'delver'],
    summary: 'Delete versions (not the release); their content is unpinned when nothing else uses it',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }, { name: 'ver', description: 'version numbers', required: true, variadic: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args }) {
      const mid = requireArg(args, 0, 'mid')
      requireArg(args, 1, 'ver')
      return { MID: mid, Deleted: await node.mimei.deleteVersions(mid, args.slice(1)) }
    },
    render: (r, out) => out.line(`MiMeiDelVer vers= [${r.Deleted.join(' ')}] ok`),
  },
  {
    path: ['mimei', 'versions'],
    summary: 'List a MiMei\'s versions with cur, last and release',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args }) {
      return mimeiSummary(node.mimei.store.get(requireArg(args, 0, 'mid')), node)
    },
    render(r, out) {
      for (const v of r.Versions) out.line(`${String(v.Ver).padEnd(8)} ${v.Cid}`)
      out.line(`cur      ${r.Cur ?? ''}`)
      out.line(`last     ${r.Last}`)
      out.line(`release  ${r.Release ?? ''}`)
    },
  },
  {
    path: ['mimei', 'list'],
    summary: 'List the MiMei on this node',
    output: 'json',
    runsIn: 'node',
    async run({ node }) {
      return { MiMei: node.mimei.store.list().map(row => mimeiSummary(row, node)) }
    },
    render: (r, out) => r.MiMei.forEach((m: any) => out.line(`${m.MID}  ${m.Type.padEnd(4)}  last= ${m.Last}${m.Providing ? '  providing' : ''}${m.Publishing ? '  published' : ''}`)),
  },
  {
    path: ['mimei', 'cat'],
    summary: 'Print a file of a MiMei: <mid>[/path]',
    args: [{ name: 'mid-path', description: '<mid>[/path]', required: true }],
    options: [versionOption],
    output: 'bytes',
    runsIn: 'node',
    async run(ctx: NodeContext) {
      const { path } = mimeiContentPath(ctx.node, requireArg(ctx.args, 0, 'mid-path'), ctx.options.version)
      return catContent(ctx.node, path, {}, ctx.signal)
    },
  },
  {
    path: ['mimei', 'get'],
    summary: 'Save a MiMei\'s content (or <mid>/path) to disk',
    args: [{ name: 'mid-path', description: '<mid>[/path]', required: true }],
    options: [versionOption, { name: 'output', alias: 'o', type: 'string', description: 'where to write it (default: the MiMei ID or last path segment)' }],
    output: 'bytes',
    repliesTar: true,
    runsIn: 'node',
    async run(ctx: NodeContext) {
      const { path, name } = mimeiContentPath(ctx.node, requireArg(ctx.args, 0, 'mid-path'), ctx.options.version)
      return tarOf(ctx.node, path, name, ctx.signal)
    },
  },
]
