/**
 * mimei on the network: publish, show, sync, provide, findprovs (the seed's
 * lines), unpublish and unprovide.
 */
import type { Command } from '../command.ts'
import { requireArg } from '../command.ts'
import { parseMultiaddr, parsePeerId } from './swarm.ts'
import { mimeiSummary } from './mimei.ts'
import { RULE, lifetimeText, parseLifetime } from './mimei-format.ts'
import { DEFAULT_EOL_MS, type ProviderInfo } from '../../mimei/mimei-network.ts'
import type { LeitherNode } from '../../node/node.ts'

type VersionList = Array<{ Ver: number, Cid: string }>

/** Versions seen with more than one content: every record, local rows and the network's list. */
function conflictsOf(node: LeitherNode, mid: string, net: VersionList | null, providers: ProviderInfo[]) {
  const byVer = new Map<number, Set<string>>()
  const note = (ver: number, cid: string) => byVer.set(ver, (byVer.get(ver) ?? new Set()).add(cid))
  for (const v of node.mimei.store.seenVersions(mid)) note(v.ver, v.cid)
  for (const v of node.mimei.store.versions(mid)) note(v.ver, v.cid)
  for (const v of net ?? []) note(v.Ver, v.Cid)
  for (const p of providers) for (const v of p.Versions) note(v.ver, v.cid)
  const last = Math.max(0, ...byVer.keys())
  return [...byVer].filter(([, cids]) => cids.size > 1).map(([ver, cids]) => ({ Ver: ver, Cids: [...cids].sort(), ResolvedBy: last > ver ? last : null }))
}

function compare(localLast: number, net: { Last: number } | null): string {
  if (net == null) return 'no network record'
  if (localLast === net.Last) return 'local version is same with net'
  return localLast > net.Last ? `local version is newer than net (local ${localLast}, net ${net.Last})` : `local version is older than net (local ${localLast}, net ${net.Last})`
}

export const mimeiNetCommands: Command[] = [
  {
    path: ['mimei', 'publish'],
    summary: 'Sign the MiMei\'s versions into a record on the DHT and push it to providers (author only)',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }],
    options: [{ name: 'eol', type: 'string', description: 'record lifetime, e.g. 168h (renewed while the node runs)', default: '168h' }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args, options, signal }) {
      const mid = requireArg(args, 0, 'mid')
      const eol = parseLifetime(options.eol as string | undefined, DEFAULT_EOL_MS)
      const record = await node.mimeiNet.publish(mid, eol, signal)
      return { MIDs: [mid], EOL: lifetimeText(eol), Expires: new Date(record.eol).toISOString(), Seq: record.seq, Last: record.body.versions.at(-1)?.ver ?? 0 }
    },
    render(r, out) {
      out.line(`MiMeiPublish mids= [${r.MIDs.join(' ')}] EOL = ${r.EOL}`)
      out.line('MiMeiPublish ok')
    },
  },
  {
    path: ['mimei', 'unpublish'],
    summary: 'Stop renewing the MiMei\'s record (it lapses at its EOL)',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args }) {
      const mid = requireArg(args, 0, 'mid')
      node.mimeiNet.unpublish(mid)
      return { MID: mid }
    },
    render: (r, out) => out.line(`MiMeiUnpublish mid= ${r.MID} ok`),
  },
  {
    path: ['mimei', 'show'],
    summary: 'Show local and network versions, conflicts and how they compare',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args, signal }) {
      const mid = requireArg(args, 0, 'mid')
      const local = mimeiSummary(node.mimei.store.get(mid), node)
      const record = await node.mimeiNet.netRecord(mid, signal)
      // Remember what the network said: a conflicting version must stay visible.
      if (record != null) node.mimei.store.acceptRecord(mid, record.bytes, record.seq, record.eol, record.body.versions)
      const net = record == null ? null : { Versions: record.body.versions.map(v => ({ Ver: v.ver, Cid: v.cid })), Last: record.body.versions.at(-1)?.ver ?? 0, Seq: record.seq, Expires: new Date(record.eol).toISOString() }
      // What each provider holds counts too: a conflict shows on every node that asks.
      const providers = await node.mimeiNet.findProviders(mid, signal, 5_000)
      const conflicts = conflictsOf(node, mid, net?.Versions ?? null, providers)
      return { ...local, Local: { Versions: local.Versions, Last: local.Last }, Net: net, Providers: providers.map(p => ({ ID: p.ID, ShortID: p.ShortID, Last: p.Last })), Conflicts: conflicts, Compare: compare(local.Last, net) }
    },
    render(r, out) {
      out.line(`MiMeiShow mid= ${r.MID}`)
      out.line(`Author  : ${r.Author}`)
      out.line(`AppType : ${r.AppType}`)
      out.line(`Ext     : ${r.Ext}`)
      out.line(`Mark    : ${r.Mark}`)
      out.line(`Create  : ${r.Create}`)
      out.line(`Right   :${r.Right}`)
      out.line('')
      const section = (title: string, versions: VersionList | null, last: number | null) => {
        out.line(title)
        out.line(RULE)
        if (versions == null) out.line('no record')
        else {
          for (const v of versions) out.line(`${String(v.Ver).padEnd(8)} ${v.Cid}`)
          out.line(`last     ${last}`)
        }
        out.line('')
      }
      section('from local', r.Local.Versions, r.Local.Last)
      section('from net', r.Net?.Versions ?? null, r.Net?.Last ?? null)
      out.line('conflict')
      out.line(RULE)
      if (r.Conflicts.length === 0) out.line('no conflict')
      for (const c of r.Conflicts) out.line(`version ${c.Ver} has ${c.Cids.length} contents: ${c.Cids.join(' ')}${c.ResolvedBy != null ? `  (resolved by version ${c.ResolvedBy})` : ''}`)
      out.line('')
      out.line('compare version')
      out.line(RULE)
      out.line(r.Compare)
      out.line('')
      out.line('mimei show ok')
    },
  },
  {
    path: ['mimei', 'sync'],
    summary: 'Pull the MiMei\'s record and all its data from the network (or --from one node)',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }],
    options: [{ name: 'from', type: 'string', description: 'PeerId or multiaddr of the node to pull from (the global -n picks the node that runs the command)' }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args, options, signal }) {
      const mid = requireArg(args, 0, 'mid')
      const fromText = typeof options.from === 'string' && options.from !== '' ? options.from : undefined
      const from = fromText == null ? undefined : fromText.startsWith('/') ? parseMultiaddr(fromText) : parsePeerId(fromText)
      const added = await node.mimeiNet.sync(mid, { from, signal })
      return { MID: mid, Added: added, Last: node.mimei.store.lastVersion(mid)?.ver ?? 0 }
    },
    render(r, out) {
      out.line(`MiMeiSync mid= ${r.MID}`)
      out.line('mimei sync ok')
    },
  },
  {
    path: ['mimei', 'provide'],
    summary: 'Host all of the MiMei\'s data here and follow every later publish',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args, signal }) {
      const mid = requireArg(args, 0, 'mid')
      const added = await node.mimeiNet.provide(mid, signal)
      return { CIDs: [mid], Added: added, Last: node.mimei.store.lastVersion(mid)?.ver ?? 0 }
    },
    render(r, out) {
      out.line(`MiMeiProvide cids= [${r.CIDs.join(' ')}]`)
      out.line('MiMeiProvide ok')
    },
  },
  {
    path: ['mimei', 'unprovide'],
    summary: 'Stop hosting and following the MiMei (its data stays until gc)',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args }) {
      const mid = requireArg(args, 0, 'mid')
      node.mimeiNet.unprovide(mid)
      return { MID: mid }
    },
    render: (r, out) => out.line(`MiMeiUnprovide mid= ${r.MID} ok`),
  },
  {
    path: ['mimei', 'findprovs'],
    summary: 'List the nodes providing a MiMei, with their addresses and versions',
    args: [{ name: 'mid', description: 'MiMei ID', required: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args, signal }) {
      const mid = requireArg(args, 0, 'mid')
      const providers = await node.mimeiNet.findProviders(mid, signal)
      return { MID: mid, Ver: Math.max(0, ...providers.map(p => p.Last)), Providers: providers }
    },
    render(r, out) {
      out.line(`MiMeiFindProvide mid= ${r.MID}`)
      out.line(`mimei findprovs  ver=${r.Ver}`)
      out.line(`mimei findprovs  addrs=[${r.Providers.map((p: any) => `{${p.ShortID} [${p.Addrs.join(' ')}]}`).join(' ')}]`)
      for (const p of r.Providers) out.line(`mimei findprovs  ${p.ShortID} ver=${p.Last}`)
      out.line('mimei findprovs ok')
    },
  },
]

