/**
 * `Leither [run [-d]]` and `Leither stop`: the node's life from the CLI.
 */
import { spawn } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunOverrides } from '../daemon/daemon.ts'
import { reexecWithEngineSettings } from '../daemon/engine-tuning.ts'
import { lockOwner } from '../daemon/root-lock.ts'
import { readApiFile } from '../daemon/run-files.ts'
import { callApi } from './node-client.ts'
import { printJson } from './output.ts'
import { InvalidInputError, UnavailableError } from '../utils/errors.ts'

export interface NodeRunFlags {
  detach?: boolean
  port?: string | number
  swarmPort?: string | number
  respPort?: string | number
  bootstrap?: string
  lan?: boolean
  json?: boolean
}

export const LOG_FILE = 'Leither.log'

function portFlag(name: string, value: unknown): number | undefined {
  if (value == null) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidInputError(`${name} takes a port number 0-65535, got "${value}"`)
  return n
}

function overridesOf(flags: NodeRunFlags): RunOverrides {
  return {
    port: portFlag('--port', flags.port),
    swarmPort: portFlag('--swarm-port', flags.swarmPort),
    respPort: portFlag('--resp-port', flags.respPort),
    bootstrap: typeof flags.bootstrap === 'string' ? flags.bootstrap.split(',').map(s => s.trim()).filter(Boolean) : undefined,
    noLan: flags.lan === false,
  }
}

/** How to start this same program again: compiled binaries have no script argument. */
function selfCommand(): string[] {
  const script = process.argv[1]
  const compiled = script == null || script.startsWith('/$bunfs/') || script.includes('~BUN')
  return compiled ? [process.execPath] : [process.execPath, ...process.execArgv, script]
}

export async function runNode(root: string, flags: NodeRunFlags): Promise<number> {
  const overrides = overridesOf(flags)
  if (flags.detach === true) return detach(root, flags)
  reexecWithEngineSettings([...selfCommand(), ...process.argv.slice(2)])
  // Loaded only here, so CLI commands do not pay for the libp2p/Helia stack.
  const { startDaemon } = await import('../daemon/daemon.ts')
  const running = await startDaemon(root, overrides)
  const line = (k: string, v: string) => process.stdout.write(`${k}= ${v}\n`)
  line('id', running.node.id)
  line('peerid', running.node.peerId)
  line('api', running.apiUrl)
  const onSignal = () => { void running.stop() }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  process.once('SIGHUP', onSignal)
  await running.stopped
  return 0
}

async function detach(root: string, flags: NodeRunFlags): Promise<number> {
  const args = ['run', '--root', root]
  if (flags.port != null) args.push('--port', String(flags.port))
  if (flags.swarmPort != null) args.push('--swarm-port', String(flags.swarmPort))
  if (flags.respPort != null) args.push('--resp-port', String(flags.respPort))
  if (flags.bootstrap != null) args.push('--bootstrap', String(flags.bootstrap))
  if (flags.lan === false) args.push('--no-lan')
  const owner = await lockOwner(root)
  if (owner != null) throw new UnavailableError(`a node is already running in "${root}" (pid ${owner})`)
  const { mkdirSync } = await import('node:fs')
  mkdirSync(root, { recursive: true })
  const logPath = join(root, LOG_FILE)
  const log = openSync(logPath, 'a')
  const [cmd, ...pre] = selfCommand()
  const child = spawn(cmd!, [...pre, ...args], { detached: true, stdio: ['ignore', log, log], env: process.env })
  let exited: number | null = null
  child.on('exit', code => { exited = code ?? 1 })
  child.unref()
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const api = await readApiFile(root)
    if (api != null && (await lockOwner(root)) === child.pid) {
      if (flags.json === true) printJson({ PID: child.pid, API: api, Log: logPath })
      else process.stdout.write(`node started  pid= ${child.pid}  api= ${api}\nlog= ${logPath}\n`)
      return 0
    }
    if (exited != null) {
      const tail = readFileSync(logPath, 'utf8').trim().split('\n').slice(-5).join('\n')
      throw new UnavailableError(`the node exited during start (code ${exited}):\n${tail}`)
    }
    await new Promise(r => setTimeout(r, 50))
  }
  throw new UnavailableError(`the node did not become ready within 60 s; see ${logPath}`)
}

export async function stopNode(root: string, json: boolean): Promise<number> {
  const pid = await lockOwner(root)
  const api = await readApiFile(root)
  if (pid == null) throw new UnavailableError(`no Leither node is running in "${root}"`)
  if (api != null) {
    try {
      await callApi(api, ['shutdown'], { args: [], query: {} })
    } catch {
      process.kill(pid, 'SIGTERM')
    }
  } else {
    process.kill(pid, 'SIGTERM')
  }
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if ((await lockOwner(root)) !== pid) {
      if (json) printJson({ Stopped: true, PID: pid })
      else process.stdout.write(`node stopped  pid= ${pid}\n`)
      return 0
    }
    await new Promise(r => setTimeout(r, 50))
  }
  throw new UnavailableError(`node (pid ${pid}) did not stop within 30 s`)
}
