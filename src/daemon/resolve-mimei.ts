/**
 * Resolves a MiMei version for /mm/: from this node, or by syncing it from
 * the network first when this node does not hold it yet.
 */
import type { CID } from 'multiformats/cid'
import type { LeitherNode } from '../node/node.ts'
import { NotFoundError } from '../utils/errors.ts'

export async function resolveMiMei(node: LeitherNode, mid: string, version: string, signal: AbortSignal, timeoutMs: number): Promise<CID> {
  try {
    return node.mimei.resolve(mid, version).cid
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err
  }
  await node.mimeiNet.sync(mid, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) })
  return node.mimei.resolve(mid, version).cid
}
