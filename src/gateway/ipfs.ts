import { Hono } from 'hono'
import { serveCar } from './car.ts'
import { serveDirectory } from './directory.ts'
import { ContentTimeoutError, errorResponse } from './errors.ts'
import { serveFile } from './file.ts'
import { negotiateFormat } from './format.ts'
import { contentHeaders } from './headers.ts'
import { localFirstReader } from './local-blocks.ts'
import { LocalTargets } from './local-targets.ts'
import { PathMemo } from './path-memo.ts'
import { serveRaw } from './raw.ts'
import { resolvePath } from './resolve.ts'
import { RequestScope } from './scope.ts'
import { resolveTarget } from './target.ts'
import type { ContentPath } from './content-path.ts'
import type { ResponseFormat } from './format.ts'
import type { LocalBlocks } from './local-blocks.ts'
import type { Target } from './target.ts'
import type { Blockstore } from 'interface-blockstore'

/** What the IPFS path gateway reads from. */
export interface IpfsGatewayDeps {
  /** Fetches missing blocks from the network (Helia's does) and honours `options.signal`. */
  blockstore: Pick<Blockstore, 'get'>
  /**
   * The blocks this node holds, read directly (`node.blocks`). Content found entirely here is
   * answered without locks, timers or the network, and cached; without it every request goes
   * through `blockstore`.
   */
  local?: LocalBlocks
  /** How long to wait for content before answering 504 (default 30 s); while streaming, per chunk. */
  timeoutMs?: number
  /** Memory for resolved small content (default 32 MiB; 0 turns the cache off). One entry holds at most 1/16 of it. */
  cacheBytes?: number
}

/** Serves `/ipfs/…` requests; the /mm gateway calls it directly with a path it resolved itself. */
export interface IpfsHandler {
  /** Answers `request` for the content path `pathname` (`/ipfs/<cid>[/…]`); `url` gives the query. */
  serve(request: Request, url: URL, pathname: string): Response | Promise<Response>
  /** Answers a request whose URL path contains `/ipfs/<cid>…`. */
  serveUrl(request: Request): Response | Promise<Response>
}

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024
const NO_QUERY = new URLSearchParams()

/** The /ipfs routes, and the handler behind them for the /mm gateway. */
export type IpfsGateway = Hono & { readonly handler: IpfsHandler }

/**
 * The public, read-only `/ipfs/<cid>[/path]` gateway (GET and HEAD), following the IPFS path
 * and trustless gateway specs. Mount it with `app.route('/', createIpfsGateway(deps))`.
 */
export function createIpfsGateway(deps: IpfsGatewayDeps): IpfsGateway {
  const handler = createIpfsHandler(deps)
  const app = new Hono()
  // Hono answers HEAD through GET routes; handlers check the raw method to skip bodies.
  const route = (c: { req: { raw: Request } }): Response | Promise<Response> => handler.serveUrl(c.req.raw)
  app.get('/ipfs/', route)
  app.get('/ipfs/:cid', route)
  app.get('/ipfs/:cid/*', route)
  return Object.assign(app, { handler })
}

/** The request handling behind the /ipfs routes. */
export function createIpfsHandler(deps: IpfsGatewayDeps): IpfsHandler {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const reader = localFirstReader(deps.local, deps.blockstore)
  const targets = new LocalTargets(deps.local, deps.cacheBytes ?? DEFAULT_CACHE_BYTES)
  const paths = new PathMemo()

  const serveUncached = async (request: Request, search: string, query: URLSearchParams, path: ContentPath, scope: RequestScope): Promise<Response> => {
    const target = await targets.read(path) ??
      await resolveTarget(reader, path, scope.watch().signal, { index: path.trailingSlash, readUpTo: 0 })
    return await serveTarget(request, search, query, path, target, scope)
  }

  const serveTrustless = async (request: Request, path: ContentPath, format: ResponseFormat, scope: RequestScope): Promise<Response> => {
    const watch = scope.watch()
    const resolved = await resolvePath(reader, path, watch.signal)
    const common = { blockstore: reader, request, resolved, watch, path: path.path }
    return format.kind === 'car' ? await serveCar({ ...common, scope: format.scope }) : await serveRaw(common)
  }

  const servePath = (request: Request, url: URL, path: ContentPath): Response | Promise<Response> => {
    // URL makes its URLSearchParams on first use; most requests have no query to parse.
    const query = url.search === '' ? NO_QUERY : url.searchParams
    const scope = new RequestScope(reader, request, timeoutMs)
    const failed = (err: unknown): Response => {
      const watch = scope.current
      const timedOut = watch?.timedOut === true
      watch?.abort()
      return errorResponse(timedOut ? new ContentTimeoutError(path.display, timeoutMs) : err)
    }
    // Streams re-arm per chunk; nothing else may leave a countdown behind.
    const done = (response: Response): Response => {
      scope.current?.disarm()
      return response
    }
    try {
      const format = negotiateFormat(query, request.headers.get('Accept') ?? undefined)
      let answer: Response | Promise<Response>
      if (format.kind === 'unixfs') {
        const cached = targets.cached(path)
        answer = cached != null ? serveTarget(request, url.search, query, path, cached, scope) : serveUncached(request, url.search, query, path, scope)
      } else {
        answer = serveTrustless(request, path, format, scope)
      }
      return answer instanceof Promise ? answer.then(done, failed) : done(answer)
    } catch (err) {
      return failed(err)
    }
  }

  const serve = (request: Request, url: URL, pathname: string): Response | Promise<Response> => {
    let path: ContentPath
    try {
      path = paths.parse(pathname)
    } catch (err) {
      return errorResponse(err)
    }
    return servePath(request, url, path)
  }

  return {
    serve,
    serveUrl(request) {
      const url = new URL(request.url)
      return serve(request, url, url.pathname.slice(url.pathname.indexOf('/ipfs/')))
    }
  }
}

// A UnixFS file is served as bytes, a directory as index.html or a listing.
function serveTarget(request: Request, search: string, query: URLSearchParams, path: ContentPath, target: Target, scope: RequestScope): Response | Promise<Response> {
  if (target.kind === 'directory') return serveDirectory({ request, search, query, path, target, scope })
  return serveFile({
    request,
    query,
    file: target.file,
    name: path.segments.at(-1),
    headers: contentHeaders({ etag: `"${target.cid}"`, path: path.path, roots: target.roots }),
    path: path.display,
    scope
  })
}
