/**
 * dht: peer and content routing on the IPFS-compatible DHT, and signed
 * Leither records (/leither/<id>/<name>) on Leither's own DHT.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { PeerId } from '@libp2p/interface'
import type { Command, NodeContext, OptionSpec } from '../command.ts'
import { requireArg } from '../command.ts'
import { parseCid } from '../../ipfs/ipfs-path.ts'
import { parsePeerId, shortIdOfPeer } from './swarm.ts'
import { isShortId, signRecord, encodeRecord, signerId } from '../../pki/index.ts'
import { parseLeitherKey, validateLeitherRecord, leitherSelector } from '../../net/leither-records.ts'
import { InvalidInputError, NotFoundError, TimeoutError } from '../../utils/errors.ts'
import type { LeitherNode } from '../../node/node.ts'

const timeoutOption: OptionSpec = { name: 'timeout', type: 'number', description: 'seconds to search before giving up', default: 30 }

function deadline(ctx: NodeContext): AbortSignal {
  const seconds = Number(ctx.options.timeout ?? 30)
  if (!(seconds > 0)) throw new InvalidInputError(`timeout must be a positive number of seconds, got "${ctx.options.timeout}"`)
  return AbortSignal.any([ctx.signal, AbortSignal.timeout(seconds * 1000)])
}

const aborted = (err: any) => err?.name === 'AbortError' || err?.name === 'TimeoutError'

/** A PeerId, or the short ID of a peer this node already knows. */
async function resolvePeer(node: LeitherNode, text: string): Promise<PeerId> {
  if (isShortId(text)) {
    for (const peer of await node.libp2p.peerStore.all()) if (shortIdOfPeer(peer.id) === text) return peer.id
    throw new NotFoundError(`no known peer has the short ID "${text}" (use its PeerId)`)
  }
  return parsePeerId(text)
}

/** `name` alone means this node's own record `/leither/<own id>/name`. */
function leitherKey(node: LeitherNode, text: string): string {
  if (text.startsWith('/')) {
    if (!text.startsWith('/leither/')) throw new InvalidInputError(`unsupported DHT key namespace in "${text}": only /leither/<id>/<name> records are accepted here`)
    return text
  }
  return `/leither/${node.id}/${text}`
}

const enc = new TextEncoder()
const dec = new TextDecoder()
const dhtOf = (node: LeitherNode) => node.libp2p.services.dht as any
const leitherDhtOf = (node: LeitherNode) => node.libp2p.services.leitherDht as any

export const dhtCommands: Command[] = [
  {
    path: ['dht', 'findpeer'],
    summary: 'Find a peer\'s addresses (by PeerId, or the short ID of a known peer)',
    args: [{ name: 'peer', description: 'PeerId or short ID', required: true }],
    options: [timeoutOption],
    output: 'json',
    runsIn: 'node',
    kubo: ['dht/findpeer', 'routing/findpeer'],
    async run(ctx) {
      const peer = await resolvePeer(ctx.node, requireArg(ctx.args, 0, 'peer'))
      const started = performance.now()
      try {
        const info = await ctx.node.libp2p.peerRouting.findPeer(peer, { signal: deadline(ctx) })
        return { ID: info.id.toString(), ShortID: shortIdOfPeer(info.id), Addrs: info.multiaddrs.map(a => a.toString()), Ms: Math.round(performance.now() - started) }
      } catch (err) {
        if (aborted(err)) throw new TimeoutError(`peer ${peer} was not found in time`)
        throw new NotFoundError(`peer ${peer} was not found: ${(err as Error).message}`)
      }
    },
    render: (r, out) => r.Addrs.forEach((a: string) => out.line(a)),
  },
  {
    path: ['dht', 'findprovs'],
    summary: 'Find nodes that provide a CID',
    args: [{ name: 'cid', description: 'content CID', required: true }],
    options: [timeoutOption, { name: 'num-providers', alias: 'n', type: 'number', description: 'stop after this many', default: 20 }],
    output: 'ndjson',
    runsIn: 'node',
    kubo: ['dht/findprovs', 'routing/findprovs'],
    async * run(ctx) {
      const cid = parseCid(requireArg(ctx.args, 0, 'cid'))
      const most = Number(ctx.options['num-providers'] ?? 20)
      const started = performance.now()
      let found = 0
      try {
        for await (const p of ctx.node.libp2p.contentRouting.findProviders(cid, { signal: deadline(ctx) })) {
          yield { ID: p.id.toString(), ShortID: shortIdOfPeer(p.id), Addrs: p.multiaddrs.map(a => a.toString()), Ms: Math.round(performance.now() - started) }
          if (++found >= most) return
        }
      } catch (err) {
        if (!aborted(err) || found === 0) throw aborted(err) ? new TimeoutError(`no provider of ${cid} found in time`) : err
      }
    },
    render(r, out) {
      out.line(`${r.ShortID} ${r.ID}`)
      for (const a of r.Addrs) out.line(`\t${a}`)
    },
  },
  {
    path: ['dht', 'provide'],
    summary: 'Announce that this node provides a CID it holds',
    args: [{ name: 'cid', description: 'content CID', required: true }],
    options: [timeoutOption],
    output: 'json',
    runsIn: 'node',
    kubo: ['dht/provide', 'routing/provide'],
    async run(ctx) {
      const cid = parseCid(requireArg(ctx.args, 0, 'cid'))
      if (!(await ctx.node.blocks.has(cid))) throw new NotFoundError(`block ${cid} is not stored on this node; add or pin it first`)
      try {
        await ctx.node.announcer.provideNow(cid, deadline(ctx))
      } catch (err) {
        if (aborted(err)) throw new TimeoutError(`providing ${cid} did not finish in time`)
        throw err
      }
      return { ID: cid.toString(), Provided: true }
    },
    render: (r, out) => out.line(`dht provide ok  ${r.ID}`),
  },
  {
    path: ['dht', 'put'],
    summary: 'Sign and store a Leither record: /leither/<own id>/<name> (or just <name>)',
    args: [
      { name: 'key', description: '/leither/<own id>/<name> or <name>', required: true },
      { name: 'value', description: 'the value (the CLI reads it from a file when one has this name)', required: true, fileOrValue: true },
    ],
    options: [timeoutOption, { name: 'lifetime', type: 'number', description: 'hours the record lives', default: 48 }],
    output: 'json',
    runsIn: 'node',
    kubo: ['dht/put'],
    async run(ctx) {
      const key = leitherKey(ctx.node, requireArg(ctx.args, 0, 'key'))
      const value = ctx.args[1]
      if (value == null) throw new InvalidInputError('argument "value" is required')
      const { signer } = parseLeitherKey(key)
      if (signer !== ctx.node.id) throw new InvalidInputError(`this node (${ctx.node.id}) can only sign records under /leither/${ctx.node.id}/`)
      const hours = Number(ctx.options.lifetime ?? 48)
      if (!(hours > 0 && hours <= 24 * 365)) throw new InvalidInputError(`lifetime must be 0-8760 hours, got "${ctx.options.lifetime}"`)
      const record = await signRecord(ctx.node.privateKey, { key, seq: Date.now(), eol: Date.now() + hours * 3600_000, payload: enc.encode(value) })
      const bytes = encodeRecord(record)
      // kad-dht does not validate its own puts: refuse here what every peer would refuse.
      await validateLeitherRecord(key, bytes)
      let stored = 0
      try {
        for await (const evt of leitherDhtOf(ctx.node).put(enc.encode(key), bytes, { signal: deadline(ctx) })) {
          if (evt.name === 'PEER_RESPONSE' && evt.messageName === 'PUT_VALUE') stored++
        }
      } catch (err) {
        if (!aborted(err)) throw err
      }
      return { Key: key, Seq: record.seq, EOL: new Date(record.eol).toISOString(), StoredOn: stored }
    },
    render(r, out) {
      out.line(`key= ${r.Key}`)
      out.line(`dht put ok  seq= ${r.Seq} peers= ${r.StoredOn} EOL= ${r.EOL}`)
    },
  },
  {
    path: ['dht', 'get'],
    summary: 'Read a Leither record from the DHT (the newest valid one)',
    args: [{ name: 'key', description: '/leither/<id>/<name> or <name> (this node\'s)', required: true }],
    options: [timeoutOption],
    output: 'json',
    runsIn: 'node',
    kubo: ['dht/get'],
    async run(ctx) {
      const key = leitherKey(ctx.node, requireArg(ctx.args, 0, 'key'))
      parseLeitherKey(key)
      const values: Uint8Array[] = []
      try {
        for await (const evt of leitherDhtOf(ctx.node).get(enc.encode(key), { signal: deadline(ctx) })) {
          if (evt.name === 'VALUE') {
            try {
              await validateLeitherRecord(key, evt.value)
              values.push(evt.value)
            } catch { /* a peer sent something invalid: ignore it */ }
          }
        }
      } catch (err) {
        if (!aborted(err) && values.length === 0) throw new NotFoundError(`no record for "${key}": ${(err as Error).message}`)
      }
      if (values.length === 0) throw new NotFoundError(`no record for "${key}"`)
      const best = await validateLeitherRecord(key, values[leitherSelector(enc.encode(key), values)]!)
      return { Key: key, Value: dec.decode(best.payload), Seq: best.seq, EOL: new Date(best.eol).toISOString(), Signer: signerId(best) }
    },
    render: (r, out) => out.line(r.Value),
  },
  {
    path: ['dht', 'query'],
    summary: 'List the peers closest to a PeerId',
    args: [{ name: 'peer', description: 'PeerId or short ID', required: true }],
    options: [timeoutOption],
    output: 'json',
    runsIn: 'node',
    kubo: ['dht/query'],
    async run(ctx) {
      const peer = await resolvePeer(ctx.node, requireArg(ctx.args, 0, 'peer'))
      const peers = new Map<string, string>()
      try {
        for await (const evt of dhtOf(ctx.node).getClosestPeers(peer.toMultihash().bytes, { signal: deadline(ctx) })) {
          if (evt.name === 'FINAL_PEER') peers.set(evt.peer.id.toString(), shortIdOfPeer(evt.peer.id))
        }
      } catch (err) {
        if (!aborted(err)) throw err
      }
      return { Peers: [...peers].map(([ID, ShortID]) => ({ ID, ShortID })) }
    },
    render: (r, out) => r.Peers.forEach((p: any) => out.line(`${p.ShortID} ${p.ID}`)),
  },
  {
    path: ['dht', 'netsize'],
    summary: 'Estimate how many nodes the DHT has',
    options: [timeoutOption],
    output: 'json',
    runsIn: 'node',
    async run(ctx) {
      // The k closest peers to a random key sit at XOR distances d_i ≈ i / N.
      const target = randomBytes(32)
      const kadTarget = createHash('sha256').update(target).digest()
      const distances: number[] = []
      try {
        for await (const evt of dhtOf(ctx.node).getClosestPeers(target, { signal: deadline(ctx) })) {
          if (evt.name !== 'FINAL_PEER') continue
          const kadId = createHash('sha256').update(evt.peer.id.toMultihash().bytes).digest()
          let d = 0
          for (let i = 0; i < 7; i++) d = d * 256 + ((kadId[i]! ^ kadTarget[i]!) & 0xff)
          distances.push(d / 2 ** 56)
        }
      } catch (err) {
        if (!aborted(err)) throw err
      }
      distances.sort((a, b) => a - b)
      const estimates = distances.map((d, i) => (i + 1) / Math.max(d, 1e-12)).sort((a, b) => a - b)
      const known = ctx.node.libp2p.getPeers().length + 1
      const estimate = estimates.length === 0 ? known : Math.max(known, Math.round(estimates[Math.floor(estimates.length / 2)]!))
      return { NetSize: estimate, Sampled: distances.length, Connected: known - 1 }
    },
    render: (r, out) => out.line(`netsize= ${r.NetSize}  (from ${r.Sampled} closest peers; ${r.Connected} connected)`),
  },
]
