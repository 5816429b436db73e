/** swarm: this node's addresses, known and connected peers, connect/disconnect. */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import type { Command, NodeContext } from '../command.ts'
import { requireArg } from '../command.ts'
import { shortIdFromPublicKey } from '../../pki/index.ts'
import { InvalidInputError, NotFoundError, UnavailableError } from '../../utils/errors.ts'
import { AddressFilter } from '../../net/address-filter.ts'
import { updateSystemVars } from '../../config/index.ts'

export function parseMultiaddr(text: string): Multiaddr {
  try {
    return multiaddr(text)
  } catch (err: any) {
    throw new InvalidInputError(`invalid multiaddr "${text}": ${err?.message ?? err}`)
  }
}

export function parsePeerId(text: string): PeerId {
  try {
    return peerIdFromString(text)
  } catch {
    throw new InvalidInputError(`invalid peer ID: "${text}"`)
  }
}

/** The short ID of a peer whose key is inlined in its PeerId (Ed25519), else the PeerId. */
export function shortIdOfPeer(peer: PeerId): string {
  return peer.publicKey != null ? shortIdFromPublicKey(peer.publicKey.raw) : peer.toString()
}

const withoutPeer = (a: Multiaddr) => a.toString().replace(/\/p2p\/[^/]+$/, '')

/** Peer from a multiaddr with /p2p/, or a bare PeerId. */
function peerOf(text: string): { peer?: PeerId, addr?: Multiaddr } {
  if (text.startsWith('/')) {
    const addr = parseMultiaddr(text)
    const id = addr.getComponents().find(c => c.name === 'p2p')?.value
    return { addr, peer: id != null ? parsePeerId(id) : undefined }
  }
  return { peer: parsePeerId(text) }
}

export const swarmCommands: Command[] = [
  {
    path: ['swarm', 'local'],
    summary: 'List this node\'s own addresses',
    output: 'json',
    runsIn: 'node',
    kubo: ['swarm/addrs/local'],
    async run({ node }) {
      return { Strings: [...new Set(node.libp2p.getMultiaddrs().map(withoutPeer))] }
    },
    render: (r, out) => r.Strings.forEach((s: string) => out.line(s)),
  },
  {
    path: ['swarm', 'addrs'],
    summary: 'List known (nearby and remembered) nodes grouped by short ID, with their addresses',
    output: 'json',
    runsIn: 'node',
    kubo: ['swarm/addrs'],
    async run({ node }) {
      const Addrs: Record<string, string[]> = {}
      const Short: Record<string, string> = {}
      for (const peer of await node.libp2p.peerStore.all()) {
        if (peer.id.equals(node.libp2p.peerId)) continue
        Addrs[peer.id.toString()] = peer.addresses.map(a => a.multiaddr.toString())
        Short[peer.id.toString()] = shortIdOfPeer(peer.id)
      }
      return { Addrs, ShortIDs: Short }
    },
    render(r, out) {
      for (const [peer, addrs] of Object.entries<string[]>(r.Addrs)) {
        out.line(`${r.ShortIDs[peer] ?? peer} (${addrs.length})`)
        for (const a of addrs) out.line(`\t${a}`)
      }
    },
  },
  {
    path: ['swarm', 'peers'],
    summary: 'List connected peers',
    output: 'json',
    runsIn: 'node',
    kubo: ['swarm/peers'],
    async run({ node }) {
      return {
        Peers: node.libp2p.getConnections().map(c => ({
          Addr: withoutPeer(c.remoteAddr),
          Peer: c.remotePeer.toString(),
          ShortID: shortIdOfPeer(c.remotePeer),
          Direction: c.direction === 'inbound' ? 2 : 1,
          Muxer: c.multiplexer ?? '',
        })),
      }
    },
    render: (r, out) => r.Peers.forEach((p: any) => out.line(`${p.Addr}/p2p/${p.Peer}`)),
  },
  {
    path: ['swarm', 'connect'],
    summary: 'Open a connection to a peer by multiaddr (ending in /p2p/<peer>)',
    args: [{ name: 'address', description: 'multiaddr of the peer', required: true, variadic: true }],
    output: 'json',
    runsIn: 'node',
    kubo: ['swarm/connect'],
    async run(ctx: NodeContext) {
      requireArg(ctx.args, 0, 'address')
      const Strings: string[] = []
      for (const text of ctx.args) {
        const { addr, peer } = peerOf(text)
        if (peer != null && peer.equals(ctx.node.libp2p.peerId)) throw new InvalidInputError(`cannot connect to self: "${text}"`)
        try {
          const conn = await ctx.node.libp2p.dial(addr ?? peer!, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(30_000)]) })
          Strings.push(`connect ${conn.remotePeer.toString()} success`)
        } catch (err: any) {
          throw new UnavailableError(`connect ${text} failure: ${err?.message ?? err}`)
        }
      }
      return { Strings }
    },
    render: (r, out) => r.Strings.forEach((s: string) => out.line(s)),
  },
  {
    path: ['swarm', 'disconnect'],
    summary: 'Close every connection to a peer (by multiaddr or PeerId)',
    args: [{ name: 'address', description: 'multiaddr or PeerId', required: true, variadic: true }],
    output: 'json',
    runsIn: 'node',
    kubo: ['swarm/disconnect'],
    async run(ctx: NodeContext) {
      requireArg(ctx.args, 0, 'address')
      const Strings: string[] = []
      for (const text of ctx.args) {
        const { peer } = peerOf(text)
        if (peer == null) throw new InvalidInputError(`multiaddr has no /p2p/<peer> part: "${text}"`)
        if (ctx.node.libp2p.getConnections(peer).length === 0) throw new InvalidInputError(`not connected to ${peer.toString()}`)
        await ctx.node.libp2p.hangUp(peer)
        Strings.push(`disconnect ${peer.toString()} success`)
      }
      return { Strings }
    },
    render: (r, out) => r.Strings.forEach((s: string) => out.line(s)),
  },
  {
    path: ['swarm', 'filters'],
    summary: 'List the address filters (a CIDR blacklist for inbound and outbound connections)',
    output: 'json',
    runsIn: 'node',
    kubo: ['swarm/filters'],
    async run({ node }) {
      return { Strings: node.filter.list() }
    },
    render: (r, out) => r.Strings.forEach((s: string) => out.line(s)),
  },
  {
    path: ['swarm', 'filters', 'add'],
    summary: 'Block a CIDR (e.g. 10.0.0.0/8): no dials to it, no connections from it; saved in SystemVars.json',
    args: [{ name: 'cidr', description: 'CIDR or /ip4/…/ipcidr/N', required: true, variadic: true }],
    output: 'json',
    runsIn: 'node',
    kubo: ['swarm/filters/add'],
    async run(ctx: NodeContext) {
      requireArg(ctx.args, 0, 'cidr')
      const probe = new AddressFilter(ctx.args) // validates them all before changing anything
      const added = probe.list()
      for (const c of added) ctx.node.filter.add(c)
      await updateSystemVars(ctx.node.root, vars => ({ ...vars, Filters: [...new Set([...vars.Filters, ...added])] }))
      // Existing connections from a now-blocked range are closed too.
      for (const conn of ctx.node.libp2p.getConnections()) {
        if (ctx.node.filter.denies(conn.remoteAddr)) await conn.close().catch(() => conn.abort(new Error('filtered')))
      }
      return { Strings: added }
    },
    render: (r, out) => r.Strings.forEach((s: string) => out.line(`added ${s}`)),
  },
  {
    path: ['swarm', 'filters', 'rm'],
    summary: 'Unblock a CIDR; saved in SystemVars.json',
    args: [{ name: 'cidr', description: 'CIDR as listed by swarm filters', required: true, variadic: true }],
    output: 'json',
    runsIn: 'node',
    kubo: ['swarm/filters/rm'],
    async run(ctx: NodeContext) {
      requireArg(ctx.args, 0, 'cidr')
      const wanted = new AddressFilter(ctx.args).list()
      const missing = wanted.filter(c => !ctx.node.filter.list().includes(c))
      if (missing.length > 0) throw new NotFoundError(`not in the filter list: ${missing.join(', ')}`)
      for (const c of wanted) ctx.node.filter.remove(c)
      await updateSystemVars(ctx.node.root, vars => ({ ...vars, Filters: vars.Filters.filter(f => !wanted.includes(new AddressFilter([f]).list()[0]!)) }))
      return { Strings: wanted }
    },
    render: (r, out) => r.Strings.forEach((s: string) => out.line(`removed ${s}`)),
  },
]
