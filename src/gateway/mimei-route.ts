/**
 * /mm/<mid>[/path][?ver=N]: a MiMei's content over HTTP. The MiMei is
 * resolved to the CID of a version and the request is served by the /ipfs
 * gateway, with redirects mapped back under /mm/. Without ?ver the answer
 * follows new versions, so it is revalidated rather than cached forever.
 */
import { Hono } from 'hono'
import type { CID } from 'multiformats/cid'
import { LeitherError, httpStatusOf, messageOf } from '../utils/errors.ts'

export interface MiMeiGatewayDeps {
  /** The CID of a MiMei version ('last' when no ver= is given); may sync from the network. */
  resolve: (mid: string, version: string, signal: AbortSignal) => Promise<CID>
  /** The /ipfs gateway that serves the bytes. */
  ipfs: Hono
}

const MID = /^[A-Za-z0-9_-]{27}$/

export function createMiMeiGateway(deps: MiMeiGatewayDeps): Hono {
  const app = new Hono()
  const serve = async (c: any) => {
    const mid = c.req.param('mid') as string
    if (!MID.test(mid)) return c.text(`invalid MiMei ID: "${mid}"\n`, 400)
    const url = new URL(c.req.url)
    const version = url.searchParams.get('ver') ?? 'last'
    let cid: CID
    try {
      cid = await deps.resolve(mid, version, c.req.raw.signal)
    } catch (err) {
      const status = err instanceof LeitherError ? httpStatusOf(err) : 502
      return c.text(`${messageOf(err)}\n`, status as any)
    }
    const prefix = `/mm/${mid}`
    const rest = url.pathname.slice(prefix.length)
    url.searchParams.delete('ver')
    const inner = new URL(`/ipfs/${cid}${rest}${url.search}`, url)
    const res = await deps.ipfs.fetch(new Request(inner.toString(), { method: c.req.method, headers: c.req.raw.headers, signal: c.req.raw.signal }))
    const headers = new Headers(res.headers)
    const location = headers.get('location')
    if (location != null) {
      const mapped = location.replace(`/ipfs/${cid}`, prefix)
      headers.set('location', version === 'last' ? mapped : `${mapped}${mapped.includes('?') ? '&' : '?'}ver=${encodeURIComponent(version)}`)
    }
    if (version === 'last' || version === 'cur' || version === 'release') headers.set('cache-control', 'no-cache')
    headers.set('x-leither-mimei', mid)
    headers.set('x-leither-cid', cid.toString())
    return new Response(res.body, { status: res.status, headers })
  }
  app.get('/mm/:mid', serve)
  app.get('/mm/:mid/*', serve)
  return app
}
