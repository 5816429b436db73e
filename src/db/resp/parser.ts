/**
 * Streaming parser for what Redis clients send: arrays of bulk strings
 * (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline commands (`PING\r\n`, as
 * telnet and redis-cli's stdin mode send them). Chunks may split a frame
 * anywhere or hold many frames. Arguments are views into the received bytes
 * (no copy) unless a frame straddles chunks; a buffer that has handed out
 * views is never written over again, so the views stay valid as long as the
 * caller keeps them. Malformed input throws `RespProtocolError` with Redis's
 * own wording; the connection must then be closed, as Redis does.
 */
import { splitInlineArgs } from './inline.ts'

/** Redis's limits, configurable. */
export interface ParserLimits {
  /** largest bulk string (Redis `proto-max-bulk-len`, 512 MiB) */
  maxBulkBytes: number
  /** most arguments in one command (Redis allows INT_MAX; we keep memory bounded) */
  maxArgs: number
  /** longest inline command or `*N`/`$N` header line without its CRLF (Redis PROTO_INLINE_MAX_SIZE) */
  maxInlineBytes: number
}

export const DEFAULT_LIMITS: ParserLimits = {
  maxBulkBytes: 512 * 1024 * 1024,
  maxArgs: 1024 * 1024,
  maxInlineBytes: 64 * 1024,
}

/** Malformed client input; `reply` is the error line Redis sends before closing. */
export class RespProtocolError extends Error {
  override readonly name = 'RespProtocolError'
  /** the error reply text, code included: "ERR Protocol error: …" */
  readonly reply: string
  constructor(reason: string) {
    super(`Protocol error: ${reason}`)
    this.reply = `ERR Protocol error: ${reason}`
  }
}

const CR = 13
const EMPTY = new Uint8Array(0)

/**
 * Parses a decimal the way Redis's string2ll does: optional '-', no '+', no
 * leading zeros, no spaces. Returns NaN when the text is not such a number.
 */
function parseLength(buf: Uint8Array, start: number, end: number): number {
  if (start >= end || end - start > 19) return NaN
  let i = start
  let neg = false
  if (buf[i] === 45) { // '-'
    neg = true
    if (++i === end) return NaN
  }
  if (buf[i] === 48) return end - i === 1 && !neg ? 0 : NaN // "0" only
  let n = 0
  for (; i < end; i++) {
    const d = buf[i]! - 48
    if (d < 0 || d > 9) return NaN
    n = n * 10 + d
  }
  return neg ? -n : n
}

export class RespParser {
  private readonly limits: ParserLimits
  /** the bytes not yet parsed are buf[pos, end) */
  private buf: Uint8Array = EMPTY
  private pos = 0
  private end = 0
  /** buf was allocated here (its tail past `end` may be filled); a received chunk is never written */
  private owned = false
  /** the array being read: arguments still expected (-1 between commands) */
  private argsLeft = -1
  private args: Uint8Array[] = []
  /** length of the bulk string whose body comes next (-1: its `$N` header comes next) */
  private bulkLen = -1
  private failed: RespProtocolError | null = null

  constructor(limits: Partial<ParserLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits }
  }

  /** Bytes received but not yet parsed into a whole command. */
  get bufferedBytes(): number {
    return this.end - this.pos
  }

  /** Adds received bytes. The chunk is kept, not copied, when nothing is pending. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.failed != null) return
    const pending = this.end - this.pos
    if (pending === 0) {
      this.buf = chunk
      this.pos = 0
      this.end = chunk.length
      this.owned = false
      return
    }
    if (this.owned && this.buf.length - this.end >= chunk.length) {
      this.buf.set(chunk, this.end) // past every view handed out: safe
      this.end += chunk.length
      return
    }
    // Copy what is pending into a fresh buffer: views into the old one stay valid.
    const wanted = pending + chunk.length
    const hint = this.bulkLen >= 0 ? this.bulkLen + 2 : 0 // a big bulk: allocate it whole, once
    const size = Math.max(wanted, hint, Math.min(wanted * 2, wanted + 1024 * 1024), 4096)
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(this.pos, this.end), 0)
    next.set(chunk, pending)
    this.buf = next
    this.pos = 0
    this.end = wanted
    this.owned = true
  }

  /**
   * The next whole command, or null when more bytes are needed. Throws
   * RespProtocolError on malformed input (and on every call after that).
   */
  next(): Uint8Array[] | null {
    if (this.failed != null) throw this.failed
    try {
      return this.parse()
    } catch (e) {
      if (e instanceof RespProtocolError) {
        this.failed = e
        this.release()
      }
      throw e
    }
  }

  private release(): void {
    this.buf = EMPTY
    this.pos = this.end = 0
    this.owned = false
  }

  private parse(): Uint8Array[] | null {
    const buf = this.buf
    const end = this.end
    for (;;) {
      if (this.argsLeft < 0) {
        // between commands
        if (this.pos >= end) {
          this.release()
          return null
        }
        if (buf[this.pos] !== 42) { // not '*': inline command
          const inline = this.inline()
          if (inline === null) return null
          if (inline.length === 0) continue // empty line: Redis ignores it
          return inline
        }
        const cr = this.lineEnd('too big mbulk count string')
        if (cr < 0) return null
        const n = parseLength(buf, this.pos + 1, cr)
        if (Number.isNaN(n) || n > this.limits.maxArgs) throw new RespProtocolError('invalid multibulk length')
        this.pos = cr + 2
        if (n <= 0) continue // "*0" and "*-1": nothing to run
        this.argsLeft = n
        this.args = []
        this.bulkLen = -1
      }
      while (this.argsLeft > 0) {
        if (this.bulkLen < 0) {
          if (this.pos >= end) return null
          const cr = this.lineEnd('too big bulk count string')
          if (cr < 0) return null
          if (buf[this.pos] !== 36) { // '$'
            throw new RespProtocolError(`expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`)
          }
          const n = parseLength(buf, this.pos + 1, cr)
          if (Number.isNaN(n) || n < 0 || n > this.limits.maxBulkBytes) throw new RespProtocolError('invalid bulk length')
          this.pos = cr + 2
          this.bulkLen = n
        }
        if (end - this.pos < this.bulkLen + 2) return null
        this.args.push(buf.subarray(this.pos, this.pos + this.bulkLen))
        this.pos += this.bulkLen + 2 // Redis skips the CRLF without looking at it
        this.bulkLen = -1
        this.argsLeft--
      }
      this.argsLeft = -1
      const args = this.args
      this.args = []
      if (this.pos >= end) this.release()
      return args
    }
  }

  /** Index of the CR ending the header line at pos (the LF after it must be there too), or -1 to wait. */
  private lineEnd(tooBig: string): number {
    const cr = this.find(CR)
    if (cr < 0 || cr >= this.end - 1) {
      if (this.end - this.pos > this.limits.maxInlineBytes) throw new RespProtocolError(tooBig)
      return -1
    }
    if (cr - this.pos > this.limits.maxInlineBytes) throw new RespProtocolError(tooBig)
    return cr
  }

  /** Index of the first `byte` at or after pos, looking no further than a header line can reach; -1 if none. */
  private find(byte: number): number {
    const stop = Math.min(this.end, this.pos + this.limits.maxInlineBytes + 2)
    const i = this.buf.subarray(this.pos, stop).indexOf(byte)
    return i < 0 ? -1 : this.pos + i
  }

  /** An inline command's arguments ([] for a blank line), or null to wait for its newline. */
  private inline(): Uint8Array[] | null {
    const buf = this.buf
    const nl = this.find(10)
    if (nl < 0 || nl - this.pos > this.limits.maxInlineBytes) {
      if (nl >= 0 || this.end - this.pos > this.limits.maxInlineBytes) throw new RespProtocolError('too big inline request')
      return null
    }
    let lineEnd = nl
    if (lineEnd > this.pos && buf[lineEnd - 1] === CR) lineEnd--
    const args = splitInlineArgs(buf.subarray(this.pos, lineEnd))
    if (args === null) throw new RespProtocolError('unbalanced quotes in request')
    this.pos = nl + 1
    return args
  }
}
