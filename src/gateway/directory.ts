import { formatContentPath } from './content-path.ts'
import { renderListing } from './dir-listing.ts'
import { serveFile } from './file.ts'
import { contentHeaders, etagMatches, notModified } from './headers.ts'
import { mapExporterError } from './resolve.ts'
import { exportEntry } from './target.ts'
import type { ContentPath } from './content-path.ts'
import type { ListingEntry } from './dir-listing.ts'
import type { RequestScope } from './scope.ts'
import type { Target } from './target.ts'

/** What serving a UnixFS directory needs. */
export interface DirectoryRequest {
  request: Request
  /** The query as served (the /mm gateway drops its own parameters), raw and parsed. */
  search: string
  query: URLSearchParams
  path: ContentPath
  target: Target & { kind: 'directory' }
  scope: RequestScope
}

// The page template may change between releases, so listings are cached for a week, not forever.
const LISTING_CACHE = 'public, max-age=604800'

/** Redirects to the slash form (so relative links work), then serves index.html or a listing. */
export function serveDirectory(req: DirectoryRequest): Response | Promise<Response> {
  const { path, target, scope } = req
  if (!path.trailingSlash) {
    return new Response(null, { status: 301, headers: { Location: `${path.path}/${req.search}` } })
  }
  const title = path.display

  if (target.index != null) {
    return serveFile({
      request: req.request,
      query: req.query,
      file: target.index,
      name: 'index.html',
      headers: contentHeaders({ etag: `"${target.index.cid}"`, path: path.path, roots: target.roots }),
      path: `${title}/index.html`,
      scope
    })
  }

  return serveListing(req, title)
}

async function serveListing(req: DirectoryRequest, title: string): Promise<Response> {
  const { path, target, scope } = req
  const headers = contentHeaders({ etag: `"DirIndex-${target.cid}"`, path: path.path, roots: target.roots, cacheControl: LISTING_CACHE })
  if (etagMatches(req.request.headers.get('If-None-Match') ?? undefined, headers.get('ETag') ?? '')) {
    return notModified(headers)
  }
  const signal = scope.watch().signal
  const entries: ListingEntry[] = []
  const dir = await exportEntry(scope.reader, target.cid, title, signal)
  try {
    if (dir.type === 'directory') {
      for await (const entry of dir.entries({ signal })) entries.push({ name: entry.name, cid: entry.cid, size: entry.size })
    }
  } catch (err) {
    throw mapExporterError(err, target.cid, title, signal)
  }
  const html = renderListing({
    cid: target.cid,
    title,
    base: path.path,
    parent: path.segments.length === 0 ? undefined : formatContentPath(path.cidText, path.segments.slice(0, -1), true),
    entries
  })
  const bytes = new TextEncoder().encode(html)
  headers.set('Content-Type', 'text/html; charset=utf-8')
  headers.set('Content-Length', String(bytes.byteLength))
  // The page is ours, not content: it needs no script and must not run any that a name smuggles in.
  headers.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  return new Response(req.request.method === 'HEAD' ? null : bytes, { headers })
}
