/**
 * /leither/mimei/info/1.0.0 — asks a peer what it holds of a MiMei: its
 * newest signed record and the versions it has. findprovs uses it to show
 * each provider's version, `sync --from` to pull from one chosen node.
 * One length-prefixed JSON request, one reply.
 */
import { lpStream } from '@libp2p/utils'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export const MIMEI_INFO_PROTOCOL = '/leither/mimei/info/1.0.0'
const MAX_MESSAGE = 64 * 1024

export interface InfoReply {
  mid: string
  /** base64url of the signed record bytes, when the peer has one */
  record: string | null
  /** the versions the peer holds, with their content */
  versions: Array<{ ver: number, cid: string }>
}

export type InfoSource = (mid: string) => InfoReply

const enc = new TextEncoder()
const dec = new TextDecoder()

export async function serveInfo(libp2p: Libp2p<any>, source: InfoSource): Promise<void> {
  await libp2p.handle(MIMEI_INFO_PROTOCOL, async stream => {
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE })
    try {
      const signal = AbortSignal.timeout(10_000)
      const req = JSON.parse(dec.decode((await lp.read({ signal })).subarray()))
      const mid = typeof req?.mid === 'string' ? req.mid : ''
      await lp.write(enc.encode(JSON.stringify(source(mid))), { signal })
      await stream.close()
    } catch (err: any) {
      stream.abort(err)
    }
  })
}

export async function askInfo(libp2p: Libp2p<any>, peer: PeerId | Multiaddr, mid: string, signal: AbortSignal): Promise<InfoReply> {
  const stream = await libp2p.dialProtocol(peer, MIMEI_INFO_PROTOCOL, { signal })
  const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE })
  await lp.write(enc.encode(JSON.stringify({ mid })), { signal })
  const reply = JSON.parse(dec.decode((await lp.read({ signal })).subarray())) as InfoReply
  await stream.close().catch(() => {})
  return reply
}
