/**
 * The Redis protocol server (RESP2 and RESP3) in front of keyspaces: a
 * component with start()/stop().
 *
 * Group commit: a data event only parses and queues. Once per event-loop
 * turn (setImmediate, after every socket that had data in that turn has
 * been read) the server runs the queued commands of all those clients, each
 * keyspace inside one transaction begun by the first command that touches
 * it, commits every keyspace once, and only then writes each client's
 * replies — one buffer per client. A reply therefore never leaves before the
 * commit that made its write durable, and many clients' writes share one
 * commit.
 */
import { logger } from '../utils/logger.ts'
import { messageOf } from '../utils/errors.ts'
import type { DbCommand } from './command.ts'
import { dbCommands } from './commands/index.ts'
import type { Keyspace } from './keyspace.ts'
import { PubSub } from './pubsub.ts'
import { BlockingRegistry } from './server-blocking.ts'
import { listenTcp, type Conn, type ConnHandler, type Listener, type TransportKind } from './server-transport.ts'
import { Session, type ServerSettings, type ServerStats, type SessionHost } from './session.ts'
import { CONNECTION_COMMANDS } from './session-commands.ts'

const log = logger('resp')

export interface RespServerOptions {
  /** address to listen on, e.g. "127.0.0.1" */
  bind: string
  /** TCP port; 0 picks a free one (read `port` after start) */
  port: number
  /** requirepass: clients must AUTH (or HELLO … AUTH default <password>) first */
  password?: string
  /** connections beyond this are refused with "-ERR max number of clients reached" */
  maxClients: number
  /** largest bulk string a client may send (Redis proto-max-bulk-len) */
  maxBulkBytes: number
  /** the database a name designates: "0" (the default), a MiMei ID, or "<mid>@<ver>" (read-only). The server never closes them. */
  open(dbName: string): Keyspace | Promise<Keyspace>
  /** Leither's version, shown by INFO */
  version?: string
  /** how often expired keys of the databases in use are swept, ms (0: never); default 100 */
  sweepIntervalMs?: number
  /** 'node' uses node:net even on Bun (tests of the Node fallback); default: Bun.listen on Bun */
  transport?: TransportKind
  /** told of every chunk a client sends (the node's idle collector) */
  onActivity?: () => void
}

/** Bytes a client may have sent and not yet had parsed (Redis client-query-buffer-limit) */
const MIN_QUERY_LIMIT = 1024 * 1024 * 1024
/** Rounds of run/commit/flush per event-loop turn before yielding to I/O */
const MAX_ROUNDS = 16

const MAX_CLIENTS_REPLY = new TextEncoder().encode('-ERR max number of clients reached\r\n')

/** Every command the server knows: its own, then the engine's registry. */
function allCommands(): DbCommand[] {
  const registry = dbCommands as unknown
  const engine: DbCommand[] = Array.isArray(registry)
    ? registry
    : registry instanceof Map ? [...registry.values()] : Object.values(registry as Record<string, DbCommand>)
  const own = [...CONNECTION_COMMANDS.values()].map(c => c.spec)
  const names = new Set(own.map(c => c.name))
  return [...own, ...engine.filter(c => !names.has(c.name))]
}

export class RespServer implements SessionHost {
  readonly settings: ServerSettings
  readonly pubsub = new PubSub()
  readonly blocking: BlockingRegistry<Session>
  readonly stats: ServerStats = { startedAt: Date.now(), connections: 0, commands: 0, rejectedConnections: 0, protocolErrors: 0, pubsubMessages: 0, commits: 0 }
  private readonly opts: RespServerOptions
  private listener: Listener | null = null
  private default_: Keyspace | null = null
  private readonly live = new Map<number, Session>()
  private commandList: DbCommand[] | null = null
  /** sessions with commands to run this turn */
  private ready: Session[] = []
  /** sessions with replies to send after the commit */
  private dirty: Session[] = []
  /** keyspaces inside this round's transaction */
  private begun: Keyspace[] = []
  private readonly entered = new Map<Keyspace, Session[]>()
  private scheduled = false
  private inBatch = false
  private sweeper: ReturnType<typeof setInterval> | null = null

  constructor(opts: RespServerOptions) {
    this.opts = opts
    this.settings = {
      bind: opts.bind,
      port: opts.port,
      password: opts.password === '' ? undefined : opts.password,
      maxClients: opts.maxClients,
      maxBulkBytes: opts.maxBulkBytes,
      version: opts.version ?? '0.0.0',
    }
    this.blocking = new BlockingRegistry<Session>({
      retry: (s, block) => s.retryBlocked(block),
      timedOut: s => s.timedOut(),
      signalled: () => this.schedule(),
    })
  }

  /** The bound port (after start). */
  get port(): number {
    return this.settings.port
  }

  get defaultDb(): Keyspace {
    if (this.default_ == null) throw new Error('RespServer is not started')
    return this.default_
  }

  async start(): Promise<void> {
    if (this.listener != null) return
    this.default_ = await this.opts.open('0')
    this.listener = await listenTcp(this.opts.bind, this.opts.port, conn => this.accept(conn), this.opts.transport)
    this.settings.port = this.listener.port
    const every = this.opts.sweepIntervalMs ?? 100
    if (every > 0) {
      this.sweeper = setInterval(() => this.sweep(), every)
      this.sweeper.unref?.()
    }
    log.info(`Redis protocol on ${this.opts.bind}:${this.settings.port}`)
  }

  async stop(): Promise<void> {
    if (this.sweeper != null) clearInterval(this.sweeper)
    this.sweeper = null
    this.listener?.close()
    this.listener = null
    for (const s of [...this.live.values()]) {
      s.conn.destroy()
      this.release(s)
    }
    this.blocking.clear()
  }

  sessions(): Iterable<Session> {
    return this.live.values()
  }

  open(name: string): Keyspace | Promise<Keyspace> {
    return this.opts.open(name)
  }

  commands(): DbCommand[] {
    return this.commandList ??= allCommands()
  }

  private accept(conn: Conn): ConnHandler {
    if (this.live.size >= this.settings.maxClients) {
      this.stats.rejectedConnections++
      conn.write(MAX_CLIENTS_REPLY)
      conn.end()
      return { data() {}, drain() {}, close() {} }
    }
    const s = new Session(this, conn, { maxBulkBytes: this.settings.maxBulkBytes })
    this.live.set(s.id, s)
    this.stats.connections++
    const queryLimit = Math.max(MIN_QUERY_LIMIT, this.settings.maxBulkBytes * 2)
    return {
      data: chunk => {
        if (s.closed || s.closing) return
        this.opts.onActivity?.()
        s.parser.push(chunk)
        if (s.parser.bufferedBytes > queryLimit) {
          log.warn(`closing client ${s.id} (${conn.remoteAddress}): over ${queryLimit} bytes of unparsed input`)
          conn.destroy()
          return this.release(s)
        }
        this.wake(s)
      },
      drain: () => {
        if (!s.paused) return
        s.paused = false
        conn.resume()
        this.wake(s)
      },
      close: () => this.release(s),
    }
  }

  private release(s: Session): void {
    if (!this.live.delete(s.id)) return
    s.release()
  }

  wake(s: Session): void {
    if (s.queued || s.closed) return
    s.queued = true
    this.ready.push(s)
    this.schedule()
  }

  private schedule(): void {
    if (this.scheduled || this.inBatch) return
    this.scheduled = true
    setImmediate(() => this.runBatch())
  }

  touch(s: Session): void {
    if (s.touched) return
    s.touched = true
    this.dirty.push(s)
  }

  enter(s: Session, ks: Keyspace): void {
    if (s.entered === ks) return // already in this round's transaction on ks
    let users = this.entered.get(ks)
    if (users == null) {
      if (!this.inBatch) throw new Error('internal error: a command ran outside a batch')
      ks.begin()
      this.begun.push(ks)
      this.entered.set(ks, users = [])
    }
    s.entered = ks
    if (s.batchMark < 0) s.batchMark = s.out.length
    if (users[users.length - 1] !== s) users.push(s)
  }

  /** Runs every ready session, commits, flushes; repeats for sessions woken meanwhile. */
  private runBatch(): void {
    this.scheduled = false
    for (let round = 0; round < MAX_ROUNDS && (this.ready.length > 0 || this.blocking.hasReady); round++) {
      this.inBatch = true
      try {
        let i = 0
        for (;;) {
          for (; i < this.ready.length; i++) {
            const s = this.ready[i]!
            s.queued = false
            s.drain()
          }
          if (!this.blocking.hasReady) break
          this.blocking.serveReady() // writes made outside the server (HTTP API) wake clients too
        }
        this.ready = []
      } catch (e) {
        log.error(`batch failed: ${(e as Error)?.stack ?? messageOf(e)}`)
      } finally {
        this.commit()
        this.inBatch = false
        this.flush()
      }
    }
    if (this.ready.length > 0 || this.blocking.hasReady) this.schedule()
    this.blocking.prune()
  }

  private commit(): void {
    const begun = this.begun
    this.begun = []
    for (const ks of begun) {
      try {
        ks.commit()
        this.stats.commits++
      } catch (e) {
        try { ks.rollback() } catch { /* already rolled back */ }
        log.error(`commit failed: ${messageOf(e)}`)
        // Nothing these clients ran in this transaction is durable: take back the replies and drop them.
        for (const s of new Set(this.entered.get(ks))) {
          if (s.batchMark >= 0) s.out.truncate(s.batchMark)
          s.error(`ERR commit failed: ${messageOf(e)}`)
          s.closing = true
        }
      }
    }
    for (const users of this.entered.values()) {
      for (const s of users) {
        s.entered = null
        s.batchMark = -1
      }
    }
    this.entered.clear()
  }

  private flush(): void {
    const dirty = this.dirty
    this.dirty = []
    for (const s of dirty) {
      s.touched = false
      if (s.closed) continue
      if (s.out.length > 0) s.conn.write(s.out.take())
      if (s.closing) {
        s.conn.end()
        this.release(s)
        continue
      }
      if (s.conn.backlog > 0 && !s.paused) {
        s.paused = true // stop reading and running its commands until the output drains
        s.conn.pause()
      }
      if (s.more && s.runnable) { // stopped at the output soft limit
        s.more = false
        this.wake(s)
      }
    }
  }

  /** Deletes expired keys of the databases in use, a few at a time (Redis's active expiry). */
  private sweep(): void {
    if (this.inBatch || this.default_ == null) return
    const used = new Set<Keyspace>([this.default_])
    for (const s of this.live.values()) used.add(s.db)
    for (const ks of used) {
      try {
        ks.sweepExpired(100) // its own small transaction; WATCH and blocked clients hear of it
      } catch (e) {
        log.debug(`expiry sweep: ${messageOf(e)}`)
      }
    }
  }
}
