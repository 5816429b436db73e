/**
 * The one libp2p configuration every Leither node uses. Everything that needs
 * a network (daemon, tests, benchmarks) goes through here, so the Bun cipher
 * workaround and the DHT settings cannot be forgotten.
 */
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { FaultTolerance } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'
import type { PrivateKey } from '@libp2p/interface'
import { noiseCrypto } from './noise-crypto.ts'

/** Leither's own DHT; the IPFS-compatible one is added with the network work (#3). */
export const LEITHER_DHT_PROTOCOL = '/leither/kad/1.0.0'

export interface NodeNetOptions {
  privateKey: PrivateKey
  /** TCP port for libp2p (0 = any free port). */
  swarmPort: number
  /** Extra addresses to announce (FixedAddr). */
  announce?: string[]
  /** e.g. "leither/0.1.0" */
  agentVersion: string
  version: string
}

export function libp2pOptions(opts: NodeNetOptions): Libp2pOptions<any> {
  return {
    privateKey: opts.privateKey,
    addresses: {
      listen: [`/ip4/0.0.0.0/tcp/${opts.swarmPort}`, `/ip6/::/tcp/${opts.swarmPort}`],
      announce: opts.announce ?? [],
    },
    // A host without IPv6 must still start on IPv4 alone.
    transportManager: { faultTolerance: FaultTolerance.NO_FATAL },
    transports: [tcp()],
    connectionEncrypters: [noise({ crypto: noiseCrypto })],
    streamMuxers: [yamux()],
    peerDiscovery: [],
    nodeInfo: { name: 'leither', version: opts.version, userAgent: opts.agentVersion },
    services: {
      identify: identify(),
      ping: ping(),
      // Server mode and a passthrough mapper: home and LAN nodes have only
      // private addresses, and the default mapper would drop every one of them.
      dht: kadDHT({ protocol: LEITHER_DHT_PROTOCOL, clientMode: false, peerInfoMapper: passthroughMapper }),
    },
  }
}
