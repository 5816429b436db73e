/**
 * The content of a file after `files write`: the old bytes before the offset (zeros past
 * the old end, as kubo's sparse seek does), the new data (at most `count` bytes), then the
 * old bytes after it. A stream, so a large file never sits in memory.
 */
import { InvalidInputError } from '../utils/errors.ts'

export interface WriteRange {
  /** Where the new data goes (default 0); may lie past the old end. */
  offset?: number
  /** Most bytes of `data` to take; the rest is read and dropped. */
  count?: number
}

/** Reads `length` bytes of the old file from `offset`. */
export type ReadOld = (offset: number, length?: number) => AsyncIterable<Uint8Array>

/** Zero fill for a write past the end comes in chunks of this size (allocated per write, not kept). */
const ZERO_CHUNK = 256 * 1024

export function checkWriteRange(range: WriteRange): void {
  const offset = range.offset ?? 0
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidInputError(`cannot have a negative or fractional write offset: ${range.offset}`)
  if (range.count != null && (!Number.isSafeInteger(range.count) || range.count < 0)) throw new InvalidInputError(`cannot have a negative or fractional byte count: ${range.count}`)
}

/** The spliced content. `oldSize` 0 (and any `readOld`) stands for a new or truncated file. */
export async function * splice(oldSize: number, readOld: ReadOld, data: AsyncIterable<Uint8Array>, range: WriteRange): AsyncGenerator<Uint8Array> {
  checkWriteRange(range)
  const { offset = 0, count } = range
  if (offset > 0 && oldSize > 0) yield * readOld(0, Math.min(offset, oldSize))
  const gap = offset - oldSize
  if (gap > 0) {
    const zeros = new Uint8Array(Math.min(gap, ZERO_CHUNK))
    for (let left = gap; left > 0; left -= zeros.length) yield zeros.subarray(0, Math.min(left, zeros.length))
  }
  let written = 0
  for await (const chunk of data) {
    const room = count == null ? chunk.length : Math.min(chunk.length, count - written)
    // Past `count` the upload is still drained, so the client can finish sending it.
    if (room <= 0) continue
    yield room === chunk.length ? chunk : chunk.subarray(0, room)
    written += room
  }
  const end = offset + written
  if (end < oldSize) yield * readOld(end)
}
