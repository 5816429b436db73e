/**
 * Child processes of a benchmark: every server or node a bench starts is
 * tracked and runs in its own process group, so it (and e.g. nginx's worker)
 * is stopped by its group id when the bench ends, fails or is interrupted.
 * Nothing is ever stopped by name.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'

const live = new Set<ChildProcess>()

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid == null || child.exitCode != null || child.signalCode != null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    try { child.kill(signal) } catch { /* already gone */ }
  }
}

let hooked = false
function hookExit(): void {
  if (hooked) return
  hooked = true
  process.on('exit', () => { for (const c of live) killGroup(c, 'SIGKILL') })
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      for (const c of live) killGroup(c, 'SIGKILL')
      process.exit(130)
    })
  }
}

/** Spawns a long-lived child in its own process group and remembers it until it exits. */
export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  hookExit()
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts, detached: true })
  live.add(child)
  child.on('exit', () => live.delete(child))
  // A command that cannot start (ENOENT, EACCES) emits 'error' and never 'exit'.
  child.on('error', err => {
    live.delete(child)
    child.stderr?.emit('data', Buffer.from(`cannot run ${cmd}: ${err.message}\n`))
    child.emit('exit', 127, null)
    child.emit('close', 127, null)
  })
  return child
}

/** Resolves with the exit code (or 128 + signal) once the child has exited. */
export function exited(child: ChildProcess): Promise<number> {
  if (child.exitCode != null) return Promise.resolve(child.exitCode)
  if (child.signalCode != null) return Promise.resolve(137)
  return new Promise(resolve => child.once('exit', (code, signal) => resolve(code ?? (signal != null ? 137 : 0))))
}

/** SIGTERM to the child's group, SIGKILL after graceMs; resolves when it has exited. */
export async function stopTracked(child: ChildProcess, graceMs = 10_000): Promise<number> {
  const done = exited(child)
  killGroup(child, 'SIGTERM')
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs)
  const code = await done
  clearTimeout(timer)
  return code
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
  ms: number
}

/** Runs a command to completion, bounded by timeoutMs, and times it from spawn to exit. */
export async function run(cmd: string, args: string[], opts: { cwd?: string, env?: Record<string, string | undefined>, timeoutMs?: number } = {}): Promise<RunResult> {
  const t0 = performance.now()
  const child = spawnTracked(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env })
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout!.on('data', (b: Buffer) => out.push(b))
  child.stderr!.on('data', (b: Buffer) => err.push(b))
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), opts.timeoutMs ?? 120_000)
  const code = await new Promise<number>(resolve => child.on('close', (c, s) => resolve(c ?? (s != null ? 137 : 0))))
  const ms = performance.now() - t0
  clearTimeout(timer)
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms }
}

/** Like run, but throws with the command's output when it fails. */
export async function runOk(cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts)
  if (r.code !== 0) throw new Error(`${[cmd, ...args].join(' ')} exited with ${r.code}:\n${r.stdout}${r.stderr}`)
  return r
}
