/**
 * /mm/<mid>[/path][?ver=N]: a MiMei's content over HTTP. The MiMei is
 * resolved to the CID of a version and the request is served by the /ipfs
 * handler, with redirects mapped back under /mm/. Without ?ver the answer
 * follows new versions, so it is revalidated rather than cached forever.
 */
import { Hono } from 'hono'
import { LeitherError, httpStatusOf, messageOf } from '../utils/errors.ts'
import type { IpfsHandler } from './ipfs.ts'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { CID } from 'multiformats/cid'

export interface MiMeiGatewayDeps {
  /** The CID of a MiMei version ('last' when no ver= is given); may sync from the network. */
  resolve: (mid: string, version: string, signal: AbortSignal) => CID | Promise<CID>
  /** The /ipfs handler that serves the bytes. */
  ipfs: IpfsHandler
}

const MID = /^[A-Za-z0-9_-]{27}$/

export function createMiMeiGateway(deps: MiMeiGatewayDeps): Hono {
  const app = new Hono()
  const serve = (c: Context): Response | Promise<Response> => {
    const mid = c.req.param('mid') as string
    if (!MID.test(mid)) return c.text(`invalid MiMei ID: "${mid}"\n`, 400)
    const request = c.req.raw
    const url = new URL(request.url)
    const version = (url.search === '' ? undefined : url.searchParams.get('ver')) ?? 'last'
    const unresolved = (err: unknown): Response => {
      const status = err instanceof LeitherError ? httpStatusOf(err) : 502
      return c.text(`${messageOf(err)}\n`, status as ContentfulStatusCode)
    }
    let cid: CID | Promise<CID>
    try {
      cid = deps.resolve(mid, version, request.signal)
    } catch (err) {
      return unresolved(err)
    }
    // A resolver may answer synchronously (from memory); only a promise is awaited.
    if (cid instanceof Promise) return cid.then(found => serveVersion(deps.ipfs, request, url, mid, version, found), unresolved)
    return serveVersion(deps.ipfs, request, url, mid, version, cid)
  }
  app.get('/mm/:mid', serve)
  app.get('/mm/:mid/*', serve)
  return app
}

// The /ipfs answer for the version's CID, with its redirects mapped back under /mm/<mid>.
function serveVersion(ipfs: IpfsHandler, request: Request, url: URL, mid: string, version: string, cid: CID): Response | Promise<Response> {
  const prefix = `/mm/${mid}`
  if (url.search !== '') url.searchParams.delete('ver')
  const res = ipfs.serve(request, url, `/ipfs/${cid}${url.pathname.slice(url.pathname.indexOf(prefix) + prefix.length)}`)
  const decorate = (response: Response): Response => {
    const headers = response.headers
    const location = headers.get('location')
    if (location != null) {
      const mapped = location.replace(`/ipfs/${cid}`, prefix)
      headers.set('location', version === 'last' ? mapped : `${mapped}${mapped.includes('?') ? '&' : '?'}ver=${encodeURIComponent(version)}`)
    }
    if (version === 'last' || version === 'cur' || version === 'release') headers.set('cache-control', 'no-cache')
    headers.set('x-leither-mimei', mid)
    headers.set('x-leither-cid', cid.toString())
    return response
  }
  return res instanceof Promise ? res.then(decorate) : decorate(res)
}
