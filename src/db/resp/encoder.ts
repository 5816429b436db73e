/**
 * Reply → bytes, in RESP2 or RESP3. Replies for one client accumulate in one
 * growing buffer and leave as one write per flush (a whole pipeline's worth).
 * RESP3-only types fall back in RESP2 as Redis does: maps and sets become
 * arrays, doubles bulk strings (printed as Redis 7.0 does, float.ts), booleans 1/0, null $-1, verbatim strings
 * bulk strings, pushes arrays.
 */
import type { Reply } from '../reply.ts'
import { formatDouble } from '../float.ts'

const utf8 = new TextEncoder()
const INITIAL = 16 * 1024
/** after a flush, a buffer grown past this is dropped, so one big reply does not stay in memory */
const KEEP_AT_MOST = 1024 * 1024

export class RespEncoder {
  private buf: Uint8Array
  private pos = 0

  constructor(initialBytes = INITIAL) {
    this.buf = new Uint8Array(initialBytes)
  }

  /** Bytes encoded and not yet taken. */
  get length(): number {
    return this.pos
  }

  /**
   * The bytes encoded so far, as a view that stays valid only until the next
   * write: send or copy it at once.
   */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos)
    this.pos = 0
    if (this.buf.length > KEEP_AT_MOST) this.buf = new Uint8Array(INITIAL)
    return out
  }

  /** Drops what was encoded since `mark` (a former `length`). */
  truncate(mark: number): void {
    if (mark < this.pos) this.pos = mark
  }

  /** Bytes already in RESP form, copied as they are. */
  raw(bytes: Uint8Array): void {
    this.room(bytes.length)
    this.buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  write(r: Reply, resp: 2 | 3): void {
    switch (r.t) {
      case 'bulk':
        if (r.v === null) return this.nil(resp, 36)
        return this.bulk(r.v)
      case 'simple': return this.line(43, r.v)
      case 'int': return this.int(58, r.v)
      case 'error': return this.line(45, r.v)
      case 'array':
        if (r.v === null) return this.nil(resp, 42)
        this.int(42, r.v.length)
        for (const item of r.v) this.write(item, resp)
        return
      case 'map':
        if (resp === 3) this.int(37, r.v.length)
        else this.int(42, r.v.length * 2)
        for (const [k, v] of r.v) {
          this.write(k, resp)
          this.write(v, resp)
        }
        return
      case 'set':
      case 'push':
        this.int(resp === 2 ? 42 : r.t === 'set' ? 126 : 62, r.v.length)
        for (const item of r.v) this.write(item, resp)
        return
      case 'double':
        if (resp === 3) return this.line(44, formatDouble(r.v))
        return this.bulk(utf8.encode(formatDouble(r.v)))
      case 'bool':
        if (resp === 3) return this.line(35, r.v ? 't' : 'f')
        return this.int(58, r.v ? 1 : 0)
      case 'null': return this.nil(resp, 36)
      case 'verbatim': {
        const text = utf8.encode(r.v)
        if (resp === 2) return this.bulk(text)
        const format = utf8.encode(`${r.format.padEnd(3, ' ').slice(0, 3)}:`)
        this.int(61, text.length + 4)
        this.raw(format)
        this.raw(text)
        return this.crlf()
      }
      case 'wait': // a server bug if it gets here: blocking replies are handled before encoding
        return this.line(45, 'ERR internal error: a blocking reply reached the encoder')
    }
  }

  /** `$len\r\n<bytes>\r\n` */
  bulk(v: Uint8Array): void {
    this.int(36, v.length)
    const n = v.length
    this.room(n + 2)
    const buf = this.buf
    let pos = this.pos
    if (n < 32) {
      for (let i = 0; i < n; i++) buf[pos++] = v[i]!
    } else {
      buf.set(v, pos)
      pos += n
    }
    buf[pos++] = 13
    buf[pos++] = 10
    this.pos = pos
  }

  /** A type byte, an integer, CRLF: `:42\r\n`, `*3\r\n`, `$5\r\n`… */
  int(type: number, v: number | bigint): void {
    if (typeof v === 'bigint' || !Number.isSafeInteger(v)) {
      return this.line(type, typeof v === 'bigint' ? v.toString() : String(Math.trunc(v)))
    }
    this.room(24)
    const buf = this.buf
    let pos = this.pos
    buf[pos++] = type
    if (v < 0) {
      buf[pos++] = 45
      v = -v
    }
    if (v < 10) {
      buf[pos++] = 48 + v
    } else {
      let digits = 0
      for (let t = v; t > 0; t = Math.floor(t / 10)) digits++
      let at = pos + digits
      for (let t = v; t > 0; t = Math.floor(t / 10)) buf[--at] = 48 + (t % 10)
      pos += digits
    }
    buf[pos++] = 13
    buf[pos++] = 10
    this.pos = pos
  }

  /** A type byte, text (CR and LF become spaces, as Redis does for errors), CRLF. */
  line(type: number, text: string): void {
    const n = text.length
    this.room(n * 3 + 3)
    const buf = this.buf
    let pos = this.pos
    buf[pos++] = type
    let ascii = true
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i)
      if (c > 127) { ascii = false; break }
      buf[pos + i] = c === 13 || c === 10 ? 32 : c
    }
    if (ascii) {
      pos += n
    } else {
      const bytes = utf8.encode(text.replace(/[\r\n]/g, ' '))
      buf.set(bytes, pos)
      pos += bytes.length
    }
    buf[pos++] = 13
    buf[pos++] = 10
    this.pos = pos
  }

  private nil(resp: 2 | 3, type: number): void {
    this.room(5)
    const buf = this.buf
    if (resp === 3) {
      buf[this.pos++] = 95 // _
    } else {
      buf[this.pos++] = type
      buf[this.pos++] = 45
      buf[this.pos++] = 49
    }
    this.crlf()
  }

  private crlf(): void {
    this.room(2)
    this.buf[this.pos++] = 13
    this.buf[this.pos++] = 10
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n))
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }
}

/** One reply as bytes (tests, one-off replies). */
export function encodeReply(r: Reply, resp: 2 | 3): Uint8Array {
  const e = new RespEncoder(64)
  e.write(r, resp)
  return e.take().slice()
}
