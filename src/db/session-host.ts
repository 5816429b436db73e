/**
 * What a session needs from its server (the SessionHost the RespServer
 * implements), the server's settings and counters, and the command-name
 * helpers both use.
 */
import type { DbCommand } from './command.ts'
import type { Keyspace } from './keyspace.ts'
import type { PubSub } from './pubsub.ts'
import { Errors } from './reply.ts'
import type { BlockingRegistry } from './server-blocking.ts'
import type { Session } from './session.ts'

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

const utf8 = new TextDecoder()

/** The command name, upper case (ASCII). */
export function commandName(b: Uint8Array): string {
  const s = b.length <= 32 ? String.fromCharCode.apply(null, b as unknown as number[]) : utf8.decode(b.subarray(0, 256))
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
