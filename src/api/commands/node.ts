/** Node-wide calls: version, id, shutdown (kubo's names and reply shapes). */
import { arch, platform } from 'node:os'
import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import type { Command } from '../command.ts'
import { COMMIT, VERSION } from '../../version.ts'
import type { LeitherNode } from '../../node/node.ts'

/** kubo's /api/v0/id reply, plus Leither's short ID. */
export function nodeIdentity(node: LeitherNode) {
  const libp2p = node.libp2p
  return {
    ID: node.peerId,
    ShortID: node.id,
    PublicKey: Buffer.from(publicKeyToProtobuf(node.privateKey.publicKey)).toString('base64'),
    Addresses: libp2p.getMultiaddrs().map(a => a.toString()),
    AgentVersion: `leither/${VERSION}`,
    ProtocolVersion: 'ipfs/0.1.0',
    Protocols: libp2p.getProtocols(),
  }
}

export const nodeCommands: Command[] = [
  {
    path: ['version'],
    summary: 'Print the Leither version',
    output: 'json',
    runsIn: 'local',
    servedOverHttp: true,
    kubo: ['version'],
    async run() {
      return { Version: VERSION, Commit: COMMIT, Repo: '1', System: `${arch()}/${platform()}`, Golang: 'none', Runtime: typeof (globalThis as any).Bun !== 'undefined' ? `bun/${(globalThis as any).Bun.version}` : `node/${process.versions.node}` }
    },
    render: (r, out) => out.line(`Leither version ${r.Version}${r.Commit ? ` (${r.Commit})` : ''}`),
  },
  {
    path: ['swarm', 'id'],
    summary: 'Print the node\'s short ID and its libp2p PeerId',
    output: 'json',
    runsIn: 'node',
    kubo: ['id'],
    async run({ node }) {
      return nodeIdentity(node)
    },
    render(r, out) {
      out.line(r.ShortID)
      out.line(r.ID)
    },
  },
  {
    path: ['shutdown'],
    summary: 'Stop the running node (the CLI\'s `Leither stop` calls this)',
    output: 'json',
    runsIn: 'node',
    kubo: ['shutdown'],
    async run({ shutdown }) {
      shutdown()
      return { Message: 'node stopping' }
    },
    render: (_r, out) => out.line('node stopping'),
  },
]
