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

function sameBytes(a: Uint8Array, buf: Uint8Array, at: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[at + i]) return false
  return true
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
  /** buf's ArrayBuffer and offset, read once per buffer (the getters are not free) */
  private ab: ArrayBufferLike = EMPTY.buffer
  private abOff = 0
  /**
   * A command name to reuse: when a command's first argument equals it byte
   * for byte, the parser hands out this very array instead of a new view, so
   * a pipeline of one command allocates one view less per command and the
   * caller can recognise the name by identity.
   */
  intern: Uint8Array | null = null
  /**
   * The client has not authenticated yet (a password is set): like Redis,
   * refuse arrays over 1M items and bulk strings over 16 KiB before AUTH.
   */
  unauthenticated = false

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
      this.setBuffer(chunk, false)
      this.pos = 0
      this.end = chunk.length
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
    this.setBuffer(next, true)
    this.pos = 0
    this.end = wanted
  }

  private setBuffer(buf: Uint8Array, owned: boolean): void {
    this.buf = buf
    this.owned = owned
    this.ab = buf.buffer
    this.abOff = buf.byteOffset
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
    this.setBuffer(EMPTY, false)
    this.pos = this.end = 0
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
        if (Number.isNaN(n)) throw new RespProtocolError('invalid multibulk length')
        if (this.unauthenticated && n > 1024 * 1024) throw new RespProtocolError('unauthenticated multibulk length')
        if (n > this.limits.maxArgs) throw new RespProtocolError('invalid multibulk length')
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
          if (this.unauthenticated && n > 16384) throw new RespProtocolError('unauthenticated bulk length')
          this.pos = cr + 2
          this.bulkLen = n
        }
        const len = this.bulkLen
        if (end - this.pos < len + 2) return null
        const intern = this.intern
        if (this.args.length === 0 && intern !== null && intern.length === len && sameBytes(intern, buf, this.pos)) {
          this.args.push(intern)
        } else {
          // a plain Uint8Array view: cheaper than subarray on a Buffer chunk (no species lookup)
          this.args.push(new Uint8Array(this.ab, this.abOff + this.pos, len))
        }
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
    const buf = this.buf
    const stop = Math.min(this.end, this.pos + this.limits.maxInlineBytes + 2)
    // Header lines are a few bytes: a plain loop beats making a view for indexOf.
    const near = Math.min(stop, this.pos + 64)
    for (let i = this.pos; i < near; i++) if (buf[i] === byte) return i
    if (near >= stop) return -1
    const i = buf.subarray(near, stop).indexOf(byte)
    return i < 0 ? -1 : near + i
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
