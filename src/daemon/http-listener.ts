/**
 * Binds the node's Hono app to a TCP port: Bun.serve on Bun, node:http via
 * @hono/node-server on the Node fallback. Gives back the bound port and a
 * way to learn a request's remote address on either runtime.
 */
import type { Context, Hono } from 'hono'
import { UnavailableError } from '../utils/errors.ts'

export interface HttpListener {
  port: number
  remoteAddress(c: Context): string | undefined
  close(): Promise<void>
}

const onBun = typeof (globalThis as any).Bun !== 'undefined'

function portInUse(port: number, err: unknown): UnavailableError {
  return new UnavailableError(`HTTP port ${port} is already in use; choose another with --port N (or ServicePort in SystemVars.json)`, { cause: err })
}

/** Serves `app` on `port`; `onRequest` is told of each request as it arrives (the idle collector). */
export async function listenHttp(app: Hono, port: number, maxBodyBytes: number, onRequest: () => void = () => {}): Promise<HttpListener> {
  if (onBun) {
    const Bun = (globalThis as any).Bun
    let server: any
    const serve = (hostname: string) => Bun.serve({
      port,
      hostname,
      maxRequestBodySize: maxBodyBytes,
      idleTimeout: 0, // long adds and cats must not be cut off
      fetch: (req: Request, srv: any) => { onRequest(); return app.fetch(req, srv) },
    })
    try {
      try {
        server = serve('::') // dual stack: IPv6 and IPv4
      } catch (err: any) {
        if (err?.code === 'EADDRINUSE' || /in use/i.test(err?.message ?? '')) throw err
        server = serve('0.0.0.0')
      }
    } catch (err: any) {
      if (err?.code === 'EADDRINUSE' || /in use/i.test(err?.message ?? '')) throw portInUse(port, err)
      throw new UnavailableError(`cannot listen on HTTP port ${port}: ${err?.message ?? err}`, { cause: err })
    }
    return {
      port: server.port,
      remoteAddress: c => (c.env as any)?.requestIP?.(c.req.raw)?.address,
      close: async () => { server.stop(true) },
    }
  }
  const { serve } = await import('@hono/node-server')
  return await new Promise<HttpListener>((resolve, reject) => {
    const server = serve({ fetch: (req, env) => { onRequest(); return app.fetch(req, env) }, port, hostname: '::' }, info => {
      resolve({
        port: info.port,
        remoteAddress: c => (c.env as any)?.incoming?.socket?.remoteAddress,
        // Open streams (a cat, a browser's event stream) would hold close() forever, as Bun's stop(true) does not.
        close: () => new Promise(done => { server.close(() => done()); (server as any).closeAllConnections?.() }),
      })
    })
    server.on('error', (err: any) => reject(err?.code === 'EADDRINUSE' ? portInUse(port, err) : err))
  })
}
