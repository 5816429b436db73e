/**
 * One client connection: its protocol (RESP2/3), database, authentication,
 * MULTI queue, WATCHed keys, subscriptions and parked blocking command, and
 * the loop that runs its pipelined commands in the order Redis checks them
 * (unknown command and arity, then NOAUTH, then the RESP2 subscribed
 * context, then MULTI queueing). Replies go into the session's encoder; the
 * server sends them after the batch's commit (group commit).
 */
import { messageOf } from '../utils/errors.ts'
import { logger } from '../utils/logger.ts'
import type { Keyspace } from './keyspace.ts'
import type { Block } from './server-blocking.ts'
import { Errors, type Reply } from './reply.ts'
import { RespEncoder } from './resp/encoder.ts'
import { RespParser, RespProtocolError, type ParserLimits } from './resp/parser.ts'
import type { Conn } from './server-transport.ts'
import type { Subscriber } from './pubsub.ts'
import { CONNECTION_COMMANDS } from './session-commands.ts'
import { commandName, unknownCommand, type SessionHost } from './session-host.ts'

export { unknownCommand } from './session-host.ts'
export type { ServerSettings, ServerStats, SessionHost } from './session-host.ts'

/** Commands that run before AUTH (Redis's no-auth flag; QUIT and RESET always work). */
const NO_AUTH = new Set(['AUTH', 'HELLO', 'QUIT', 'RESET'])
/** What a RESP2 client may run while subscribed. */
const IN_SUBSCRIBED = new Set(['SUBSCRIBE', 'PSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SSUBSCRIBE', 'SUNSUBSCRIBE', 'PING', 'QUIT', 'RESET'])
/** Run at once inside MULTI rather than queued. */
const NOT_QUEUED = new Set(['EXEC', 'DISCARD', 'MULTI', 'WATCH', 'QUIT', 'RESET'])

/** Stop reading a pipeline into the output once this much waits to be sent. */
const OUTPUT_SOFT_LIMIT = 4 * 1024 * 1024
/** A subscriber this far behind is dropped (Redis: client-output-buffer-limit pubsub 32mb). */
const PUBSUB_OUTPUT_LIMIT = 32 * 1024 * 1024

const log = logger('resp')
const utf8 = new TextDecoder()
const NULL_ARRAY: Reply = { t: 'array', v: null }

let nextId = 1

/** A queued MULTI command. */
interface Queued { name: string, args: Uint8Array[] }

/** A WATCHed key and the version it had. */
interface Watch { ks: Keyspace, key: Uint8Array, version: number }

export class Session implements Subscriber {
  readonly id = nextId++
  readonly createdAt = Date.now()
  lastActive = this.createdAt
  lastCommand = 'NULL'
  private lastName = ''
  readonly parser: RespParser
  readonly out = new RespEncoder()
  resp: 2 | 3 = 2
  authenticated: boolean
  name: string | null = null
  libName = ''
  libVersion = ''
  db: Keyspace
  dbName = '0'
  multi: Queued[] | null = null
  multiDirty = false
  watched: Watch[] = []
  readonly channels = new Set<string>()
  readonly patterns = new Set<string>()
  /** replies of the EXEC being run (null outside EXEC) */
  collect: Reply[] | null = null
  /** the time of the EXEC being run: one `now` for all its commands */
  execNow = 0
  private clock = 0
  /** a command to run again first (it waited for a database to open) */
  retry: Uint8Array[] | null = null
  /** databases being opened for SELECT (and for SELECTs queued in MULTI) */
  readonly opening = new Map<string, Keyspace | Error | Promise<unknown>>()
  suspended = false
  blocked = false
  /** the output is not draining: stop running commands until it does */
  paused = false
  /** QUIT or a protocol error: run nothing more, close after the flush */
  closing = false
  closed = false
  /** stopped at the output soft limit with commands left */
  more = false
  /** the server's per-batch bookkeeping */
  queued = false
  touched = false
  batchMark = -1
  entered: Keyspace | null = null

  constructor(readonly host: SessionHost, readonly conn: Conn, limits: Partial<ParserLimits>) {
    this.parser = new RespParser(limits)
    this.authenticated = host.settings.password == null
    this.db = host.defaultDb
  }

  get subscriptions(): number {
    return this.channels.size + this.patterns.size
  }

  /** Whether the session may run a command now. */
  get runnable(): boolean {
    return !(this.closed || this.closing || this.blocked || this.suspended || this.paused)
  }

  /** The time commands see: one clock read per few commands of a pipeline (sub-millisecond apart), one per EXEC. */
  now(): number {
    return this.collect != null ? this.execNow : this.clock
  }

  /** Sends (or, inside EXEC, collects) one reply. */
  emit(r: Reply): void {
    if (this.collect != null) {
      this.collect.push(r)
      return
    }
    this.out.write(r, this.resp)
    this.host.touch(this)
  }

  error(text: string): void {
    this.emit({ t: 'error', v: text })
  }

  /** A pub/sub message for this client (Subscriber). */
  deliver(message: Reply): void {
    if (this.closed) return
    this.out.write(message, this.resp)
    this.host.stats.pubsubMessages++
    this.host.touch(this)
    if (this.conn.backlog + this.out.length > PUBSUB_OUTPUT_LIMIT) this.close()
  }

  /** Runs pipelined commands until none is left or the session must wait. */
  drain(): void {
    this.lastActive = this.clock = Date.now()
    for (let ran = 0; this.runnable; ran++) {
      if ((ran & 31) === 31) this.clock = Date.now()
      if (this.out.length > OUTPUT_SOFT_LIMIT) {
        this.more = true // go on after this round's flush
        return
      }
      let args = this.retry
      if (args != null) {
        this.retry = null
      } else {
        try {
          this.parser.unauthenticated = !this.authenticated // parsing is lazy: AUTH counts from the next command on
          args = this.parser.next()
        } catch (e) {
          if (!(e instanceof RespProtocolError)) throw e
          this.host.stats.protocolErrors++
          this.error(e.reply)
          this.closing = true
          return
        }
        if (args === null) return
      }
      this.host.stats.commands++
      try {
        this.process(args)
      } catch (e) { // a bug, not the client's fault: answer it, keep the connection in step
        log.error(`${this.lastCommand} failed: ${(e as Error)?.stack ?? messageOf(e)}`)
        this.collect = null
        this.error(`ERR internal error in ${this.lastCommand}: ${messageOf(e)}`)
      }
      if (this.host.blocking.hasReady) this.host.blocking.serveReady()
    }
  }

  /** The command name, reusing the last one when a pipeline repeats it (the parser hands out the same array). */
  private nameOf(b: Uint8Array): string {
    if (b === this.parser.intern) return this.lastName
    this.lastName = commandName(b)
    this.parser.intern = b.length <= 32 ? b.slice() : null
    return this.lastName
  }

  /** One command, checked in Redis's order. */
  process(args: Uint8Array[]): void {
    const name = this.nameOf(args[0]!)
    this.lastCommand = name
    const conn = CONNECTION_COMMANDS.get(name)
    // The common case: the engine itself answers unknown commands and wrong arity with the same texts.
    if (conn === undefined && this.multi === null && this.authenticated && (this.resp === 3 || this.subscriptions === 0)) return this.runData(args)
    const spec = conn?.spec ?? this.db.command(name)
    if (spec == null) return this.reject(name, unknownCommand(args))
    const n = args.length
    let fullName = name.toLowerCase()
    if (conn?.subcommands != null && n >= 2) { // containers: CLIENT LIST is "client|list"
      const sub = utf8.decode(args[1]!)
      if (!conn.subcommands.has(sub.toUpperCase())) return this.reject(name, `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${name} HELP.`)
      fullName = `${fullName}|${sub.toLowerCase()}`
    }
    if (spec.arity > 0 ? n !== spec.arity : n < -spec.arity) return this.reject(name, Errors.arity(name))
    if (!this.authenticated && !NO_AUTH.has(name)) return this.reject(name, 'NOAUTH Authentication required.')
    if (this.resp === 2 && this.subscriptions > 0 && !IN_SUBSCRIBED.has(name)) {
      return this.reject(name, `ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`)
    }
    if (this.multi != null && !NOT_QUEUED.has(name)) {
      if (name === 'SELECT') this.prefetch(args[1]!)
      this.multi.push({ name, args })
      this.emit({ t: 'simple', v: 'QUEUED' })
      return
    }
    return conn != null ? conn.run(this, args) : this.runData(args)
  }

  /** Runs a command taken from the MULTI queue, inside EXEC. */
  runQueued(q: Queued): void {
    const conn = CONNECTION_COMMANDS.get(q.name)
    if (conn != null) conn.run(this, q.args)
    else this.runData(q.args)
  }

  private reject(name: string, text: string): void {
    if (this.multi != null) this.multiDirty = true
    if (name === 'EXEC') {
      this.discard()
      text = `EXECABORT Transaction discarded because of: ${text}`
    }
    this.error(text)
  }

  /** A data command on the current database. */
  runData(args: Uint8Array[]): void {
    const ks = this.db
    const now = this.now()
    let r: Reply
    try {
      this.host.enter(this, ks)
      r = ks.execute(args, { now, resp: this.resp })
    } catch (e) {
      r = { t: 'error', v: `ERR ${messageOf(e)}` }
    }
    if (r.t === 'wait') {
      if (this.collect != null) return this.emit(NULL_ARRAY) // inside EXEC a blocking command does not block
      this.blocked = true
      this.host.blocking.block(this, ks, args, r.keys, r.timeoutMs, now)
      return
    }
    this.emit(r)
  }

  /** The parked command again, after a write to one of its keys; true when it got its answer. */
  retryBlocked(block: Block): boolean {
    if (this.closed) return true
    let r: Reply
    try {
      this.host.enter(this, block.ks)
      r = block.ks.execute(block.args, { now: Date.now(), resp: this.resp })
    } catch (e) {
      r = { t: 'error', v: `ERR ${messageOf(e)}` }
    }
    if (r.t === 'wait') return false
    this.blocked = false
    this.emit(r)
    this.host.wake(this)
    return true
  }

  /** The parked command's timeout passed: a null array, as Redis answers. */
  timedOut(): void {
    this.blocked = false
    if (this.closed) return
    this.emit(NULL_ARRAY)
    this.host.wake(this)
  }

  /** Starts opening a database named by a SELECT queued in MULTI, so EXEC finds it ready. */
  private prefetch(nameArg: Uint8Array): void {
    const name = utf8.decode(nameArg)
    if (!this.opening.has(name)) this.startOpen(name)
  }

  /** Opens a database for this session; the result lands in `opening`. */
  startOpen(name: string): Keyspace | Error | Promise<unknown> {
    let r: Keyspace | Promise<Keyspace>
    try {
      r = this.host.open(name)
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e))
      this.opening.set(name, err)
      return err
    }
    if (!(r instanceof Promise)) {
      this.opening.set(name, r)
      return r
    }
    const settle = (v: Keyspace | Error) => {
      if (this.opening.get(name) === pending) this.opening.set(name, v) // not if DISCARD or RESET forgot it
    }
    const pending: Promise<unknown> = r.then(settle, e => settle(e instanceof Error ? e : new Error(String(e)))).finally(() => {
      if (this.suspended) {
        this.suspended = false
        this.host.wake(this)
      }
    })
    this.opening.set(name, pending)
    return pending
  }

  /** Leaves MULTI (EXEC, DISCARD, RESET, an aborted EXEC). */
  discard(): void {
    this.multi = null
    this.multiDirty = false
    this.watched = []
    this.opening.clear()
  }

  /** Unsubscribes, unparks and forgets the session (connection gone). */
  release(): void {
    this.closed = true
    this.host.blocking.unblock(this)
    this.blocked = false
    for (const c of this.channels) this.host.pubsub.unsubscribe(this, c)
    for (const p of this.patterns) this.host.pubsub.unsubscribe(this, p, true)
    this.channels.clear()
    this.patterns.clear()
    this.multi = null
    this.watched = []
  }

  /** Closes after what is already written has been sent. */
  close(): void {
    this.closing = true
    this.host.touch(this)
  }
}
