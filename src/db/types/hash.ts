/**
 * The 32-bit hash that orders the members of hashes, sets and sorted sets
 * (the `h` column). It is stored, so it must never change: FNV-1a, then
 * MurmurHash3's finalizer to spread similar names ("f1", "f2") apart.
 */
export function hash32(b: Uint8Array): number {
  let h = 0x811c9dc5
  for (let i = 0; i < b.length; i++) {
    h ^= b[i]!
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A random 32-bit position to start a random pick at. */
export function randomHash(): number {
  return (Math.random() * 0x100000000) >>> 0
}
