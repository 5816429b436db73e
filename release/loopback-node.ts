/**
 * A node the build tools start from a binary: its own root with a loopback-only
 * config (no LAN, no UPnP, any free ports), ready once it has written `api` and
 * `ports.json`, stopped with SIGTERM. The build's smoke run and the bytecode-order
 * recording use it; tests and benchmarks have harnesses of their own.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const LOOPBACK_CONFIG = {
  ServicePort: 0, RespPort: 0, LAN: false, UPnP: false, Bootstrap: [] as string[], SwarmListen: ['/ip4/127.0.0.1/tcp/0'],
}
/** Enough of a node's stdout and stderr to explain a failure. */
const MAX_OUTPUT = 1 << 20

export interface LoopbackNode {
  root: string
  child: ChildProcess
  api: string
  /** From ports.json. */
  resp: number
  swarm: string[]
  /** ms from spawn to the run files. */
  readyMs: number
  /** What it printed so far (its log). */
  output(): string
  /** SIGTERM, then SIGKILL after graceMs; resolves to the exit code (-1 when it had to be killed). */
  stop(graceMs?: number): Promise<number>
}

export async function startLoopbackNode (binary: string, root: string, opts: { env?: Record<string, string>, config?: Record<string, unknown>, timeoutMs?: number } = {}): Promise<LoopbackNode> {
  mkdirSync(root, { recursive: true })
  writeFileSync(join(root, 'SystemVars.json'), JSON.stringify({ ...LOOPBACK_CONFIG, ...opts.config }))
  const t0 = performance.now()
  const child = spawn(binary, ['run', '--root', root], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LEITHER_LOG: 'warn', ...opts.env } })
  let out = ''
  const keep = (b: Buffer) => { if (out.length < MAX_OUTPUT) out += b.toString() }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<number>(resolve => child.on('close', code => resolve(code ?? -1)))
  let exitCode: number | undefined
  void exited.then(code => { exitCode = code })
  const stop = async (graceMs = 15_000) => {
    if (exitCode != null) return exitCode
    child.kill('SIGTERM')
    let timer: ReturnType<typeof setTimeout> | undefined
    const code = await Promise.race([exited, new Promise<number>(resolve => { timer = setTimeout(() => resolve(-1), graceMs) })])
    clearTimeout(timer)
    if (code === -1) child.kill('SIGKILL')
    return code
  }
  const timeoutMs = opts.timeoutMs ?? 30_000
  try {
    // ports.json is written after api: wait for both, as the test harness does.
    while (true) {
      if (exitCode != null) throw new Error(`${binary} run exited with ${exitCode} before it was ready:\n${out}`)
      if (existsSync(join(root, 'api')) && existsSync(join(root, 'ports.json'))) {
        try {
          const ports = JSON.parse(readFileSync(join(root, 'ports.json'), 'utf8'))
          const api = readFileSync(join(root, 'api'), 'utf8').trim()
          return { root, child, api, resp: ports.resp, swarm: ports.swarm ?? [], readyMs: Math.round(performance.now() - t0), output: () => out, stop }
        } catch { /* half-written: look again */ }
      }
      if (performance.now() - t0 > timeoutMs) throw new Error(`${binary} run was not ready after ${timeoutMs} ms:\n${out}`)
      await Bun.sleep(10)
    }
  } catch (err) {
    if (exitCode == null) child.kill('SIGKILL')
    throw err
  }
}
