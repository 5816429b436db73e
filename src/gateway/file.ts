import { concatBytes } from '../utils/bytes.ts'
import { openBody } from './body.ts'
import { SNIFF_BYTES, sniffType, typeFromName } from './content-type.ts'
import { contentDisposition, etagMatches, notModified } from './headers.ts'
import { parseRange } from './range.ts'
import { mapExporterError } from './resolve.ts'
import { exportEntry } from './target.ts'
import type { RequestScope } from './scope.ts'
import type { FileTarget } from './target.ts'

/** What serving one UnixFS file (or raw leaf) needs. */
export interface FileRequest {
  request: Request
  query: URLSearchParams
  file: FileTarget
  /** The file's name when the path gives one; its extension decides the type. */
  name?: string
  /** ETag, caching and X-Ipfs-* headers, already set by the caller. */
  headers: Headers
  /** Decoded request path, for error messages. */
  path: string
  scope: RequestScope
}

/**
 * Serves a file: 304, 206/416 for a single range, HEAD without reading the body, the bytes
 * themselves when the file was read whole, else a streamed 200. Answers synchronously when
 * nothing has to be read, which is most of the gateway's traffic: a promise per layer costs.
 */
export function serveFile(req: FileRequest): Response | Promise<Response> {
  const { request, headers, file } = req
  const size = file.size
  if (etagMatches(request.headers.get('If-None-Match') ?? undefined, headers.get('ETag') ?? '')) {
    return notModified(headers)
  }

  const filename = req.query.get('filename') ?? undefined
  const download = req.query.get('download') === 'true'
  headers.set('Accept-Ranges', 'bytes')
  if (filename != null || download) {
    headers.set('Content-Disposition', contentDisposition(download ? 'attachment' : 'inline', filename ?? file.cid.toString()))
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
  const part: Part = { status: range == null ? 200 : 206, offset, length, withBody: request.method !== 'HEAD' && length > 0 }

  const type = typeFromName(filename ?? req.name ?? '') ?? knownType(file)
  if (type != null) {
    headers.set('Content-Type', type)
    return respond(req, part)
  }
  return sniffAndRespond(req, part)
}

// The status and the slice of the file a response carries.
interface Part {
  status: number
  offset: number
  length: number
  withBody: boolean
}

function respond(req: FileRequest, { status, offset, length, withBody }: Part): Response | Promise<Response> {
  const { headers, file } = req
  if (!withBody) return new Response(null, { status, headers })
  if (file.bytes != null) {
    const body = length === file.bytes.byteLength ? file.bytes : file.bytes.subarray(offset, offset + length)
    return new Response(body, { status, headers })
  }
  return stream(req, readRange(req, offset, length)).then(body => new Response(body, { status, headers }))
}

// Sniffing looks at the same leading bytes for GET, HEAD and ranges, so all three agree on the type.
async function sniffAndRespond(req: FileRequest, part: Part): Promise<Response> {
  const { file, headers } = req
  // A whole GET of a streamed file sniffs its first chunks and sends them on: one read, not two.
  if (part.withBody && part.length === file.size) {
    const { head, body } = await peek(readRange(req, 0, file.size), SNIFF_BYTES)
    file.sniffed = sniffType(head)
    headers.set('Content-Type', file.sniffed)
    return new Response(await stream(req, body), { status: part.status, headers })
  }
  file.sniffed = sniffType(file.size === 0 ? new Uint8Array() : await readPrefix(req))
  headers.set('Content-Type', file.sniffed)
  return await respond(req, part)
}

// The sniffed type when it is known or the bytes are at hand.
function knownType(file: FileTarget): string | undefined {
  if (file.sniffed == null && file.bytes != null) file.sniffed = sniffType(file.bytes.subarray(0, SNIFF_BYTES))
  return file.sniffed
}

// `If-Range` with a validator other than ours means the client's partial copy is stale: send it all.
function rangeFor(request: Request, headers: Headers, size: number): ReturnType<typeof parseRange> {
  const ifRange = request.headers.get('If-Range')
  if (ifRange != null && ifRange !== headers.get('ETag')) return undefined
  return parseRange(request.headers.get('Range') ?? undefined, size)
}

async function readPrefix(req: FileRequest): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let read = 0
  for await (const chunk of readRange(req, 0, Math.min(SNIFF_BYTES, req.file.size))) {
    chunks.push(chunk)
    read += chunk.byteLength
    if (read >= SNIFF_BYTES) break
  }
  return concatBytes(chunks)
}

// The file's bytes through the network-capable reader, under the request's watchdog.
async function * readRange(req: FileRequest, offset: number, length: number): AsyncGenerator<Uint8Array> {
  const signal = req.scope.watch().signal
  const entry = await exportEntry(req.scope.reader, req.file.cid, req.path, signal)
  if (entry.type === 'directory') return
  try {
    yield * entry.content({ offset, length, signal })
  } catch (err) {
    throw mapExporterError(err, req.file.cid, req.path, signal)
  }
}

async function stream(req: FileRequest, source: AsyncIterable<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const watch = req.scope.watch()
  const mapError = (err: unknown): unknown => mapExporterError(err, req.file.cid, req.path, watch.signal)
  return await openBody(source, watch, req.path, mapError).catch(err => { throw mapError(err) })
}

/** Reads chunks until `bytes` are in hand (or the source ends); `body` replays them, then the rest. */
async function peek(source: AsyncIterable<Uint8Array>, bytes: number): Promise<{ head: Uint8Array, body: AsyncIterable<Uint8Array> }> {
  const chunks: Uint8Array[] = []
  const it = source[Symbol.asyncIterator]()
  let read = 0
  let done = false
  while (read < bytes) {
    const next = await it.next()
    if (next.done === true) {
      done = true
      break
    }
    chunks.push(next.value)
    read += next.value.byteLength
  }
  const body = (async function * () {
    yield * chunks
    if (!done) yield * { [Symbol.asyncIterator]: () => it }
  })()
  return { head: concatBytes(chunks), body }
}
