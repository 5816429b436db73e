/**
 * The introspection commands: HELLO's server map, CLIENT (ID GETNAME SETNAME
 * INFO LIST SETINFO), INFO, COMMAND (COUNT INFO DOCS LIST, from the engine's
 * registry plus the server's own commands) and a read-only CONFIG GET, in
 * the shapes Redis 7 replies with, so redis-cli, redis-benchmark and client
 * libraries accept them.
 */
import { arch, platform, release } from 'node:os'
import type { DbCommand } from './command.ts'
import type { Session } from './session.ts'
import { array, bulk, int, OK, type Reply } from './reply.ts'
import { globMatch } from './glob.ts'

/** The Redis version whose commands and replies this server follows. */
export const REDIS_COMPAT_VERSION = '7.0.0'

const utf8 = new TextDecoder()
const upper = (b: Uint8Array) => utf8.decode(b).toUpperCase()
const simple = (v: string): Reply => ({ t: 'simple', v })
const set = (v: Reply[]): Reply => ({ t: 'set', v })
const map = (entries: Array<[string, Reply]>): Reply => ({ t: 'map', v: entries.map(([k, v]) => [bulk(k), v]) })
const text = (v: string): Reply => ({ t: 'verbatim', format: 'txt', v })

/** HELLO's reply. */
export function serverMap(s: Session): Reply {
  return map([
    ['server', bulk('redis')],
    ['version', bulk(REDIS_COMPAT_VERSION)],
    ['proto', int(s.resp)],
    ['id', int(s.id)],
    ['mode', bulk('standalone')],
    ['role', bulk('master')],
    ['modules', array([])],
  ])
}

/** CLIENT SETNAME's rule: printable ASCII without spaces; empty clears. */
export function setName(s: Session, name: Uint8Array): boolean {
  for (const c of name) {
    if (c < 33 || c > 126) {
      s.error('ERR Client names cannot contain spaces, newlines or special characters.')
      return false
    }
  }
  s.name = name.length === 0 ? null : utf8.decode(name)
  return true
}

function unknownSub(s: Session, cmd: string, sub: Uint8Array): void {
  s.error(`ERR unknown subcommand '${utf8.decode(sub)}'. Try ${cmd} HELP.`)
}

function help(s: Session, lines: string[]): void {
  s.emit(array(lines.map(simple)))
}

/** One CLIENT LIST line, as Redis 7 writes it. */
function clientLine(c: Session, now: number): string {
  let flags = ''
  if (c.subscriptions > 0) flags += 'P'
  if (c.multi != null) flags += 'x'
  if (c.blocked) flags += 'b'
  const fields: Array<[string, string | number]> = [
    ['id', c.id], ['addr', `${c.conn.remoteAddress}:${c.conn.remotePort}`], ['laddr', `${c.conn.localAddress}:${c.conn.localPort}`],
    ['fd', -1], ['name', c.name ?? ''], ['age', Math.floor((now - c.createdAt) / 1000)], ['idle', Math.floor((now - c.lastActive) / 1000)],
    ['flags', flags || 'N'], ['db', c.dbName], ['sub', c.channels.size], ['psub', c.patterns.size], ['ssub', 0],
    ['multi', c.multi?.length ?? -1], ['qbuf', c.parser.bufferedBytes], ['qbuf-free', 0], ['argv-mem', 0], ['multi-mem', 0],
    ['rbs', 0], ['rbp', 0], ['obl', c.out.length], ['oll', 0], ['omem', c.conn.backlog], ['tot-mem', 0],
    ['events', 'r'], ['cmd', c.lastCommand.toLowerCase()], ['user', 'default'], ['redir', -1], ['resp', c.resp],
    ['lib-name', c.libName], ['lib-ver', c.libVersion],
  ]
  return `${fields.map(([k, v]) => `${k}=${v}`).join(' ')}\n`
}

export function clientCommand(s: Session, args: Uint8Array[]): void {
  const sub = upper(args[1]!)
  const n = args.length
  s.lastCommand = `client|${sub}`
  if (sub === 'ID' && n === 2) return s.emit(int(s.id))
  if (sub === 'GETNAME' && n === 2) return s.emit(bulk(s.name))
  if (sub === 'SETNAME' && n === 3) {
    if (setName(s, args[2]!)) s.emit(OK)
    return
  }
  if (sub === 'INFO' && n === 2) return s.emit(text(clientLine(s, Date.now())))
  if (sub === 'LIST') {
    let sessions = [...s.host.sessions()]
    for (let i = 2; i < n; i++) {
      const opt = upper(args[i]!)
      if (opt === 'TYPE' && i + 1 < n) {
        const type = upper(args[++i]!).toLowerCase()
        if (!['normal', 'pubsub', 'master', 'replica'].includes(type)) return s.error(`ERR Unknown client type '${type}'`)
        sessions = sessions.filter(c => (c.subscriptions > 0 ? 'pubsub' : 'normal') === type)
      } else if (opt === 'ID' && i + 1 < n) {
        const ids = new Set(args.slice(i + 1).map(a => Number(utf8.decode(a))))
        if ([...ids].some(id => !Number.isInteger(id) || id <= 0)) return s.error('ERR Invalid client ID')
        sessions = sessions.filter(c => ids.has(c.id))
        i = n
      } else {
        return s.error('ERR syntax error')
      }
    }
    const now = Date.now()
    return s.emit(text(sessions.map(c => clientLine(c, now)).join('')))
  }
  if (sub === 'SETINFO' && n === 4) {
    const attr = upper(args[2]!)
    const value = utf8.decode(args[3]!)
    if (/[\s]/.test(value)) return s.error(`ERR ${attr.toLowerCase()} cannot contain spaces, newlines or special characters.`)
    if (attr === 'LIB-NAME') s.libName = value
    else if (attr === 'LIB-VER') s.libVersion = value
    else return s.error(`ERR Unrecognized option '${utf8.decode(args[2]!)}'`)
    return s.emit(OK)
  }
  if (sub === 'HELP' && n === 2) {
    return help(s, ['CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'GETNAME', 'ID', 'INFO', 'LIST [TYPE (NORMAL|PUBSUB)] [ID <id> [<id> ...]]', 'SETINFO <LIB-NAME|LIB-VER> <value>', 'SETNAME <name>'])
  }
  if (['ID', 'GETNAME', 'SETNAME', 'INFO', 'SETINFO'].includes(sub)) return s.error(`ERR wrong number of arguments for 'client|${sub.toLowerCase()}' command`)
  unknownSub(s, 'CLIENT', args[1]!)
}

/** The INFO sections, in Redis's order; `default` lists what plain INFO shows. */
const SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'keyspace']

function section(s: Session, name: string): string[] {
  const host = s.host
  const now = Date.now()
  const uptime = Math.floor((now - host.stats.startedAt) / 1000)
  const mem = process.memoryUsage()
  const human = (n: number) => `${(n / 1024 / 1024).toFixed(2)}M`
  const sessions = [...host.sessions()]
  switch (name) {
    case 'server': return [
      `redis_version:${REDIS_COMPAT_VERSION}`, `leither_version:${host.settings.version}`, 'redis_mode:standalone',
      `os:${platform()} ${release()} ${arch()}`, 'arch_bits:64', 'multiplexing_api:epoll',
      `process_id:${process.pid}`, `tcp_port:${host.settings.port}`, `server_time_usec:${now * 1000}`,
      `uptime_in_seconds:${uptime}`, `uptime_in_days:${Math.floor(uptime / 86400)}`, 'hz:10', 'executable:leither',
    ]
    case 'clients': return [
      `connected_clients:${sessions.length}`, `maxclients:${host.settings.maxClients}`,
      `blocked_clients:${host.blocking.size}`, `pubsub_clients:${sessions.filter(c => c.subscriptions > 0).length}`,
    ]
    case 'memory': return [
      `used_memory:${mem.heapUsed}`, `used_memory_human:${human(mem.heapUsed)}`, `used_memory_rss:${mem.rss}`,
      `used_memory_rss_human:${human(mem.rss)}`, 'maxmemory:0', 'maxmemory_human:0B', 'maxmemory_policy:noeviction',
      `mem_allocator:${typeof (globalThis as any).Bun !== 'undefined' ? 'bun' : 'node'}`,
    ]
    case 'persistence': return [
      'loading:0', 'async_loading:0', 'rdb_changes_since_last_save:0', 'rdb_bgsave_in_progress:0',
      'rdb_last_bgsave_status:ok', 'aof_enabled:0', 'aof_rewrite_in_progress:0', 'storage_engine:sqlite-wal',
      `group_commits:${host.stats.commits}`,
    ]
    case 'stats': return [
      `total_connections_received:${host.stats.connections}`, `total_commands_processed:${host.stats.commands}`,
      `rejected_connections:${host.stats.rejectedConnections}`, `total_error_replies:0`,
      `protocol_errors:${host.stats.protocolErrors}`, `pubsub_channels:${host.pubsub.activeChannels().length}`,
      `pubsub_patterns:${host.pubsub.patternCount}`, `pubsub_messages_delivered:${host.stats.pubsubMessages}`,
    ]
    case 'replication': return ['role:master', 'connected_slaves:0', 'master_repl_offset:0']
    case 'cpu': {
      const cpu = process.cpuUsage()
      return [`used_cpu_sys:${(cpu.system / 1e6).toFixed(6)}`, `used_cpu_user:${(cpu.user / 1e6).toFixed(6)}`]
    }
    case 'keyspace': {
      const keys = dbSize(s)
      return keys > 0 ? [`db0:keys=${keys},expires=0,avg_ttl=0`] : []
    }
    default: return []
  }
}

/** Keys in the default database (0 when the engine cannot say). */
function dbSize(s: Session): number {
  const ks = s.host.defaultDb
  try {
    s.host.enter(s, ks)
    const r = ks.execute([new TextEncoder().encode('DBSIZE')], { now: Date.now(), resp: 2 })
    return r.t === 'int' ? Number(r.v) : 0
  } catch {
    return 0
  }
}

export function infoCommand(s: Session, args: Uint8Array[]): void {
  let wanted = args.slice(1).map(a => utf8.decode(a).toLowerCase())
  if (wanted.length === 0 || wanted.includes('default') || wanted.includes('all') || wanted.includes('everything')) wanted = SECTIONS
  const parts: string[] = []
  for (const name of SECTIONS) {
    if (!wanted.includes(name)) continue
    const title = name === 'cpu' ? 'CPU' : name[0]!.toUpperCase() + name.slice(1)
    parts.push([`# ${title}`, ...section(s, name)].join('\r\n') + '\r\n')
  }
  s.emit(text(parts.join('\r\n')))
}

const DOC_GROUP: Record<string, string> = {
  keys: 'generic', strings: 'string', hashes: 'hash', lists: 'list', sets: 'set', sortedsets: 'sorted-set',
  transactions: 'transactions', pubsub: 'pubsub', connection: 'connection', server: 'server',
}
const ACL_GROUP: Record<string, string> = {
  keys: '@keyspace', strings: '@string', hashes: '@hash', lists: '@list', sets: '@set', sortedsets: '@sortedset',
  transactions: '@transaction', pubsub: '@pubsub', connection: '@connection',
}
/** CommandFlag values that are Redis flags (the rest are ACL categories there). */
const REDIS_FLAGS = new Set(['write', 'readonly', 'fast', 'admin', 'blocking', 'noscript', 'pubsub', 'loading', 'stale'])

function categories(c: DbCommand): string[] {
  const out: string[] = []
  if (c.flags.includes('write')) out.push('@write')
  if (c.flags.includes('readonly')) out.push('@read')
  if (ACL_GROUP[c.group] != null) out.push(ACL_GROUP[c.group]!)
  out.push(c.flags.includes('fast') ? '@fast' : '@slow')
  if (c.flags.includes('blocking')) out.push('@blocking')
  if (c.flags.includes('admin')) out.push('@admin', '@dangerous')
  return out
}

/** One COMMAND INFO entry: name, arity, flags, keys, ACL categories, tips, key specs, subcommands. */
function commandInfo(c: DbCommand): Reply {
  const specs: Reply[] = []
  if (c.firstKey > 0) {
    const write = c.flags.includes('write')
    specs.push(map([
      ['flags', set((write ? ['RW', 'UPDATE'] : ['RO', 'ACCESS']).map(simple))],
      ['begin_search', map([['type', bulk('index')], ['spec', map([['index', int(c.firstKey)]])]])],
      ['find_keys', map([['type', bulk('range')], ['spec', map([
        ['lastkey', int(c.lastKey < 0 ? c.lastKey : c.lastKey - c.firstKey)], ['keystep', int(c.keyStep)], ['limit', int(0)],
      ])]])],
    ]))
  }
  return array([
    bulk(c.name.toLowerCase()), int(c.arity), set(c.flags.filter(f => REDIS_FLAGS.has(f)).map(simple)),
    int(c.firstKey), int(c.lastKey), int(c.keyStep), set(categories(c).map(simple)), set([]), array(specs), array([]),
  ])
}

function commandDocs(c: DbCommand): Reply {
  return map([['summary', bulk(c.summary)], ['group', bulk(DOC_GROUP[c.group] ?? c.group)]])
}

export function commandCommand(s: Session, args: Uint8Array[]): void {
  const all = s.host.commands()
  const find = (name: Uint8Array) => {
    const wanted = upper(name)
    return all.find(c => c.name === wanted)
  }
  if (args.length === 1) return s.emit(array(all.map(commandInfo)))
  const sub = upper(args[1]!)
  s.lastCommand = `command|${sub}`
  if (sub === 'COUNT' && args.length === 2) return s.emit(int(all.length))
  if (sub === 'LIST' && args.length === 2) return s.emit(array(all.map(c => bulk(c.name.toLowerCase()))))
  if (sub === 'INFO') {
    const picked = args.length === 2 ? all : args.slice(2).map(find)
    return s.emit(array(picked.map(c => (c == null ? bulk(null) : commandInfo(c)))))
  }
  if (sub === 'DOCS') {
    const picked = (args.length === 2 ? all : args.slice(2).map(find)).filter((c): c is DbCommand => c != null)
    return s.emit({ t: 'map', v: picked.map(c => [bulk(c.name.toLowerCase()), commandDocs(c)]) })
  }
  if (sub === 'HELP' && args.length === 2) {
    return help(s, ['COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', '(no subcommand)', 'COUNT', 'DOCS [<command-name> ...]', 'INFO [<command-name> ...]', 'LIST'])
  }
  if (['COUNT', 'LIST'].includes(sub)) return s.error(`ERR wrong number of arguments for 'command|${sub.toLowerCase()}' command`)
  unknownSub(s, 'COMMAND', args[1]!)
}

/** CONFIG GET: the settings clients and tools ask about; CONFIG SET is refused (configure the node instead). */
export function configCommand(s: Session, args: Uint8Array[]): void {
  const sub = upper(args[1]!)
  const settings = s.host.settings
  if (sub === 'GET' && args.length >= 3) {
    const params: Record<string, string> = {
      'bind': settings.bind, 'port': String(settings.port), 'maxclients': String(settings.maxClients),
      'proto-max-bulk-len': String(settings.maxBulkBytes), 'databases': '1', 'save': '', 'appendonly': 'no',
      'appendfsync': 'everysec', 'timeout': '0', 'maxmemory': '0', 'maxmemory-policy': 'noeviction',
      'requirepass': '', 'protected-mode': 'no', 'tcp-keepalive': '0', 'hz': '10',
    }
    const patterns = args.slice(2).map(a => new TextEncoder().encode(utf8.decode(a).toLowerCase()))
    const out: Array<[Reply, Reply]> = []
    for (const [k, v] of Object.entries(params)) {
      const name = new TextEncoder().encode(k)
      if (patterns.some(p => globMatch(p, name))) out.push([bulk(k), bulk(v)])
    }
    return s.emit({ t: 'map', v: out })
  }
  if (sub === 'SET' || sub === 'RESETSTAT' || sub === 'REWRITE') {
    return s.error(`ERR CONFIG ${sub} is not supported: configure the node (SystemVars.json) instead`)
  }
  if (sub === 'HELP' && args.length === 2) return help(s, ['CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'GET <pattern>'])
  if (sub === 'GET') return s.error("ERR wrong number of arguments for 'config|get' command")
  unknownSub(s, 'CONFIG', args[1]!)
}
