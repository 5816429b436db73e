/**
 * Changes of a keyspace, as values and as bytes to ship between nodes and
 * hash. The encoding is compact and deterministic: the same changes always
 * give the same bytes.
 *
 *   "LKC1", then one record per change:
 *   reset: 0x00 seq
 *   del:   0x01 seq key
 *   put:   0x02 seq key type expire value
 * where numbers are unsigned LEB128 varints, byte strings a varint length
 * then the bytes, `type` one byte (1 string, 2 hash, 3 list, 4 set, 5 zset),
 * `expire` 0 for none or unix ms + 1, and `value` the bytes of a string, or
 * a count then the fields and values, elements, or members each followed by
 * its score as a little-endian float64.
 */
import { InvalidInputError } from '../utils/errors.ts'

export type ValueType = 'string' | 'hash' | 'list' | 'set' | 'zset'

/** A key's whole value. */
export type Value =
  | { type: 'string', value: Uint8Array }
  | { type: 'hash', value: Array<[field: Uint8Array, value: Uint8Array]> }
  | { type: 'list', value: Uint8Array[] }
  | { type: 'set', value: Uint8Array[] }
  | { type: 'zset', value: Array<[member: Uint8Array, score: number]> }

/** A key written, with its full value and absolute expiry (unix ms, null: none). */
export type Put = { op: 'put', key: Uint8Array, seq: number, expireAt: number | null } & Value

/** A key deleted or expired. */
export interface Del {
  op: 'del'
  key: Uint8Array
  seq: number
}

/** Clear everything first: the changes that follow are the whole content. */
export interface Reset {
  op: 'reset'
  seq: number
}

export type Change = Put | Del | Reset

const MAGIC = [0x4c, 0x4b, 0x43, 0x31] // "LKC1"
const OP_RESET = 0
const OP_DEL = 1
const OP_PUT = 2
export const TYPE_CODES: Record<ValueType, number> = { string: 1, hash: 2, list: 3, set: 4, zset: 5 }
const TYPE_BY_CODE: ValueType[] = ['string', 'string', 'hash', 'list', 'set', 'zset']

/** A growable byte buffer. */
export class ByteWriter {
  private buf = new Uint8Array(256)
  private n = 0
  private readonly f64 = new DataView(new ArrayBuffer(8))

  private room(extra: number): void {
    if (this.n + extra <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.n + extra) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.n))
    this.buf = next
  }

  byte(b: number): void {
    this.room(1)
    this.buf[this.n++] = b
  }

  varint(v: number): void {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`Cannot encode ${v} as an unsigned varint`)
    this.room(10)
    while (v >= 128) {
      this.buf[this.n++] = (v % 128) | 128
      v = Math.floor(v / 128)
    }
    this.buf[this.n++] = v
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length)
    this.room(b.length)
    this.buf.set(b, this.n)
    this.n += b.length
  }

  float(v: number): void {
    this.f64.setFloat64(0, v, true)
    this.room(8)
    for (let i = 0; i < 8; i++) this.buf[this.n++] = this.f64.getUint8(i)
  }

  /** Hands over the bytes written so far and starts again. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.n)
    this.n = 0
    return out
  }

  get length(): number {
    return this.n
  }
}

/** Writes a key's type, expiry and value: the part of a put that the digest also hashes. */
export function writeEntry(w: ByteWriter, c: Put): void {
  w.byte(TYPE_CODES[c.type])
  w.varint(c.expireAt === null ? 0 : Math.max(c.expireAt, 0) + 1)
  switch (c.type) {
    case 'string':
      w.bytes(c.value)
      break
    case 'hash':
      w.varint(c.value.length)
      for (const [f, v] of c.value) {
        w.bytes(f)
        w.bytes(v)
      }
      break
    case 'list':
    case 'set':
      w.varint(c.value.length)
      for (const v of c.value) w.bytes(v)
      break
    case 'zset':
      w.varint(c.value.length)
      for (const [m, s] of c.value) {
        w.bytes(m)
        w.float(s)
      }
      break
  }
}

/** Appends one change's record. */
export function writeChange(w: ByteWriter, c: Change): void {
  if (c.op === 'reset') {
    w.byte(OP_RESET)
    w.varint(c.seq)
    return
  }
  w.byte(c.op === 'del' ? OP_DEL : OP_PUT)
  w.varint(c.seq)
  w.bytes(c.key)
  if (c.op === 'put') writeEntry(w, c)
}

/** The changes as bytes. */
export function encodeChanges(changes: Iterable<Change>): Uint8Array {
  const w = new ByteWriter()
  for (const b of MAGIC) w.byte(b)
  for (const c of changes) writeChange(w, c)
  return w.take()
}

/** The changes back from `encodeChanges`' bytes; throws InvalidInputError on anything malformed. */
export function decodeChanges(bytes: Uint8Array): Change[] {
  return [...iterateChanges(bytes)]
}

/** Decodes one change at a time. */
export function* iterateChanges(bytes: Uint8Array): Generator<Change> {
  const r = new Reader(bytes)
  for (const b of MAGIC) if (r.byte() !== b) throw r.error('not a keyspace change list (bad magic)')
  while (!r.done) {
    const op = r.byte()
    const seq = r.varint()
    if (op === OP_RESET) {
      yield { op: 'reset', seq }
      continue
    }
    if (op !== OP_DEL && op !== OP_PUT) throw r.error(`unknown change kind ${op}`)
    const key = r.bytes()
    if (op === OP_DEL) {
      yield { op: 'del', key, seq }
      continue
    }
    const code = r.byte()
    const type = TYPE_BY_CODE[code]
    if (code < 1 || type === undefined) throw r.error(`unknown value type ${code}`)
    const e = r.varint()
    const expireAt = e === 0 ? null : e - 1
    const base = { op: 'put' as const, key, seq, expireAt }
    switch (type) {
      case 'string':
        yield { ...base, type, value: r.bytes() }
        break
      case 'hash': {
        const n = r.count()
        const value: Array<[Uint8Array, Uint8Array]> = []
        for (let i = 0; i < n; i++) value.push([r.bytes(), r.bytes()])
        yield { ...base, type, value }
        break
      }
      case 'list':
      case 'set': {
        const n = r.count()
        const value: Uint8Array[] = []
        for (let i = 0; i < n; i++) value.push(r.bytes())
        yield { ...base, type, value }
        break
      }
      case 'zset': {
        const n = r.count()
        const value: Array<[Uint8Array, number]> = []
        for (let i = 0; i < n; i++) {
          const m = r.bytes()
          const s = r.float()
          if (Number.isNaN(s)) throw r.error('a score is NaN')
          value.push([m, s])
        }
        yield { ...base, type, value }
        break
      }
    }
  }
}

class Reader {
  private at = 0
  private readonly view: DataView

  constructor(private readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  }

  get done(): boolean {
    return this.at >= this.b.length
  }

  error(why: string): InvalidInputError {
    return new InvalidInputError(`Cannot decode keyspace changes at byte ${this.at}: ${why}`)
  }

  byte(): number {
    if (this.at >= this.b.length) throw this.error('truncated')
    return this.b[this.at++]!
  }

  varint(): number {
    let v = 0
    let scale = 1
    for (let i = 0; i < 10; i++) {
      const c = this.byte()
      v += (c & 127) * scale
      if (c < 128) return v
      scale *= 128
    }
    throw this.error('varint too long')
  }

  /** A count of items still to come: each takes at least a byte, so it cannot exceed what is left. */
  count(): number {
    const n = this.varint()
    if (n > this.b.length - this.at) throw this.error(`count ${n} exceeds the remaining bytes`)
    return n
  }

  bytes(): Uint8Array {
    const n = this.varint()
    if (n > this.b.length - this.at) throw this.error('truncated byte string')
    const out = this.b.slice(this.at, this.at + n)
    this.at += n
    return out
  }

  float(): number {
    if (this.at + 8 > this.b.length) throw this.error('truncated')
    const v = this.view.getFloat64(this.at, true)
    this.at += 8
    return v
  }
}
