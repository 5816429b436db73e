import { ContentCache } from './content-cache.ts'
import { BlockNotLocalError } from './errors.ts'
import { localOnlyReader } from './local-blocks.ts'
import { resolveTarget, targetBytes } from './target.ts'
import type { BlockReader } from './block.ts'
import type { ContentPath } from './content-path.ts'
import type { LocalBlocks } from './local-blocks.ts'
import type { Target } from './target.ts'

// Local reads never wait, so their signal never fires.
const NEVER = new AbortController().signal

/**
 * Targets resolved from this node's blocks alone, kept in a byte-bounded cache: what a CID and
 * path lead to never changes. A small file's bytes are read whole, so it is answered from memory.
 */
export class LocalTargets {
  private readonly cache: ContentCache<Target>
  private readonly reader: BlockReader | undefined
  // Concurrent misses of one path share one read: a burst on new content reads it once.
  private readonly reading = new Map<string, Promise<Target | undefined>>()

  /** Without `local` nothing is read or cached: every request goes to the network-capable path. */
  constructor(local: LocalBlocks | undefined, cacheBytes: number) {
    this.reader = local == null ? undefined : localOnlyReader(local)
    this.cache = new ContentCache(cacheBytes)
  }

  /** The cached target of `path`, if any. */
  cached(path: ContentPath): Target | undefined {
    return this.cache.get(cacheKey(path))
  }

  /** Resolves `path` from local blocks and caches it; undefined when some block is not here. */
  async read(path: ContentPath): Promise<Target | undefined> {
    if (this.reader == null) return undefined
    const key = cacheKey(path)
    let read = this.reading.get(key)
    if (read == null) {
      read = this.resolve(this.reader, path, key)
      this.reading.set(key, read)
      const settled = (): void => { this.reading.delete(key) }
      read.then(settled, settled)
    }
    return await read
  }

  private async resolve(reader: BlockReader, path: ContentPath, key: string): Promise<Target | undefined> {
    try {
      const target = await resolveTarget(reader, path, NEVER, { index: true, readUpTo: this.cache.maxEntryBytes })
      this.cache.set(key, target, targetBytes(target))
      return target
    } catch (err) {
      if (err instanceof BlockNotLocalError) return undefined
      throw err
    }
  }
}

// Names cannot hold "/", so the canonical CID and the names joined by "/" identify a path exactly.
function cacheKey(path: ContentPath): string {
  return path.segments.length === 0 ? path.cid.toString() : `${path.cid}/${path.segments.join('/')}`
}
