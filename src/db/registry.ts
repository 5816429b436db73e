/**
 * Command lookup for `Keyspace.execute`: one Map of names as clients send
 * them (upper and lower case) built once from the registry, and Redis's
 * reply for a name it does not know.
 */
import type { DbCommand } from './command.ts'
import { dbCommands } from './commands/index.ts'
import { err, Errors } from './reply.ts'
import type { Reply } from './reply.ts'

export interface Entry {
  cmd: DbCommand
  name: string
  arity: number
  write: boolean
  /** Finds every error before its first write: needs no savepoint inside a batch (Keyspace.runChecked). */
  checksFirst: boolean
  run: DbCommand['run']
}

/** Names as sent, upper and lower case, to their command: one Map lookup per call. */
export const REGISTRY = new Map<string, Entry>()
for (const cmd of dbCommands) {
  const entry: Entry = { cmd, name: cmd.name.toLowerCase(), arity: cmd.arity, write: cmd.flags.includes('write'), checksFirst: cmd.checksFirst === true, run: cmd.run }
  REGISTRY.set(cmd.name, entry)
  REGISTRY.set(cmd.name.toLowerCase(), entry)
}

/** The last name looked up (a copy) and its entry: a pipeline repeats one command. */
let lastName = new Uint8Array(0)
let lastEntry: Entry | undefined

/** The entry for a command name as sent (bytes), in any case. */
export function lookup(name: Uint8Array | undefined): Entry | undefined {
  if (name === undefined || name.length > 32) return undefined
  const n = name.length
  if (n === lastName.length) {
    let i = 0
    while (i < n && name[i] === lastName[i]) i++
    if (i === n) return lastEntry
  }
  let s = ''
  for (let i = 0; i < n; i++) s += String.fromCharCode(name[i]!)
  const entry = REGISTRY.get(s) ?? REGISTRY.get(s.toUpperCase())
  if (entry !== undefined) {
    lastName = name.slice()
    lastEntry = entry
  }
  return entry
}

const utf8 = new TextDecoder()
export const oneLine = (s: string): string => s.replace(/[\r\n]/g, ' ')

/** Redis's text: the name and the first arguments, quoted, up to 128 characters. */
export function unknownCommand(args: Uint8Array[]): Reply {
  const name = args.length > 0 ? utf8.decode(args[0]!).slice(0, 128) : ''
  let rest = ''
  for (let i = 1; i < args.length && rest.length < 128; i++) {
    rest += `'${utf8.decode(args[i]!).slice(0, 128 - rest.length)}' `
  }
  return err(oneLine(Errors.unknown(name, rest)))
}
