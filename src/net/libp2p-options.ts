/**
 * The one libp2p configuration every Leither node uses. Everything that needs
 * a network (daemon, tests, benchmarks) goes through here, so the Bun cipher
 * workaround, the DHT settings and the address filter cannot be forgotten.
 */
import { autoNAT } from '@libp2p/autonat'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { gossipsub } from '@libp2p/gossipsub'
import { identify, identifyPush } from '@libp2p/identify'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, removePublicAddressesMapper } from '@libp2p/kad-dht'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { contentRoutingSymbol, FaultTolerance } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'
import type { PrivateKey } from '@libp2p/interface'
import { swarmPortOf, type SystemVars } from '../config/index.ts'
import { noiseCrypto } from './noise-crypto.ts'
import type { AddressFilter } from './address-filter.ts'
import { LEITHER_NAMESPACE, leitherSelector, leitherValidator } from './leither-records.ts'

/** The IPFS-compatible DHT: provider records and peer routing IPFS nodes understand. */
export const IPFS_DHT_PROTOCOL = '/ipfs/kad/1.0.0'
/** Leither's own DHT: signed Leither records (/leither/…, /mimei/…), kept off the public IPFS DHT. */
export const LEITHER_DHT_PROTOCOL = '/leither/kad/1.0.0'

export interface NodeNetOptions {
  privateKey: PrivateKey
  config: SystemVars
  filter: AddressFilter
  /** e.g. "leither/0.1.0" */
  agentVersion: string
  version: string
  /** More signed-record namespaces for Leither's DHT (e.g. mimei), keyed by first key segment. */
  records?: { validators: Record<string, any>, selectors: Record<string, any> }
  /** mDNS and UPnP, when enabled (loadLanServices) */
  lan?: LanServices
}

function listenAddrs(config: SystemVars): string[] {
  const port = swarmPortOf(config)
  const direct = config.SwarmListen ?? [`/ip4/0.0.0.0/tcp/${port}`, `/ip6/::/tcp/${port}`]
  // Reachable through a relay as well when one is configured.
  return [...direct, ...config.Relays.map(r => `${r.replace(/\/$/, '')}/p2p-circuit`)]
}

function mapperOf(scope: SystemVars['DHTScope']) {
  // Home and LAN nodes have only private addresses: the default mapper
  // would drop every one of them, so "all" is the default.
  if (scope === 'wan') return removePrivateAddressesMapper
  if (scope === 'lan') return removePublicAddressesMapper
  return passthroughMapper
}

/**
 * A kad-dht that libp2p does not register as a content router. kad-dht offers
 * itself as one, so provider records went to both DHTs and every lookup walked
 * both: twice the work for each `add` and each MiMei announce. Provider records
 * belong on the IPFS DHT, where kubo looks for them; Leither's DHT keeps the signed
 * records (and still routes peers).
 */
export function recordsOnly<T extends (components: any) => object>(factory: T): T {
  return ((components: any) => {
    const dht = factory(components)
    Object.defineProperty(dht, contentRoutingSymbol, { value: undefined })
    return dht
  }) as T
}

/** The LAN-facing services, loaded only when enabled: their modules (multicast DNS, UPnP's XML) are never run otherwise. */
export interface LanServices {
  mdns?: () => any
  upnp?: () => any
}

export async function loadLanServices(config: SystemVars): Promise<LanServices> {
  const off = new Set(config.NOStart.map(s => s.toLowerCase()))
  const lan: LanServices = {}
  if (config.LAN && !off.has('mdns')) {
    const { mdns } = await import('@libp2p/mdns')
    lan.mdns = () => mdns()
  }
  if (config.UPnP && !off.has('upnp')) {
    const { uPnPNAT } = await import('@libp2p/upnp-nat')
    lan.upnp = () => uPnPNAT()
  }
  return lan
}

/**
 * How wide a Kademlia query runs. kad-dht's defaults (20 disjoint paths, 10 requests
 * in flight on each) let one lookup ask every node of a small network at once, and a
 * lookup's leftovers slow the next one; kubo keeps about 10 requests in flight. Three
 * paths of three (S/Kademlia's disjoint paths kept, ~9 in flight): in a 50-node swarm
 * on loopback, findprovs back to back median 411–533 → 210 ms (BENCHMARKS.md, dht).
 */
const KAD_QUERY_WIDTH = { disjointPaths: 3, alpha: 3 }

/**
 * How often each connection is pinged over a new stream, to find dead peers
 * (libp2p's default is 10 s). Yamux already keeps every connection (and the NAT
 * mapping under it) alive with a 30 s ping frame; the stream ping is the costly
 * part of an idle node among many peers: CPU per idle node 1.37 → 0.71% of a core
 * in a 10-node swarm, 2.44 → 1.37% in a 30-node one (BENCHMARKS.md, dht).
 */
const CONNECTION_PING_MS = 60_000

export function libp2pOptions(opts: NodeNetOptions): Libp2pOptions<any> {
  const { config, filter } = opts
  const off = new Set(config.NOStart.map(s => s.toLowerCase()))
  const peerInfoMapper = mapperOf(config.DHTScope)
  const services: Record<string, any> = {
    identify: identify(),
    identifyPush: identifyPush(),
    ping: ping(),
    dht: kadDHT({
      protocol: IPFS_DHT_PROTOCOL,
      clientMode: false,
      ...KAD_QUERY_WIDTH,
      peerInfoMapper,
    }),
    leitherDht: recordsOnly(kadDHT({
      protocol: LEITHER_DHT_PROTOCOL,
      clientMode: false,
      ...KAD_QUERY_WIDTH,
      peerInfoMapper,
      validators: { [LEITHER_NAMESPACE]: leitherValidator, ...opts.records?.validators },
      selectors: { [LEITHER_NAMESPACE]: leitherSelector, ...opts.records?.selectors },
      logPrefix: 'libp2p:leither-dht',
      datastorePrefix: '/leither-dht',
      metricsPrefix: 'libp2p_leither_dht',
    })),
  }
  // Real-time MiMei updates: a publish reaches subscribed providers at once.
  services.pubsub = gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false })
  if (!off.has('autonat')) services.autoNAT = autoNAT()
  if (!off.has('dcutr')) services.dcutr = dcutr()
  if (config.RelayService && !off.has('relay')) {
    services.relay = circuitRelayServer({ reservations: { maxReservations: config.RelayMaxReservations, applyDefaultLimit: config.RelayLimited } })
  }
  if (opts.lan?.upnp != null) services.upnp = opts.lan.upnp()

  const peerDiscovery: any[] = []
  if (config.Bootstrap.length > 0 && !off.has('bootstrap')) peerDiscovery.push(bootstrap({ list: config.Bootstrap }))
  if (opts.lan?.mdns != null) peerDiscovery.push(opts.lan.mdns())

  return {
    privateKey: opts.privateKey,
    addresses: {
      listen: listenAddrs(config),
      announce: config.FixedAddr.filter(a => a.startsWith('/')),
    },
    // A host without IPv6 must still start on IPv4 alone.
    transportManager: { faultTolerance: FaultTolerance.NO_FATAL },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise({ crypto: noiseCrypto })],
    streamMuxers: [yamux({ maxInboundStreams: config.MaxStreamsPerPeer, maxOutboundStreams: config.MaxStreamsPerPeer })],
    connectionManager: { maxConnections: config.MaxConnections },
    connectionMonitor: { pingInterval: CONNECTION_PING_MS },
    connectionGater: {
      denyDialMultiaddr: ma => filter.denies(ma),
      denyInboundConnection: maConn => filter.denies(maConn.remoteAddr),
      denyOutboundConnection: (_peer, maConn) => filter.denies(maConn.remoteAddr),
    },
    peerDiscovery,
    nodeInfo: { name: 'leither', version: opts.version, userAgent: opts.agentVersion },
    services,
  }
}
