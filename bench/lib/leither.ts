/**
 * Leither nodes for benchmarks: the compiled binary (built when missing),
 * started in temp roots on free ports with loopback-only networking (no UPnP,
 * no mDNS, swarm on 127.0.0.1), driven through the CLI and the HTTP API.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { exited, run, runOk, spawnTracked, stopTracked, type RunResult } from './procs.ts'

export const REPO = resolve(import.meta.dir, '../..')
export const BUN = process.execPath
export const DIST_BINARY = join(REPO, 'dist/Leither')

function newestMtime(dir: string): number {
  let newest = 0
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const st = statSync(path)
    newest = Math.max(newest, st.isDirectory() ? newestMtime(path) : st.mtimeMs)
  }
  return newest
}

/**
 * The compiled binary to measure: $LEITHER_BIN, else dist/Leither, built with
 * `bun release/build.ts` when it is missing. A binary older than src/ is
 * measured anyway, with a warning (make bench always rebuilds first).
 */
export async function leitherBinary(): Promise<string> {
  const fromEnv = process.env.LEITHER_BIN
  if (fromEnv != null && fromEnv !== '') return resolve(fromEnv)
  if (!existsSync(DIST_BINARY)) {
    console.error('bench: dist/Leither is missing; building it (bun release/build.ts)')
    await runOk(BUN, [join(REPO, 'release/build.ts')], { cwd: REPO, timeoutMs: 300_000 })
  } else if (statSync(DIST_BINARY).mtimeMs < newestMtime(join(REPO, 'src'))) {
    console.error('bench: WARNING: dist/Leither is older than src/; run `make build` (or `make bench`) to measure the current code')
  }
  return DIST_BINARY
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolvePort(port))
    })
  })
}

export async function scratchDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `leither-bench-${prefix}-`))
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** Bench traffic stays on loopback: no UPnP, no mDNS/LAN DHT, swarm on 127.0.0.1 only. */
export const LOOPBACK_CONFIG = {
  UPnP: false,
  LAN: false,
  SwarmListen: ['/ip4/127.0.0.1/tcp/0'],
  RespPort: 0,
}

export async function writeConfig(root: string, extra: Record<string, unknown> = {}): Promise<void> {
  await mkdir(root, { recursive: true })
  const file = join(root, 'SystemVars.json')
  let current: Record<string, unknown> = {}
  if (existsSync(file)) current = JSON.parse(await readFile(file, 'utf8'))
  await writeFile(file, JSON.stringify({ ...current, ...LOOPBACK_CONFIG, ...extra }, null, 2))
}

export interface StartOptions {
  binary: string
  root?: string
  /** HTTP port; 0 (default) = any free port. */
  port?: number
  config?: Record<string, unknown>
  /** A command prefix, e.g. ['taskset', '-c', '0']. */
  prefix?: string[]
  timeoutMs?: number
}

export class BenchNode {
  apiUrl = ''
  http = 0
  swarm: string[] = []
  private log: string[] = []

  constructor(readonly binary: string, readonly root: string, readonly child: ChildProcess) {
    child.stdout?.on('data', (b: Buffer) => { if (this.log.length < 200) this.log.push(b.toString()) })
    child.stderr?.on('data', (b: Buffer) => { if (this.log.length < 200) this.log.push(b.toString()) })
  }

  get pid(): number {
    return this.child.pid!
  }

  output(): string {
    return this.log.join('')
  }

  swarmAddr(): string {
    const addr = this.swarm.find(a => a.startsWith('/ip4/127.0.0.1/'))
    if (addr == null) throw new Error(`no loopback swarm address in ${JSON.stringify(this.swarm)}`)
    return addr
  }

  /** Waits for the api and ports.json files (polling every pollMs). */
  async waitReady(timeoutMs = 30_000, pollMs = 10): Promise<void> {
    const deadline = performance.now() + timeoutMs
    let code: number | undefined
    void exited(this.child).then(c => { code = c })
    while (performance.now() < deadline) {
      if (code != null) throw new Error(`node exited with ${code} before it was ready:\n${this.output()}`)
      if (existsSync(join(this.root, 'api')) && existsSync(join(this.root, 'ports.json'))) {
        try {
          this.apiUrl = (await readFile(join(this.root, 'api'), 'utf8')).trim()
          const ports = JSON.parse(await readFile(join(this.root, 'ports.json'), 'utf8'))
          this.http = ports.http
          this.swarm = ports.swarm ?? []
          return
        } catch { /* half-written: try again */ }
      }
      await Bun.sleep(pollMs)
    }
    throw new Error(`node in ${this.root} not ready after ${timeoutMs} ms:\n${this.output()}`)
  }

  /** One CLI command against this node's root. */
  cli(...args: string[]): Promise<RunResult> {
    return run(this.binary, ['--root', this.root, ...args], { env: { ...process.env, LEITHER_LOG: 'warn' }, timeoutMs: 120_000 })
  }

  async cliOk(...args: string[]): Promise<RunResult> {
    const r = await this.cli(...args)
    if (r.code !== 0) throw new Error(`Leither ${args.join(' ')} exited with ${r.code}:\n${r.stdout}${r.stderr}`)
    return r
  }

  /**
   * Makes sure this node is connected to the peer at `addr` (…/p2p/<id>): done when
   * `swarm peers` lists it, else `swarm connect` and look again, until timeoutMs. A
   * dial that races the bootstrap dial to the same peer can fail ("Encryption failed",
   * ECONNRESET) while the other dial succeeds, so a failed connect alone proves nothing.
   */
  async connect(addr: string, timeoutMs = 20_000): Promise<void> {
    const peer = addr.slice(addr.lastIndexOf('/p2p/') + 5)
    const deadline = performance.now() + timeoutMs
    let last: unknown
    while (performance.now() < deadline) {
      const peers = (await this.json('swarm/peers')).Peers as Array<{ Peer: string }>
      if (peers.some(p => p.Peer === peer)) return
      try {
        await this.api('swarm/connect', [addr])
      } catch (err) {
        last = err
        await Bun.sleep(200)
      }
    }
    throw new Error(`not connected to ${addr} after ${timeoutMs} ms: ${(last as Error)?.message ?? last}`)
  }

  /** POST /api/v0/<path>?arg=…; throws on a non-200 reply. */
  async api(path: string, args: string[] = [], query: Record<string, string> = {}, init: RequestInit = {}): Promise<Response> {
    const url = new URL(`${this.apiUrl}/api/v0/${path}`)
    for (const a of args) url.searchParams.append('arg', a)
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
    const res = await fetch(url, { method: 'POST', ...init })
    if (res.status !== 200) throw new Error(`${path} ${args.join(' ')}: HTTP ${res.status} ${await res.text()}`)
    return res
  }

  async json(path: string, args: string[] = [], query: Record<string, string> = {}): Promise<any> {
    return (await this.api(path, args, query)).json()
  }

  /** Resident memory from /proc (kB → MB): total, anonymous (heap) and file-backed (the mapped binary). */
  async memory(): Promise<{ rssMB: number, anonMB: number, fileMB: number, hwmMB: number }> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8')
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
    return { rssMB: kb('VmRSS') / 1024, anonMB: kb('RssAnon') / 1024, fileMB: kb('RssFile') / 1024, hwmMB: kb('VmHWM') / 1024 }
  }

  /** CPU time (user + system) the node has used so far, in seconds. */
  async cpuSeconds(): Promise<number> {
    const stat = await readFile(`/proc/${this.pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  }

  stop(): Promise<number> {
    return stopTracked(this.child, 15_000)
  }
}

/** Spawns `<binary> run` in a root without waiting for it (start-up timing starts here). */
export async function spawnNode(opts: StartOptions & { root: string }): Promise<BenchNode> {
  await writeConfig(opts.root, opts.config)
  const [cmd, ...pre] = [...(opts.prefix ?? []), opts.binary]
  const child = spawnTracked(cmd!, [...pre, 'run', '--root', opts.root, '--port', String(opts.port ?? 0), '--swarm-port', '0', '--no-lan'], {
    env: { ...process.env, LEITHER_LOG: process.env.LEITHER_LOG ?? 'warn' },
  })
  return new BenchNode(opts.binary, opts.root, child)
}

/** Starts a node in a (new or given) root and waits until it is ready. */
export async function startNode(opts: StartOptions): Promise<BenchNode> {
  const root = opts.root ?? await scratchDir('node')
  const node = await spawnNode({ ...opts, root })
  await node.waitReady(opts.timeoutMs ?? 30_000)
  return node
}

/** Stops nodes and removes their roots. */
export async function stopAll(nodes: BenchNode[], removeRoots = true): Promise<void> {
  await Promise.all(nodes.map(n => n.stop().catch(() => 137)))
  if (removeRoots) await Promise.all(nodes.map(n => removeDir(n.root)))
}

/** Runs fn over items with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!, i)
    }
  })
  await Promise.all(workers)
  return out
}
