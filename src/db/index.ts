/**
 * The Redis-compatible database: a keyspace per SQLite file, the command
 * registry, and the change feed that versions and replicates a db MiMei.
 */
export { Keyspace } from './keyspace.ts'
export { executeAtomic } from './atomic.ts'
export type { AtomicResult } from './atomic.ts'
export type { KeyspaceOptions, WriteListener } from './keyspace.ts'
export { decodeChanges, encodeChanges, iterateChanges } from './changes.ts'
export type { Change, Del, Put, Reset, Value, ValueType } from './changes.ts'
export { dbCommands } from './commands/index.ts'
export type { CommandFlag, CommandGroup, DbCommand, ExecContext } from './command.ts'
export type { Reply } from './reply.ts'
export { formatDouble } from './float.ts'
export { renderCompat } from './compat.ts'
