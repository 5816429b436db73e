/**
 * The command line: argv → command table → a local run or an HTTP call to
 * the node of the root. Returns the exit code; only main.ts exits.
 *   0 ok · 1 the command failed · 2 usage error (unknown command or flag)
 */
import { resolve } from 'node:path'
import { cac } from 'cac'
import type { Command, Options } from '../api/command.ts'
import { commands } from '../api/commands/index.ts'
import { coerceOption } from '../api/params.ts'
import { foldCommandWords } from './argv.ts'
import { findApiUrl } from './node-client.ts'
import { invokeNodeCommand } from './invoke.ts'
import { printJson, stdoutLines } from './output.ts'
import { runNode, stopNode, type NodeRunFlags } from './lifecycle.ts'
import { LeitherError, messageOf } from '../utils/errors.ts'
import { VERSION } from '../version.ts'

export class UsageError extends Error {}

const GLOBAL_VALUE_FLAGS = ['--root', '-n', '--node', '--port', '--swarm-port', '--resp-port', '--bootstrap']
const LIFECYCLE = ['run', 'stop']

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

function valueFlags(): Set<string> {
  const flags = new Set(GLOBAL_VALUE_FLAGS)
  for (const cmd of commands) {
    for (const o of cmd.options ?? []) {
      if (o.type === 'boolean') continue
      flags.add(`--${o.name}`)
      if (o.alias != null) flags.add(`-${o.alias}`)
    }
  }
  return flags
}

function argSyntax(cmd: Command): string {
  return (cmd.args ?? []).map(a => {
    const inner = a.variadic === true ? `...${a.name}` : a.name
    return a.required === true ? `<${inner}>` : `[${inner}]`
  }).join(' ')
}

function buildCac(onAction: (cmd: Command | string, args: string[], flags: Record<string, any>) => void) {
  const cli = cac('Leither')
  cli.option('--root <dir>', 'node root (default: $LEITHER_ROOT or the current directory)')
  cli.option('-n, --node <url>', 'talk to the node at this URL instead of the root\'s')
  cli.option('--json', 'print machine-readable JSON')
  for (const cmd of commands) {
    const c = cli.command(`${cmd.path.join(' ')} ${argSyntax(cmd)}`.trim(), cmd.summary)
    for (const o of cmd.options ?? []) {
      const names = `${o.alias != null ? `-${o.alias}, ` : ''}--${o.name}${o.type === 'boolean' ? '' : ` <${o.type === 'number' ? 'n' : 'value'}>`}`
      c.option(names, o.description)
      // kubo's negations: --pin=false, or --no-pin
      if (o.type === 'boolean' && o.default === true) c.option(`--no-${o.name}`, `do not ${o.description}`)
    }
    c.action((...params: any[]) => {
      const flags = params.pop()
      onAction(cmd, params.flat().filter((p: unknown) => p != null).map(String), flags)
    })
  }
  cli.command('run', 'Start the node in the foreground (the default with no command)')
    .option('-d, --detach', 'start in the background and return once it is ready')
    .option('--port <n>', 'HTTP port for this run (0 = any free port)')
    .option('--swarm-port <n>', 'libp2p TCP port for this run (0 = any free port)')
    .option('--resp-port <n>', 'Redis protocol port for this run')
    .option('--bootstrap <addrs>', 'comma-separated bootstrap multiaddrs for this run')
    .option('--no-lan', 'no mDNS or LAN DHT for this run')
    .action(flags => onAction('run', [], flags))
  cli.command('stop', 'Stop the node of the root').action(flags => onAction('stop', [], flags))
  // The default help lists "--help" once per command; one hint is enough.
  cli.help(sections => sections.filter(s => !(s.title ?? '').startsWith('For more info')))
  return cli
}

/** Flags from cac (camelCase) → the command's typed options. */
function optionsOf(cmd: Command, flags: Record<string, any>): Options {
  const options: Options = {}
  for (const spec of cmd.options ?? []) {
    const raw = flags[camel(spec.name)]
    // cac hands string flags over as numbers when they look like one
    const value = raw === undefined ? undefined : coerceOption(spec, spec.type === 'string' ? String(raw) : raw)
    options[spec.name] = value ?? spec.default
  }
  return options
}

export async function runCli(argv: string[]): Promise<number> {
  const folded = foldCommandWords(argv, commands, LIFECYCLE, valueFlags())
  if (folded.unknown != null) {
    process.stderr.write(`Leither: unknown command "${folded.unknown}"\nRun "Leither --help" for the list of commands.\n`)
    return 2
  }
  let chosen: { cmd: Command | string, args: string[], flags: Record<string, any> } | undefined
  const cli = buildCac((cmd, args, flags) => { chosen = { cmd, args, flags } })
  // Raw commands (db) take the words after them as they are: "-1" is an argument there, not a flag.
  let raw: string[] | undefined
  if (folded.command?.rawArgs === true) {
    const at = folded.argv.indexOf(folded.command.path.join(' '))
    raw = folded.argv.slice(at + 1)
    folded.argv = folded.argv.slice(0, at + 1)
  }
  const bare = folded.command == null && !folded.argv.some(a => LIFECYCLE.includes(a))
  try {
    // No command at all: `./Leither &` starts the node, as in the seed.
    const parseArgv = bare && !folded.argv.includes('--help') && !folded.argv.includes('-h') ? ['run', ...folded.argv] : folded.argv
    cli.parse(['leither', 'Leither', ...parseArgv], { run: false })
    if (cli.options.help === true) return 0
    await cli.runMatchedCommand()
  } catch (err: any) {
    if (err?.name === 'CACError' || err instanceof UsageError) {
      process.stderr.write(`Leither: ${err.message}\nRun "Leither --help" for usage.\n`)
      return 2
    }
    return reportError(err, false)
  }
  if (chosen == null) return 0
  const { cmd, flags } = chosen
  const args = raw ?? chosen.args
  const json = flags.json === true
  const root = resolve(typeof flags.root === 'string' ? flags.root : process.env.LEITHER_ROOT ?? '.')
  try {
    if (cmd === 'run') return await runNode(root, flags as NodeRunFlags)
    if (cmd === 'stop') return await stopNode(root, json)
    if (typeof cmd === 'string') return 2
    const options = optionsOf(cmd, flags)
    if (cmd.runsIn === 'local') {
      const result = await cmd.run({ root, args, options, signal: AbortSignal.timeout(600_000) })
      if (json) printJson(result)
      else cmd.render?.(result, stdoutLines, options)
      return 0
    }
    const baseUrl = await findApiUrl(root, typeof flags.node === 'string' ? flags.node : undefined)
    await invokeNodeCommand(cmd, { baseUrl, root: flags.node == null ? root : undefined, args, options, json })
    return 0
  } catch (err) {
    return reportError(err, json)
  }
}

function reportError(err: unknown, json: boolean): number {
  if (json) process.stdout.write(JSON.stringify({ Message: messageOf(err), Code: 0, Type: 'error' }) + '\n')
  process.stderr.write(`Error: ${messageOf(err)}\n`)
  if (!(err instanceof LeitherError) && process.env.LEITHER_LOG === 'debug') process.stderr.write(`${(err as Error)?.stack}\n`)
  return 1
}

export { VERSION }
