/**
 * A least-recently-used map bounded by the bytes of its values. The gateway keeps resolved
 * content in it: what a CID and path lead to never changes, so an entry never goes stale.
 */
export class ContentCache<V> {
  private readonly entries = new Map<string, { value: V, bytes: number }>()
  private used = 0
  /** Values larger than this are not kept, so one big file cannot flush everything else. */
  readonly maxEntryBytes: number

  constructor(readonly maxBytes: number, maxEntryBytes = Math.floor(maxBytes / 16)) {
    this.maxEntryBytes = Math.min(maxEntryBytes, maxBytes)
  }

  /** Total bytes held. */
  get bytes(): number { return this.used }

  get size(): number { return this.entries.size }

  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (entry == null) return undefined
    // Re-inserting moves the key to the end of the Map's order: the most recently used.
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  /** Keeps `value`, counted as `bytes`, evicting the least recently used entries to make room. */
  set(key: string, value: V, bytes: number): void {
    if (bytes > this.maxEntryBytes) return
    this.delete(key)
    this.entries.set(key, { value, bytes })
    this.used += bytes
    for (const [oldest, entry] of this.entries) {
      if (this.used <= this.maxBytes) break
      this.entries.delete(oldest)
      this.used -= entry.bytes
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key)
    if (entry == null) return
    this.entries.delete(key)
    this.used -= entry.bytes
  }
}
