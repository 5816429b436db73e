/**
 * One client connection: its protocol (RESP2/3), database, authentication,
 * MULTI queue, WATCHed keys, subscriptions and parked blocking command, and
 * the loop that runs its pipelined commands in the order Redis checks them
 * (unknown command and arity, then NOAUTH, then the RESP2 subscribed
 * context, then MULTI queueing). Replies go into the session's encoder; the
 * server sends them after the batch's commit (group commit).
 */
import { messageOf } from '../utils/errors.ts'
import type { DbCommand } from './command.ts'
import type { Keyspace } from './keyspace.ts'
import type { BlockingRegistry, Block } from './server-blocking.ts'
import { array, Errors, type Reply } from './reply.ts'
import { RespEncoder } from './resp/encoder.ts'
import { RespParser, RespProtocolError, type ParserLimits } from './resp/parser.ts'
import type { Conn } from './server-transport.ts'
import type { PubSub, Subscriber } from './pubsub.ts'
import { CONNECTION_COMMANDS } from './session-commands.ts'

/** What a session needs from the server. */
export interface SessionHost {
  readonly settings: ServerSettings
  readonly defaultDb: Keyspace
  readonly pubsub: PubSub
  readonly blocking: BlockingRegistry<Session>
  readonly stats: ServerStats
  sessions(): Iterable<Session>
  open(name: string): Keyspace | Promise<Keyspace>
  /** Joins `ks` to the batch's transaction (group commit); throws when it cannot begin. */
  enter(s: Session, ks: Keyspace): void
  /** `s` has output to send after the commit. */
  touch(s: Session): void
  /** `s` can run commands again (resumed, unblocked, output drained). */
  wake(s: Session): void
  /** Every command, for COMMAND. */
  commands(): DbCommand[]
}

export interface ServerSettings {
  bind: string
  port: number
  password: string | undefined
  maxClients: number
  maxBulkBytes: number
  version: string
}

export interface ServerStats {
  readonly startedAt: number
  connections: number
  commands: number
  rejectedConnections: number
  protocolErrors: number
  pubsubMessages: number
  commits: number
}

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

const utf8 = new TextDecoder()
const NULL_ARRAY: Reply = { t: 'array', v: null }

/** The command name, upper case (ASCII). */
function commandName(b: Uint8Array): string {
  let s = b.length <= 32 ? String.fromCharCode.apply(null, b as unknown as number[]) : utf8.decode(b.subarray(0, 256))
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 97 && c <= 122) return s.toUpperCase()
  }
  return s
}

/** Redis's "unknown command" text: the name and the first arguments, 128 chars at most each. */
export function unknownCommand(args: Uint8Array[]): string {
  let listed = ''
  for (let i = 1; i < args.length && listed.length < 128; i++) listed += `'${utf8.decode(args[i]!).slice(0, 128 - listed.length)}' `
  return Errors.unknown(utf8.decode(args[0]!).slice(0, 128), listed)
}

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

  now(): number {
    return this.collect != null ? this.execNow : Date.now()
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
    while (this.runnable) {
      if (this.out.length > OUTPUT_SOFT_LIMIT) {
        this.more = true // go on after this round's flush
        return
      }
      let args = this.retry
      if (args != null) {
        this.retry = null
      } else {
        try {
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
      this.process(args)
      if (this.host.blocking.hasReady) this.host.blocking.serveReady()
    }
  }

  /** One command, checked in Redis's order. */
  process(args: Uint8Array[]): void {
    const name = commandName(args[0]!)
    this.lastCommand = name
    const conn = CONNECTION_COMMANDS.get(name)
    const spec = conn?.spec ?? this.db.command(name)
    if (spec == null) return this.reject(name, unknownCommand(args))
    const n = args.length
    if (spec.arity > 0 ? n !== spec.arity : n < -spec.arity) return this.reject(name, Errors.arity(name))
    if (!this.authenticated && !NO_AUTH.has(name)) return this.reject(name, 'NOAUTH Authentication required.')
    if (this.resp === 2 && this.subscriptions > 0 && !IN_SUBSCRIBED.has(name)) {
      return this.reject(name, `ERR Can't execute '${name.toLowerCase()}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`)
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
    const pending = r.then(
      ks => { this.opening.set(name, ks) },
      e => { this.opening.set(name, e instanceof Error ? e : new Error(String(e))) },
    ).finally(() => {
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
