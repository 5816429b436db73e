/**
 * The command registry: every command a db MiMei knows, each defined once.
 * COMMAND, the compatibility table (docs/redis-compat.md) and the servers
 * read this list; `Keyspace.execute` runs the entries that have `run`.
 */
import type { DbCommand } from '../command.ts'
import { serverHandledCommands } from './connection.ts'
import { hashCommands } from './hashes.ts'
import { keyCommands } from './keys.ts'
import { listCommands } from './lists.ts'
import { serverCommands } from './server.ts'
import { setCommands } from './sets.ts'
import { sortedSetCommands } from './sortedsets.ts'
import { stringCommands } from './strings.ts'

export const dbCommands: DbCommand[] = [
  ...serverHandledCommands,
  ...serverCommands,
  ...keyCommands,
  ...stringCommands,
  ...hashCommands,
  ...listCommands,
  ...setCommands,
  ...sortedSetCommands,
]
