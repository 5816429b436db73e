import { Hono } from 'hono'
import { serveCar } from './car.ts'
import { parseContentPath } from './content-path.ts'
import { serveDirectory } from './directory.ts'
import { ContentTimeoutError, errorResponse } from './errors.ts'
import { serveFile } from './file.ts'
import { negotiateFormat } from './format.ts'
import { contentHeaders } from './headers.ts'
import { serveRaw } from './raw.ts'
import { resolvePath, statContent } from './resolve.ts'
import { createWatchdog } from './watchdog.ts'
import type { ContentPath } from './content-path.ts'
import type { Resolved } from './resolve.ts'
import type { Watchdog } from './watchdog.ts'
import type { UnixFS } from '@helia/unixfs'
import type { Blockstore } from 'interface-blockstore'

/** What the IPFS path gateway reads from. */
export interface IpfsGatewayDeps {
  /** Fetches missing blocks from the network (Helia's does) and honours `options.signal`. */
  blockstore: Blockstore
  /** UnixFS over the same blocks, e.g. `unixfs(helia)`. */
  unixfs: UnixFS
  /** How long to wait for content before answering 504 (default 30 s); while streaming, per chunk. */
  timeoutMs?: number
}

const DEFAULT_TIMEOUT_MS = 30_000

/**
 * The public, read-only `/ipfs/<cid>[/path]` gateway (GET and HEAD), following the IPFS path
 * and trustless gateway specs. Mount it with `app.route('/', createIpfsGateway(deps))`.
 */
export function createIpfsGateway(deps: IpfsGatewayDeps): Hono {
  const app = new Hono()
  // Hono answers HEAD through GET routes; handlers check the raw method to skip bodies.
  const handler = async (c: { req: { raw: Request } }): Promise<Response> => await serveIpfs(deps, c.req.raw)
  app.get('/ipfs/', handler)
  app.get('/ipfs/:cid', handler)
  app.get('/ipfs/:cid/*', handler)
  return app
}

async function serveIpfs(deps: IpfsGatewayDeps, request: Request): Promise<Response> {
  const url = new URL(request.url)
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const pathname = url.pathname.slice(url.pathname.indexOf('/ipfs/'))
  let watch: Watchdog | undefined
  let shown = pathname
  try {
    const path = parseContentPath(pathname)
    shown = ['/ipfs', path.cidText, ...path.segments].join('/')
    const format = negotiateFormat(url.searchParams, request.headers.get('Accept') ?? undefined)
    watch = createWatchdog(timeoutMs, request.signal)
    const resolved = await resolvePath(deps.blockstore, path, watch.signal)
    const common = { blockstore: deps.blockstore, request, resolved, watch }
    let response: Response
    if (format.kind === 'raw') response = await serveRaw({ ...common, path: path.path })
    else if (format.kind === 'car') response = await serveCar({ ...common, path: path.path, scope: format.scope })
    else response = await serveUnixFS(deps, request, url.searchParams, path, resolved, watch, shown)
    // Streams re-arm per chunk; nothing else may leave a countdown behind.
    watch.disarm()
    return response
  } catch (err) {
    const timedOut = watch?.timedOut === true
    watch?.abort()
    if (timedOut) return errorResponse(new ContentTimeoutError(shown, timeoutMs))
    return errorResponse(err)
  }
}

// A UnixFS file is served as bytes, a directory as index.html or a listing.
async function serveUnixFS(
  deps: IpfsGatewayDeps,
  request: Request,
  query: URLSearchParams,
  path: ContentPath,
  resolved: Resolved,
  watch: Watchdog,
  shown: string
): Promise<Response> {
  const stats = await statContent(deps.unixfs, resolved.cid, shown, watch.signal)
  if (stats.type === 'directory') {
    return await serveDirectory({ blockstore: deps.blockstore, unixfs: deps.unixfs, request, query, path, resolved, watch })
  }
  return await serveFile({
    unixfs: deps.unixfs,
    request,
    query,
    cid: resolved.cid,
    size: Number(stats.size),
    name: path.segments.at(-1),
    headers: contentHeaders({ etag: `"${resolved.cid}"`, path: path.path, roots: resolved.roots }),
    path: shown,
    watch
  })
}
