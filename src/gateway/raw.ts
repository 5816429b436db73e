import { readBlock } from './block.ts'
import { RAW_TYPE } from './format.ts'
import { contentDisposition, contentHeaders, etagMatches, notModified } from './headers.ts'
import type { BlockReader } from './block.ts'
import type { Resolved } from './resolve.ts'
import type { Watchdog } from './watchdog.ts'

/** What a trustless raw-block response needs. */
export interface RawRequest {
  blockstore: BlockReader
  request: Request
  /** Canonical request path (X-Ipfs-Path). */
  path: string
  resolved: Resolved
  watch: Watchdog
}

/** The resolved CID's single block, verbatim, so the client can hash it against the CID. */
export async function serveRaw(req: RawRequest): Promise<Response> {
  const { cid, roots } = req.resolved
  const headers = contentHeaders({ etag: `"${cid}.raw"`, path: req.path, roots })
  if (etagMatches(req.request.headers.get('If-None-Match') ?? undefined, headers.get('ETag') ?? '')) {
    return notModified(headers)
  }
  // Read even for HEAD: Content-Length needs it, and a block is small (at most a few MiB).
  const bytes = await readBlock(req.blockstore, cid, req.watch.signal)
  headers.set('Content-Type', RAW_TYPE)
  headers.set('Content-Length', String(bytes.byteLength))
  headers.set('Content-Disposition', contentDisposition('attachment', `${cid}.bin`))
  headers.set('X-Content-Type-Options', 'nosniff')
  return new Response(req.request.method === 'HEAD' ? null : bytes as Uint8Array<ArrayBuffer>, { headers })
}
