/**
 * The commands the server itself answers, not the engine: connection
 * (PING ECHO QUIT SELECT AUTH HELLO RESET), transactions (MULTI EXEC DISCARD
 * WATCH UNWATCH), pub/sub, and — from session-info.ts — CLIENT INFO COMMAND
 * CONFIG. Each is defined once with its COMMAND metadata, like the engine's.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { CommandFlag, CommandGroup, DbCommand } from './command.ts'
import type { Keyspace } from './keyspace.ts'
import type { Session } from './session.ts'
import { array, bulk, Errors, int, OK, type Reply } from './reply.ts'
import { nameBytes, nameOf } from './pubsub.ts'
import { clientCommand, commandCommand, configCommand, infoCommand, serverMap, setName } from './session-info.ts'

/** A command the server answers; `run` writes its replies through the session. */
export interface ConnectionCommand {
  spec: DbCommand
  run(s: Session, args: Uint8Array[]): void
  /** a container's subcommands (CLIENT LIST…): an unknown one is refused with the unknown commands */
  subcommands?: ReadonlySet<string>
}

const utf8 = new TextDecoder()
const NULL_ARRAY: Reply = { t: 'array', v: null }
const upper = (b: Uint8Array) => utf8.decode(b).toUpperCase()

function def(name: string, arity: number, flags: CommandFlag[], group: CommandGroup, summary: string, run: ConnectionCommand['run'], keys: [number, number, number] = [0, 0, 0]): ConnectionCommand {
  return { spec: { name, arity, flags, firstKey: keys[0], lastKey: keys[1], keyStep: keys[2], group, summary }, run }
}

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest()

/** Whether user/pass open the default user (constant time on the password). */
function credentialsOk(s: Session, user: Uint8Array, pass: Uint8Array): boolean {
  if (utf8.decode(user) !== 'default') return false
  const pw = s.host.settings.password
  return pw == null || timingSafeEqual(sha(pass), sha(pw))
}

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.'

function ping(s: Session, args: Uint8Array[]): void {
  if (args.length > 2) return s.error(Errors.arity('ping'))
  if (s.resp === 2 && s.subscriptions > 0) return s.emit(array([bulk('pong'), bulk(args[1] ?? '')]))
  s.emit(args.length === 2 ? bulk(args[1]!) : { t: 'simple', v: 'PONG' })
}

function select(s: Session, args: Uint8Array[]): void {
  const name = utf8.decode(args[1]!)
  if (/^[+-]?\d{1,18}$/.test(name)) { // a Redis db number: only 0 exists here
    if (Number(name) !== 0) return s.error('ERR DB index is out of range')
    s.db = s.host.defaultDb
    s.dbName = '0'
    return s.emit(OK)
  }
  const r = s.opening.get(name) ?? s.startOpen(name)
  if (r instanceof Promise) {
    if (s.collect != null) return s.error(`ERR database "${name}" is still opening`)
    s.retry = args // run again once it is open
    s.suspended = true
    return
  }
  s.opening.delete(name)
  if (r instanceof Error) return s.error(r.message.startsWith('ERR ') ? r.message : `ERR ${r.message}`)
  s.db = r as Keyspace
  s.dbName = name
  s.emit(OK)
}

function auth(s: Session, args: Uint8Array[]): void {
  if (args.length > 3) return s.error(Errors.syntax)
  if (args.length === 2 && s.host.settings.password == null) {
    return s.error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?')
  }
  const [user, pass] = args.length === 2 ? [new TextEncoder().encode('default'), args[1]!] : [args[1]!, args[2]!]
  if (!credentialsOk(s, user, pass)) return s.error(WRONGPASS)
  s.authenticated = true
  s.emit(OK)
}

function hello(s: Session, args: Uint8Array[]): void {
  let ver = 0
  if (args.length >= 2) {
    const text = utf8.decode(args[1]!)
    if (!/^-?\d{1,18}$/.test(text)) return s.error('ERR Protocol version is not an integer or out of range')
    ver = Number(text)
    if (ver < 2 || ver > 3) return s.error('NOPROTO unsupported protocol version')
  }
  let user: Uint8Array | null = null
  let pass: Uint8Array | null = null
  let name: Uint8Array | null = null
  for (let j = 2; j < args.length; j++) {
    const more = args.length - 1 - j
    const opt = upper(args[j]!)
    if (opt === 'AUTH' && more >= 2) {
      user = args[j + 1]!
      pass = args[j + 2]!
      j += 2
    } else if (opt === 'SETNAME' && more >= 1) {
      name = args[++j]!
    } else {
      return s.error(`ERR Syntax error in HELLO option '${utf8.decode(args[j]!)}'`)
    }
  }
  if (user != null && pass != null) {
    if (!credentialsOk(s, user, pass)) return s.error(WRONGPASS)
    s.authenticated = true
  }
  if (!s.authenticated) {
    return s.error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time')
  }
  if (name != null && !setName(s, name)) return
  if (ver !== 0) s.resp = ver as 2 | 3
  s.emit(serverMap(s))
}

function reset(s: Session): void {
  s.discard()
  unsubscribeAll(s, false)
  unsubscribeAll(s, true)
  s.resp = 2
  s.name = null
  s.db = s.host.defaultDb
  s.dbName = '0'
  s.authenticated = s.host.settings.password == null
  s.emit({ t: 'simple', v: 'RESET' })
}

function unsubscribeAll(s: Session, patterns: boolean): void {
  const set = patterns ? s.patterns : s.channels
  for (const name of set) s.host.pubsub.unsubscribe(s, name, patterns)
  set.clear()
}

function multi(s: Session): void {
  if (s.multi != null) return s.error('ERR MULTI calls can not be nested')
  s.multi = []
  s.emit(OK)
}

function exec(s: Session, args: Uint8Array[]): void {
  if (s.multi == null) return s.error('ERR EXEC without MULTI')
  if (s.multiDirty) {
    s.discard()
    return s.error('EXECABORT Transaction discarded because of previous errors.')
  }
  for (const v of s.opening.values()) {
    if (v instanceof Promise) { // a queued SELECT's database is still opening: EXEC once it is
      s.retry = args
      s.suspended = true
      return
    }
  }
  const queued = s.multi
  const changed = s.watched.some(w => w.ks.keyVersion(w.key) !== w.version)
  const opened = new Map(s.opening)
  s.discard()
  if (changed) return s.emit(NULL_ARRAY)
  for (const [k, v] of opened) s.opening.set(k, v)
  // All queued commands run now, in this batch's transaction: nothing else runs in between.
  s.collect = []
  s.execNow = Date.now()
  try {
    for (const q of queued) s.runQueued(q)
  } finally {
    const replies = s.collect
    s.collect = null
    s.opening.clear()
    s.emit(array(replies))
  }
}

function discard(s: Session): void {
  if (s.multi == null) return s.error('ERR DISCARD without MULTI')
  s.discard()
  s.emit(OK)
}

function watch(s: Session, args: Uint8Array[]): void {
  if (s.multi != null) return s.error('ERR WATCH inside MULTI is not allowed')
  for (let i = 1; i < args.length; i++) {
    const key = args[i]!.slice()
    s.watched.push({ ks: s.db, key, version: s.db.keyVersion(key) })
  }
  s.emit(OK)
}

function subscribe(s: Session, args: Uint8Array[], patterns: boolean): void {
  const kind = bulk(patterns ? 'psubscribe' : 'subscribe')
  const set = patterns ? s.patterns : s.channels
  for (let i = 1; i < args.length; i++) {
    const name = nameOf(args[i]!)
    if (s.host.pubsub.subscribe(s, name, patterns)) set.add(name)
    s.emit({ t: 'push', v: [kind, bulk(args[i]!), int(s.subscriptions)] })
  }
}

function unsubscribe(s: Session, args: Uint8Array[], patterns: boolean): void {
  const kind = bulk(patterns ? 'punsubscribe' : 'unsubscribe')
  const set = patterns ? s.patterns : s.channels
  const names = args.length > 1 ? args.slice(1).map(nameOf) : [...set]
  if (names.length === 0) return s.emit({ t: 'push', v: [kind, bulk(null), int(s.subscriptions)] })
  for (const name of names) {
    s.host.pubsub.unsubscribe(s, name, patterns)
    set.delete(name)
    s.emit({ t: 'push', v: [kind, bulk(nameBytes(name)), int(s.subscriptions)] })
  }
}

function pubsub(s: Session, args: Uint8Array[]): void {
  const sub = upper(args[1]!)
  const hub = s.host.pubsub
  if (sub === 'CHANNELS' && args.length <= 3) {
    return s.emit(array(hub.activeChannels(args[2]).map(c => bulk(nameBytes(c)))))
  }
  if (sub === 'NUMSUB') {
    const out: Reply[] = []
    for (const ch of args.slice(2)) out.push(bulk(ch), int(hub.subscriberCount(nameOf(ch))))
    return s.emit(array(out))
  }
  if (sub === 'NUMPAT' && args.length === 2) return s.emit(int(hub.patternCount))
  if (sub === 'HELP' && args.length === 2) {
    return s.emit(array(['PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'CHANNELS [<pattern>]', 'NUMPAT', 'NUMSUB [<channel> ...]'].map(l => ({ t: 'simple', v: l }))))
  }
  if (['CHANNELS', 'NUMPAT'].includes(sub)) return s.error(`ERR wrong number of arguments for 'pubsub|${sub.toLowerCase()}' command`)
  s.error(`ERR unknown subcommand '${utf8.decode(args[1]!)}'. Try PUBSUB HELP.`)
}

const quick: CommandFlag[] = ['noscript', 'loading', 'stale', 'fast']

const list: ConnectionCommand[] = [
  def('PING', -1, ['fast'], 'connection', 'Returns the server\'s liveliness response', ping),
  def('ECHO', 2, ['fast'], 'connection', 'Returns the given string', (s, a) => s.emit(bulk(a[1]!))),
  def('QUIT', -1, quick, 'connection', 'Closes the connection', s => { s.emit(OK); s.closing = true }),
  def('SELECT', 2, ['loading', 'stale', 'fast'], 'connection', 'Changes the selected database: 0, a db MiMei ID, or <mid>@<ver> (read-only)', select),
  def('AUTH', -2, quick, 'connection', 'Authenticates the connection', auth),
  def('HELLO', -1, quick, 'connection', 'Handshakes with the Redis server', hello),
  def('RESET', 1, quick, 'connection', 'Resets the connection', reset),
  def('CLIENT', -2, [], 'connection', 'A container for client connection commands', clientCommand),
  def('INFO', -1, ['loading', 'stale'], 'server', 'Returns information and statistics about the server', infoCommand),
  def('COMMAND', -1, ['loading', 'stale'], 'server', 'Returns detailed information about all commands', commandCommand),
  def('CONFIG', -2, ['admin', 'loading', 'stale'], 'server', 'Reads the server\'s configuration (CONFIG GET)', configCommand),
  def('MULTI', 1, quick, 'transactions', 'Starts a transaction', multi),
  def('EXEC', 1, ['noscript', 'loading', 'stale'], 'transactions', 'Executes all commands in a transaction', exec),
  def('DISCARD', 1, quick, 'transactions', 'Discards a transaction', discard),
  def('WATCH', -2, quick, 'transactions', 'Monitors changes to keys to determine the execution of a transaction', watch, [1, -1, 1]),
  def('UNWATCH', 1, quick, 'transactions', 'Forgets about watched keys of a transaction', s => { s.watched = []; s.emit(OK) }),
  def('PUBLISH', 3, ['pubsub', 'loading', 'stale', 'fast'], 'pubsub', 'Posts a message to a channel', (s, a) => s.emit(int(s.host.pubsub.publish(a[1]!, a[2]!)))),
  def('SUBSCRIBE', -2, ['pubsub', 'noscript', 'loading', 'stale'], 'pubsub', 'Listens for messages published to channels', (s, a) => subscribe(s, a, false)),
  def('UNSUBSCRIBE', -1, ['pubsub', 'noscript', 'loading', 'stale'], 'pubsub', 'Stops listening to messages posted to channels', (s, a) => unsubscribe(s, a, false)),
  def('PSUBSCRIBE', -2, ['pubsub', 'noscript', 'loading', 'stale'], 'pubsub', 'Listens for messages published to channels that match one or more patterns', (s, a) => subscribe(s, a, true)),
  def('PUNSUBSCRIBE', -1, ['pubsub', 'noscript', 'loading', 'stale'], 'pubsub', 'Stops listening to messages published to channels that match one or more patterns', (s, a) => unsubscribe(s, a, true)),
  def('PUBSUB', -2, [], 'pubsub', 'A container for Pub/Sub commands', pubsub),
]

const SUBCOMMANDS: Record<string, string[]> = {
  CLIENT: ['ID', 'GETNAME', 'SETNAME', 'INFO', 'LIST', 'SETINFO', 'HELP'],
  COMMAND: ['COUNT', 'LIST', 'INFO', 'DOCS', 'HELP'],
  CONFIG: ['GET', 'SET', 'RESETSTAT', 'REWRITE', 'HELP'],
  PUBSUB: ['CHANNELS', 'NUMSUB', 'NUMPAT', 'HELP'],
}
for (const c of list) {
  const subs = SUBCOMMANDS[c.spec.name]
  if (subs != null) c.subcommands = new Set(subs)
}

/** The server's own commands by upper-case name. */
export const CONNECTION_COMMANDS: ReadonlyMap<string, ConnectionCommand> = new Map(list.map(c => [c.spec.name, c]))
