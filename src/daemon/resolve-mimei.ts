/**
 * Resolves a MiMei version for /mm/: from this node, or by syncing it from
 * the network first when this node does not hold it yet.
 *
 * An answer is reused while the MiMei table's generation is unchanged: /mm
 * is read far more often than a MiMei changes, and any new version,
 * working copy, release or deletion moves the generation on, so a new
 * publish or setcid shows on the very next request.
 */
import type { CID } from 'multiformats/cid'
import type { LeitherNode } from '../node/node.ts'
import { NotFoundError } from '../utils/errors.ts'

// Bounds the memory a client can make us spend by naming many MiMei or versions.
const MAX_ENTRIES = 4096

interface Resolved {
  cid: CID
  generation: number
}

const recent = new WeakMap<LeitherNode, Map<string, Resolved>>()

/** The version's CID; synchronous unless the MiMei must be synced from the network first. */
export function resolveMiMei(node: LeitherNode, mid: string, version: string, signal: AbortSignal, timeoutMs: number): CID | Promise<CID> {
  let cache = recent.get(node)
  if (cache == null) recent.set(node, cache = new Map())
  const key = `${mid}/${version}`
  const hit = cache.get(key)
  const generation = node.mimei.store.generation
  if (hit != null && hit.generation === generation) return hit.cid
  const remember = (cid: CID): CID => {
    if (cache.size >= MAX_ENTRIES) prune(cache, node.mimei.store.generation)
    cache.set(key, { cid, generation: node.mimei.store.generation })
    return cid
  }
  try {
    return remember(node.mimei.resolve(mid, version).cid)
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err
  }
  return syncThenResolve(node, mid, version, signal, timeoutMs).then(remember)
}

async function syncThenResolve(node: LeitherNode, mid: string, version: string, signal: AbortSignal, timeoutMs: number): Promise<CID> {
  await node.mimeiNet.sync(mid, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) })
  return node.mimei.resolve(mid, version).cid
}

function prune(cache: Map<string, Resolved>, generation: number): void {
  for (const [key, entry] of cache) if (entry.generation !== generation) cache.delete(key)
  if (cache.size >= MAX_ENTRIES) cache.clear()
}
