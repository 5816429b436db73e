/**
 * Commands are data (STYLE habit 1): one definition gives the CLI command,
 * the HTTP endpoint POST /api/v0/<group>/<cmd>, kubo's alias paths and the
 * OpenAPI entry. Handlers get typed input and return plain JSON values (or a
 * stream of them); renderers turn those values into the seed's human lines.
 */
import type { ImportCandidate } from 'ipfs-unixfs-importer'
import type { LeitherNode } from '../node/node.ts'
import { InvalidInputError } from '../utils/errors.ts'

export interface ArgSpec {
  name: string
  description: string
  required?: boolean
  /** Takes every remaining argument. */
  variadic?: boolean
  /** The CLI sends the contents of a local file of this name instead of the name. */
  fileOrValue?: boolean
  /** An upload argument that may be left out, or given as `-`, to read standard input (kubo's EnableStdin). */
  stdin?: boolean
}

export type OptionType = 'boolean' | 'string' | 'number'

export interface OptionSpec {
  /** Long name as typed on the CLI (kebab-case) and sent as a query parameter. */
  name: string
  alias?: string
  type: OptionType
  description: string
  default?: boolean | string | number
}

/** What the HTTP reply carries. */
export type OutputKind =
  | 'json' // one JSON value
  | 'ndjson' // a stream of JSON values, one per line (kubo's streamed replies)
  | 'bytes' // raw bytes (cat, get, block get)

export type Options = Record<string, boolean | string | number | undefined>

/** Where a command runs: in the node, or in the CLI process with no node (lpki genkey). */
export type RunsIn = 'node' | 'local'

export interface NodeContext {
  node: LeitherNode
  args: string[]
  options: Options
  /** Files from a multipart body (add, block put). */
  files?: AsyncIterable<ImportCandidate>
  signal: AbortSignal
  /** Asks the daemon to stop (after the reply is sent). */
  shutdown: () => void
}

export interface LocalContext {
  /** The node root the CLI was pointed at. */
  root: string
  args: string[]
  options: Options
  signal: AbortSignal
}

/** Where human output goes; renderers never touch console directly. */
export interface Output {
  line(text: string): void
}

export interface CommandBase {
  /** e.g. ['ipfs', 'add'] → `Leither ipfs add`, `/api/v0/ipfs/add` */
  path: string[]
  summary: string
  args?: ArgSpec[]
  options?: OptionSpec[]
  output: OutputKind
  /** kubo's own paths for the same call, e.g. ['add'] → /api/v0/add */
  kubo?: string[]
  /** The CLI uploads the named local paths as a multipart body (kubo's add convention). */
  uploadsFiles?: boolean
  /**
   * With uploadsFiles: the index of the argument that names the local file(s);
   * the arguments before it are sent as arg= (e.g. `mimei add <mid> <path>`).
   * Unset: every argument is a local path.
   */
  uploadArg?: number
  /** The CLI passes every word after the command through untouched (db: `LRANGE l 0 -1`). */
  rawArgs?: boolean
  /** The bytes are a tar stream the CLI unpacks to disk (ipfs get, mimei get). */
  repliesTar?: boolean
  /** Human rendering of one reply value (or one streamed value). */
  render?: (value: any, out: Output, options: Options) => void
  /** Human lines after a stream ends (e.g. `ipfs add ok  /ipfs/<cid>`). */
  renderEnd?: (values: any[], out: Output, options: Options) => void
}

export interface NodeCommand extends CommandBase {
  runsIn: 'node'
  run: (ctx: NodeContext) => Promise<unknown> | AsyncIterable<unknown>
}

export interface LocalCommand extends CommandBase {
  runsIn: 'local'
  /** Harmless enough to also answer over HTTP (e.g. version). */
  servedOverHttp?: boolean
  run: (ctx: LocalContext) => Promise<unknown>
}

export type Command = NodeCommand | LocalCommand

export function commandName(cmd: Command): string {
  return cmd.path.join(' ')
}

/** The first string argument, or a clear error naming what is missing. */
export function requireArg(args: string[], index: number, name: string): string {
  const value = args[index]
  if (value == null || value === '') {
    throw new InvalidInputError(`argument "${name}" is required`)
  }
  return value
}
