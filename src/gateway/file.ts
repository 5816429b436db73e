import { concat } from './block.ts'
import { openBody } from './body.ts'
import { SNIFF_BYTES, sniffType, typeFromName } from './content-type.ts'
import { contentDisposition, etagMatches, notModified } from './headers.ts'
import { parseRange } from './range.ts'
import { mapExporterError } from './resolve.ts'
import type { Watchdog } from './watchdog.ts'
import type { UnixFS } from '@helia/unixfs'
import type { CID } from 'multiformats/cid'

/** What serving one UnixFS file (or raw leaf) needs. */
export interface FileRequest {
  unixfs: UnixFS
  request: Request
  query: URLSearchParams
  /** The file's own CID. */
  cid: CID
  size: number
  /** The file's name when the path gives one; its extension decides the type. */
  name?: string
  /** ETag, caching and X-Ipfs-* headers, already set by the caller. */
  headers: Headers
  /** Decoded request path, for error messages. */
  path: string
  watch: Watchdog
}

/** Serves a file: 304, 206/416 for a single range, HEAD without reading the body, or a streamed 200. */
export async function serveFile(req: FileRequest): Promise<Response> {
  const { request, headers, size, watch } = req
  if (etagMatches(request.headers.get('If-None-Match') ?? undefined, headers.get('ETag') ?? '')) {
    return notModified(headers)
  }

  const filename = req.query.get('filename') ?? undefined
  const type = typeFromName(filename ?? req.name ?? '') ?? sniffType(size === 0 ? new Uint8Array() : await readPrefix(req))
  headers.set('Content-Type', type)
  headers.set('Accept-Ranges', 'bytes')
  if (filename != null || req.query.get('download') === 'true') {
    const disposition = req.query.get('download') === 'true' ? 'attachment' : 'inline'
    headers.set('Content-Disposition', contentDisposition(disposition, filename ?? req.cid.toString()))
  }

  const range = rangeFor(request, headers, size)
  if (range === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${size}`)
    headers.set('Content-Type', 'text/plain; charset=utf-8')
    return new Response(request.method === 'HEAD' ? null : `Range not satisfiable: the file has ${size} bytes\n`, { status: 416, headers })
  }
  const offset = range?.start ?? 0
  const length = range == null ? size : range.end - range.start + 1
  if (range != null) headers.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
  headers.set('Content-Length', String(length))
  const status = range == null ? 200 : 206

  if (request.method === 'HEAD' || length === 0) return new Response(null, { status, headers })
  const body = await openBody(
    req.unixfs.cat(req.cid, { offset, length, signal: watch.signal }),
    watch,
    req.path,
    err => mapExporterError(err, req.cid, req.path, watch.signal),
  ).catch(err => { throw mapExporterError(err, req.cid, req.path, watch.signal) })
  return new Response(body, { status, headers })
}

// `If-Range` with a validator other than ours means the client's partial copy is stale: send it all.
function rangeFor(request: Request, headers: Headers, size: number): ReturnType<typeof parseRange> {
  const ifRange = request.headers.get('If-Range')
  if (ifRange != null && ifRange !== headers.get('ETag')) return undefined
  return parseRange(request.headers.get('Range') ?? undefined, size)
}

// Sniffing looks at the same leading bytes for GET, HEAD and ranges, so all three agree on the type.
async function readPrefix(req: FileRequest): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let read = 0
  try {
    for await (const chunk of req.unixfs.cat(req.cid, { length: SNIFF_BYTES, signal: req.watch.signal })) {
      chunks.push(chunk)
      read += chunk.byteLength
      if (read >= SNIFF_BYTES) break
    }
  } catch (err) {
    throw mapExporterError(err, req.cid, req.path, req.watch.signal)
  }
  return concat(chunks)
}
