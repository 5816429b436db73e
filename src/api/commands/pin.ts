/** ipfs pin: keep content from garbage collection (kubo's pin/* calls). */
import type { Command, NodeContext } from '../command.ts'
import { requireArg } from '../command.ts'
import { parseIpfsPath } from '../../ipfs/ipfs-path.ts'
import { resolveEntry } from './ipfs.ts'
import { InvalidInputError, NotFoundError } from '../../utils/errors.ts'
import { hasOwnPin, multihashKey, pinMetadata, pinnedName } from '../../ipfs/pin-names.ts'

const pinType = (depth: number) => depth === Infinity ? 'recursive' : depth === 0 ? 'direct' : 'recursive'

export const pinCommands: Command[] = [
  {
    path: ['ipfs', 'pin', 'add'],
    summary: 'Pin content (fetching any missing blocks) so gc keeps it',
    args: [{ name: 'ipfs-path', description: '<cid>[/path]', required: true, variadic: true }],
    options: [{ name: 'recursive', alias: 'r', type: 'boolean', description: 'pin the whole DAG', default: true }],
    output: 'json',
    runsIn: 'node',
    kubo: ['pin/add'],
    async run(ctx: NodeContext) {
      requireArg(ctx.args, 0, 'ipfs-path')
      const Pins: string[] = []
      const depth = ctx.options.recursive === false || ctx.options.recursive === 'false' ? 0 : Infinity
      for (const text of ctx.args) {
        const cid = (await resolveEntry(ctx.node, text, ctx.signal)).cid
        if (!(await hasOwnPin(ctx.node.helia.pins, cid, ctx.signal))) {
          for await (const _ of ctx.node.helia.pins.add(cid, { depth, signal: ctx.signal, metadata: pinMetadata(cid) })) { /* walks and fetches */ }
        }
        Pins.push(cid.toString())
      }
      return { Pins }
    },
    render: (r, out) => r.Pins.forEach((c: string) => out.line(`pinned ${c} recursively`)),
  },
  {
    path: ['ipfs', 'pin', 'rm'],
    summary: 'Unpin content so gc may remove it',
    args: [{ name: 'ipfs-path', description: '<cid>[/path]', required: true, variadic: true }],
    output: 'json',
    runsIn: 'node',
    kubo: ['pin/rm'],
    async run(ctx: NodeContext) {
      requireArg(ctx.args, 0, 'ipfs-path')
      const cids = ctx.args.map(text => parseIpfsPath(text))
      for (const p of cids) {
        if (p.segments.length > 0) throw new InvalidInputError(`pin rm takes a CID, not a path: "${p.exporterPath}"`)
        if (!(await hasOwnPin(ctx.node.helia.pins, p.cid, ctx.signal))) throw new NotFoundError(`${p.cid} is not pinned`)
      }
      const Pins: string[] = []
      for (const p of cids) {
        for await (const cid of ctx.node.helia.pins.rm(p.cid, { signal: ctx.signal })) Pins.push(cid.toString())
      }
      return { Pins }
    },
    render: (r, out) => r.Pins.forEach((c: string) => out.line(`unpinned ${c}`)),
  },
  {
    path: ['ipfs', 'pin', 'ls'],
    summary: 'List pinned content',
    args: [{ name: 'ipfs-path', description: 'only these CIDs', variadic: true }],
    output: 'json',
    runsIn: 'node',
    kubo: ['pin/ls'],
    async run(ctx: NodeContext) {
      const Keys: Record<string, { Type: string }> = {}
      const only = new Map(ctx.args.map(a => { const cid = parseIpfsPath(a).cid; return [multihashKey(cid), cid.toString()] }))
      const found = new Set<string>()
      for await (const pin of ctx.node.helia.pins.ls({ signal: ctx.signal })) {
        const mh = multihashKey(pin.cid)
        if (only.size > 0 && !only.has(mh)) continue
        found.add(mh)
        Keys[pinnedName(pin)] = { Type: pinType(pin.depth) }
      }
      for (const [mh, text] of only) if (!found.has(mh)) throw new NotFoundError(`${text} is not pinned`)
      return { Keys }
    },
    render: (r, out) => Object.entries<any>(r.Keys).forEach(([cid, v]) => out.line(`${cid} ${v.Type}`)),
  },
]
