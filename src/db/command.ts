/**
 * A Redis command, defined once: name, arity, flags and key positions (as
 * COMMAND INFO reports them) and the function that runs it on a keyspace.
 * One file per command family under db/commands/; the registry in
 * db/commands/index.ts is the single list that COMMAND, the compatibility
 * table (docs/redis-compat.md) and the servers read.
 */
import type { Reply } from './reply.ts'
import type { Keyspace } from './keyspace.ts'

export type CommandFlag =
  | 'write' | 'readonly' | 'fast' | 'admin' | 'blocking' | 'noscript'
  | 'pubsub' | 'connection' | 'transaction' | 'loading' | 'stale'

export type CommandGroup =
  | 'connection' | 'server' | 'keys' | 'strings' | 'hashes' | 'lists' | 'sets'
  | 'sortedsets' | 'transactions' | 'pubsub'

export interface ExecContext {
  /** unix ms, fixed for the whole command (and for a whole EXEC) */
  now: number
  /** the protocol the client speaks: replies may differ (maps, doubles) */
  resp: 2 | 3
}

export interface DbCommand {
  /** upper case, e.g. "ZRANGEBYSCORE" */
  name: string
  /** Redis convention, the name included: N = exactly N, -N = at least N */
  arity: number
  flags: CommandFlag[]
  /** 1-based positions of the keys among args (COMMAND INFO); 0 when none; lastKey -1 = to the end */
  firstKey: number
  lastKey: number
  keyStep: number
  group: CommandGroup
  summary: string
  /**
   * Runs on one keyspace. `args[0]` is the command name as sent. Synchronous:
   * the caller holds the write transaction (group commit), so a command must
   * never await. Connection, transaction and pub/sub commands are handled by
   * the server and have no `run` here.
   */
  run?: (ks: Keyspace, args: Uint8Array[], ctx: ExecContext) => Reply
  /**
   * A write command that answers every error it can (arguments, WRONGTYPE,
   * overflow…) before its first write: inside a group-commit batch it runs
   * without a savepoint. Should it answer an error after writing anyway,
   * the keyspace undoes the whole batch (its writes are counted).
   */
  checksFirst?: boolean
  /** How close to Redis it is, for docs/redis-compat.md; absent: fully supported. */
  compat?: { status: 'supported' | 'partial', notes?: string }
}
