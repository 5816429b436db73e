import { formatContentPath } from './content-path.ts'
import { renderListing } from './dir-listing.ts'
import { serveFile } from './file.ts'
import { contentHeaders, etagMatches, notModified } from './headers.ts'
import { findEntry, mapExporterError, statContent } from './resolve.ts'
import type { BlockReader } from './block.ts'
import type { ContentPath } from './content-path.ts'
import type { ListingEntry } from './dir-listing.ts'
import type { Resolved } from './resolve.ts'
import type { Watchdog } from './watchdog.ts'
import type { UnixFS } from '@helia/unixfs'

/** What serving a UnixFS directory needs. */
export interface DirectoryRequest {
  blockstore: BlockReader
  unixfs: UnixFS
  request: Request
  query: URLSearchParams
  path: ContentPath
  resolved: Resolved
  watch: Watchdog
}

// The page template may change between releases, so listings are cached for a week, not forever.
const LISTING_CACHE = 'public, max-age=604800'

/** Redirects to the slash form (so relative links work), then serves index.html or a listing. */
export async function serveDirectory(req: DirectoryRequest): Promise<Response> {
  const { path, resolved, watch } = req
  if (!path.trailingSlash) {
    const search = new URL(req.request.url).search
    return new Response(null, { status: 301, headers: { Location: `${path.path}/${search}` } })
  }
  const title = ['/ipfs', path.cidText, ...path.segments].join('/')

  const index = await findEntry(req.blockstore, resolved.cid, 'index.html', watch.signal)
  if (index != null) {
    const stats = await statContent(req.unixfs, index, `${title}/index.html`, watch.signal)
    if (stats.type !== 'directory') {
      return await serveFile({
        unixfs: req.unixfs,
        request: req.request,
        query: req.query,
        cid: index,
        size: Number(stats.size),
        name: 'index.html',
        headers: contentHeaders({ etag: `"${index}"`, path: path.path, roots: resolved.roots }),
        path: `${title}/index.html`,
        watch
      })
    }
  }

  const headers = contentHeaders({ etag: `"DirIndex-${resolved.cid}"`, path: path.path, roots: resolved.roots, cacheControl: LISTING_CACHE })
  if (etagMatches(req.request.headers.get('If-None-Match') ?? undefined, headers.get('ETag') ?? '')) {
    return notModified(headers)
  }
  const entries: ListingEntry[] = []
  try {
    for await (const entry of req.unixfs.ls(resolved.cid, { signal: watch.signal })) {
      entries.push({ name: entry.name, cid: entry.cid, size: entry.size })
    }
  } catch (err) {
    throw mapExporterError(err, resolved.cid, title, watch.signal)
  }
  const html = renderListing({
    cid: resolved.cid,
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
