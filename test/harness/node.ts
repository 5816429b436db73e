/**
 * Process-level test harness: spawns the real program in temp roots on free
 * ports and drives it through its CLI and HTTP API. LEITHER_BIN points the
 * tests at a compiled binary; by default they run the source with Bun.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const REPO = resolve(import.meta.dir, '../..')
const BUN = process.execPath

/** The command that runs Leither: the compiled binary or `bun src/main.ts`. */
export function leitherCommand(): string[] {
  const bin = process.env.LEITHER_BIN
  if (bin != null && bin !== '') return [resolve(bin)]
  return [BUN, join(REPO, 'src/main.ts')]
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs one CLI command to completion (bounded by timeoutMs). */
export async function runCli(args: string[], opts: { cwd?: string, env?: Record<string, string>, timeoutMs?: number, input?: Uint8Array } = {}): Promise<CliResult> {
  const [cmd, ...pre] = leitherCommand()
  const child = spawn(cmd!, [...pre, ...args], {
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, LEITHER_LOG: 'warn', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout!.on('data', (b: Buffer) => out.push(b))
  child.stderr!.on('data', (b: Buffer) => err.push(b))
  child.stdin!.end(opts.input)
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
  const code = await new Promise<number>(res => child.on('close', c => res(c ?? 137)))
  clearTimeout(timer)
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }
}

export interface Ports {
  http: number
  swarm: string[]
  resp?: number
}

export class TestNode {
  readonly root: string
  readonly process: ChildProcess
  ports!: Ports
  apiUrl!: string
  private log: string[] = []
  private exited: Promise<number>

  constructor(root: string, child: ChildProcess) {
    this.root = root
    this.process = child
    child.stdout?.on('data', (b: Buffer) => this.log.push(b.toString()))
    child.stderr?.on('data', (b: Buffer) => this.log.push(b.toString()))
    this.exited = new Promise(res => child.on('exit', c => res(c ?? 137)))
  }

  /** Everything the node printed, for failure messages. */
  output(): string {
    return this.log.join('')
  }

  /** The node's loopback multiaddr with its /p2p/ part, for swarm connect. */
  swarmAddr(): string {
    const addr = this.ports.swarm.find(a => a.startsWith('/ip4/127.0.0.1/'))
    if (addr == null) throw new Error(`no loopback swarm address in ${JSON.stringify(this.ports.swarm)}`)
    return addr
  }

  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let exitCode: number | undefined
    void this.exited.then(c => { exitCode = c })
    while (Date.now() < deadline) {
      if (exitCode != null) throw new Error(`node exited with ${exitCode} before it was ready:\n${this.output()}`)
      // After a kill -9 the old run's files are still there: only this process's count.
      const owner = existsSync(join(this.root, 'repo.lock')) ? (await readFile(join(this.root, 'repo.lock'), 'utf8')).trim() : ''
      if (owner === String(this.process.pid) && existsSync(join(this.root, 'api')) && existsSync(join(this.root, 'ports.json'))) {
        this.apiUrl = (await readFile(join(this.root, 'api'), 'utf8')).trim()
        this.ports = JSON.parse(await readFile(join(this.root, 'ports.json'), 'utf8'))
        return
      }
      await Bun.sleep(25)
    }
    throw new Error(`node not ready after ${timeoutMs} ms:\n${this.output()}`)
  }

  /** A CLI command against this node's root. */
  cli(...args: string[]): Promise<CliResult> {
    return runCli(['--root', this.root, ...args])
  }

  /** POST /api/v0/<path> with arg= parameters. */
  async api(path: string, args: string[] = [], query: Record<string, string> = {}, init: RequestInit = {}): Promise<Response> {
    const url = new URL(`${this.apiUrl}/api/v0/${path}`)
    for (const a of args) url.searchParams.append('arg', a)
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
    return fetch(url, { method: 'POST', ...init })
  }

  async stop(): Promise<number> {
    if (this.process.exitCode != null) return this.process.exitCode
    this.process.kill('SIGTERM')
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 15_000)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }

  kill9(): Promise<number> {
    this.process.kill('SIGKILL')
    return this.exited
  }
}

export async function tempRoot(prefix = 'leither-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

/** Starts a node in a (new or given) root on free ports and waits until it is ready. */
export async function startNode(opts: { root?: string, args?: string[], config?: Record<string, unknown>, env?: Record<string, string> } = {}): Promise<TestNode> {
  const root = opts.root ?? await tempRoot()
  await writeTestConfig(root, opts.config)
  const [cmd, ...pre] = leitherCommand()
  const child = spawn(cmd!, [...pre, 'run', '--root', root, '--port', '0', '--swarm-port', '0', '--resp-port', '0', '--no-lan', ...(opts.args ?? [])], {
    env: { ...process.env, LEITHER_LOG: process.env.LEITHER_LOG ?? 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const node = new TestNode(root, child)
  await node.waitReady()
  return node
}

/**
 * Test traffic stays on loopback: no UPnP (SSDP multicast) and no mDNS.
 * Keys already in the root's config are kept; `extra` overrides.
 */
export async function writeTestConfig(root: string, extra: Record<string, unknown> = {}): Promise<void> {
  const file = join(root, 'SystemVars.json')
  let current: Record<string, unknown> = {}
  if (existsSync(file)) current = JSON.parse(await readFile(file, 'utf8'))
  await writeFile(file, JSON.stringify({ ...current, UPnP: false, LAN: false, ...extra }, null, 2))
}

export async function removeRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true })
}

/** Polls `check` until it holds; throws naming `what` after `timeoutMs`. Bounded by design. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await Bun.sleep(everyMs)
  }
  throw new Error(`timed out waiting for ${what}`)
}

/**
 * An author node and `followers` nodes bootstrapped to it and connected:
 * the setup of every multi-node MiMei test. `config` goes to every node.
 */
export async function startSwarm(followers: number, config: Record<string, unknown> = {}): Promise<TestNode[]> {
  const author = await startNode({ config })
  const rest = await Promise.all(Array.from({ length: followers }, () => startNode({ config: { ...config, Bootstrap: [author.swarmAddr()] } })))
  for (const n of rest) {
    const r = await n.cli('swarm', 'connect', author.swarmAddr())
    if (r.code !== 0) throw new Error(`swarm connect failed: ${r.stderr}`)
  }
  return [author, ...rest]
}

/** Stops the nodes and removes their roots (and any extra directories). */
export async function stopSwarm(nodes: Array<TestNode | undefined>, ...extraDirs: string[]): Promise<void> {
  await Promise.all(nodes.map(n => n?.stop()))
  for (const n of nodes) if (n != null) await removeRoot(n.root)
  for (const dir of extraDirs) await removeRoot(dir)
}

/** The newest version a node holds of a MiMei (0: none, or the MiMei is unknown there). */
export async function lastVersion(node: TestNode, mid: string): Promise<number> {
  const res = await node.api('mimei/versions', [mid])
  return res.status === 200 ? ((await res.json()) as any).Last as number : 0
}
