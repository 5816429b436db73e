/**
 * Helpers for the RESP tests: a raw TCP client that sends exact bytes and
 * reads exact replies, redis-cli runs, a scratch redis-server for byte-for-
 * byte comparisons, and a free-port finder. Everything on 127.0.0.1, every
 * wait bounded.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const enc = new TextEncoder()

/** A raw connection: write bytes, read until enough has arrived. */
export class RawClient {
  private chunks: Buffer[] = []
  private size = 0
  private waiters: Array<() => void> = []
  closed = false
  readonly closedPromise: Promise<void>

  private constructor(readonly socket: Socket) {
    socket.on('data', (b: Buffer) => {
      this.chunks.push(b)
      this.size += b.length
      this.notify()
    })
    this.closedPromise = new Promise(resolve => socket.on('close', () => {
      this.closed = true
      this.notify()
      resolve()
    }))
    socket.on('error', () => {})
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = new Socket()
      socket.once('error', reject)
      socket.connect(port, '127.0.0.1', () => resolve(new RawClient(socket)))
    })
  }

  private notify(): void {
    const w = this.waiters
    this.waiters = []
    for (const fn of w) fn()
  }

  send(data: string | Uint8Array): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** Everything received so far, as latin1 text, and clears it. */
  take(): string {
    const s = Buffer.concat(this.chunks).toString('latin1')
    this.chunks = []
    this.size = 0
    return s
  }

  /** Waits until the received text satisfies `done` (or the connection closes / time runs out), then takes it. */
  async until(done: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
    await this.waitFor(() => done(Buffer.concat(this.chunks).toString('latin1')), timeoutMs)
    return this.take()
  }

  /** Waits for `n` bytes (without looking at them until then). */
  async read(n: number, timeoutMs = 5000): Promise<string> {
    await this.waitFor(() => this.size >= n, timeoutMs)
    return this.take()
  }

  private async waitFor(ready: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!ready() && !this.closed && Date.now() < deadline) {
      await new Promise<void>(resolve => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()))
        this.waiters.push(() => { clearTimeout(t); resolve() })
      })
    }
  }

  /** Sends and waits for a reply that ends with `ending` (default: CRLF). */
  async call(data: string, ending = '\r\n', timeoutMs = 5000): Promise<string> {
    this.send(data)
    return this.until(t => t.endsWith(ending), timeoutMs)
  }

  /** Waits a little and returns whatever arrived (for "nothing arrives" checks). */
  async quiet(ms = 100): Promise<string> {
    await new Promise(r => setTimeout(r, ms))
    return this.take()
  }

  close(): void {
    this.socket.destroy()
  }
}

/** A RESP array of bulk strings. */
export function frame(...args: Array<string | Uint8Array>): string {
  const parts = args.map(a => (typeof a === 'string' ? Buffer.from(a) : Buffer.from(a)))
  return `*${parts.length}\r\n${parts.map(p => `$${p.length}\r\n${p.toString('latin1')}\r\n`).join('')}`
}

/** Runs redis-cli against 127.0.0.1:port; `args` after the connection options. */
export async function redisCli(port: number, args: string[], opts: { input?: string, timeoutMs?: number, resp3?: boolean, password?: string } = {}): Promise<{ code: number, stdout: string, stderr: string }> {
  const pre = ['-h', '127.0.0.1', '-p', String(port)]
  if (opts.resp3) pre.push('-3')
  if (opts.password != null) pre.push('--no-auth-warning', '-a', opts.password)
  const child = spawn('redis-cli', [...pre, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout.on('data', (b: Buffer) => out.push(b))
  child.stderr.on('data', (b: Buffer) => err.push(b))
  child.stdin.end(opts.input != null ? enc.encode(opts.input) : undefined)
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000)
  const code = await new Promise<number>(resolve => child.on('close', c => resolve(c ?? 137)))
  clearTimeout(timer)
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }
}

/** Whether a command is on PATH. */
export function haveTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr != null ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** A scratch redis-server (no persistence) in a temp dir, for comparisons and benchmarks. */
export class ScratchRedis {
  private constructor(readonly port: number, private readonly child: ReturnType<typeof spawn>, private readonly dir: string) {}

  static async start(extra: string[] = []): Promise<ScratchRedis> {
    const dir = mkdtempSync(join(tmpdir(), 'leither-redis-'))
    const port = await freePort()
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], { stdio: 'ignore' })
    const r = new ScratchRedis(port, child, dir)
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      try {
        const c = await RawClient.connect(port)
        const pong = await c.call('PING\r\n')
        c.close()
        if (pong.includes('PONG')) return r
      } catch { /* not up yet */ }
      await new Promise(res => setTimeout(res, 50))
    }
    r.stop()
    throw new Error('redis-server did not start')
  }

  stop(): void {
    this.child.kill('SIGKILL')
    rmSync(this.dir, { recursive: true, force: true })
  }
}
