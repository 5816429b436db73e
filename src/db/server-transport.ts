/**
 * TCP for the RESP server: `Bun.listen` on Bun (the fast path), `node:net`
 * on the Node fallback bundle. Both look the same to the server: a
 * connection delivers chunks, takes writes, reports whether its output is
 * still backed up, and can stop reading until that output drains.
 */
import { UnavailableError } from '../utils/errors.ts'

/** One client connection, as the server sees it. */
export interface Conn {
  readonly remoteAddress: string
  readonly remotePort: number
  readonly localAddress: string
  readonly localPort: number
  /** Sends bytes; the connection copies what it must keep, so the caller may reuse `bytes`. */
  write(bytes: Uint8Array): void
  /** Bytes written but not yet handed to the kernel (back-pressure when > 0). */
  readonly backlog: number
  /** Stops / restarts reading (back-pressure). */
  pause(): void
  resume(): void
  /** Closes once everything written has been sent. */
  end(): void
  /** Closes at once. */
  destroy(): void
}

/** What the server does with a connection's events. */
export interface ConnHandler {
  data(chunk: Uint8Array): void
  /** everything written has been sent */
  drain(): void
  close(): void
}

export interface Listener {
  readonly port: number
  close(): void
}

type Accept = (conn: Conn) => ConnHandler

const onBun = typeof (globalThis as any).Bun !== 'undefined'

function listenError(bind: string, port: number, err: any): UnavailableError {
  const inUse = err?.code === 'EADDRINUSE' || /in use/i.test(err?.message ?? '')
  const why = inUse ? 'the port is already in use; choose another RespPort' : (err?.message ?? String(err))
  return new UnavailableError(`cannot listen for Redis clients on ${bind}:${port}: ${why}`, { cause: err })
}

/** Which socket API to use: Bun's when it is there, else node:net ('node' forces it, for tests). */
export type TransportKind = 'auto' | 'node'

/** Listens on `bind:port` (port 0: any free port) and hands each connection to `accept`. */
export async function listenTcp(bind: string, port: number, accept: Accept, kind: TransportKind = 'auto'): Promise<Listener> {
  return onBun && kind === 'auto' ? listenBun(bind, port, accept) : await listenNode(bind, port, accept)
}

interface BunState { conn: BunConn, handler: ConnHandler }

class BunConn implements Conn {
  /** unsent bytes, oldest first (copies) */
  private queue: Uint8Array[] = []
  private queued = 0
  private ending = false
  constructor(private readonly s: any) {}
  get remoteAddress() { return this.s.remoteAddress as string }
  get remotePort() { return (this.s.remotePort ?? 0) as number }
  get localAddress() { return (this.s.localAddress ?? '') as string }
  get localPort() { return (this.s.localPort ?? 0) as number }
  get backlog() { return this.queued }

  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return
    if (this.queued > 0) {
      this.enqueue(bytes.slice())
      return
    }
    const n: number = this.s.write(bytes)
    if (n < 0) return // closed: the close event follows
    if (n < bytes.length) this.enqueue(bytes.slice(n))
  }

  private enqueue(copy: Uint8Array): void {
    this.queue.push(copy)
    this.queued += copy.length
  }

  /** Writes what is queued; true when nothing is left. */
  flush(): boolean {
    while (this.queue.length > 0) {
      const head = this.queue[0]!
      const n: number = this.s.write(head)
      if (n < 0) return false
      if (n < head.length) {
        this.queue[0] = head.subarray(n)
        this.queued -= n
        return false
      }
      this.queue.shift()
      this.queued -= head.length
    }
    if (this.ending) this.s.end()
    return true
  }

  pause(): void { this.s.pause?.() }
  resume(): void { this.s.resume?.() }
  end(): void {
    this.ending = true
    if (this.queued === 0) this.s.end()
    this.s.timeout?.(10) // a peer that never closes its side is cut off
  }

  destroy(): void {
    if (typeof this.s.terminate === 'function') this.s.terminate()
    else this.s.end()
  }
}

function listenBun(bind: string, port: number, accept: Accept): Listener {
  const Bun = (globalThis as any).Bun
  let server: any
  try {
    server = Bun.listen({
      hostname: bind,
      port,
      socket: {
        open(s: any) {
          s.setNoDelay?.(true)
          const conn = new BunConn(s)
          s.data = { conn, handler: accept(conn) } satisfies BunState
        },
        data(s: any, chunk: Uint8Array) { (s.data as BunState).handler.data(chunk) },
        drain(s: any) {
          const st = s.data as BunState
          if (st.conn.flush()) st.handler.drain()
        },
        close(s: any) { (s.data as BunState | undefined)?.handler.close() },
        error() { /* the close event follows */ },
        timeout(s: any) { s.terminate?.() },
      },
    })
  } catch (err) {
    throw listenError(bind, port, err)
  }
  return { port: server.port, close: () => server.stop(true) }
}

async function listenNode(bind: string, port: number, accept: Accept): Promise<Listener> {
  const net = await import('node:net')
  const sockets = new Set<import('node:net').Socket>()
  const server = net.createServer({ noDelay: true }, socket => {
    sockets.add(socket)
    const conn: Conn = {
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      localAddress: socket.localAddress ?? '',
      localPort: socket.localPort ?? 0,
      get backlog() { return socket.writableLength },
      write: bytes => { if (bytes.length > 0 && !socket.destroyed) socket.write(Buffer.from(bytes)) },
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      end: () => { socket.end(); socket.setTimeout(10_000, () => socket.destroy()) },
      destroy: () => socket.destroy(),
    }
    const handler = accept(conn)
    socket.on('data', (chunk: Buffer) => handler.data(chunk))
    socket.on('drain', () => handler.drain())
    socket.on('error', () => { /* close follows */ })
    socket.on('close', () => {
      sockets.delete(socket)
      handler.close()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', err => reject(listenError(bind, port, err)))
    server.listen(port, bind, () => resolve())
  })
  const address = server.address()
  return {
    port: typeof address === 'object' && address != null ? address.port : port,
    close: () => {
      server.close()
      for (const s of sockets) s.destroy()
    },
  }
}
