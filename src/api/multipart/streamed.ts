/**
 * Streams a kubo-style multipart upload into importer entries: each part is a
 * file (its filename is the URL-encoded path) or, with Content-Type
 * application/x-directory, a directory. Parts are handed over one at a time
 * as they arrive, so a 50 GiB upload never sits in memory.
 */
import { Readable } from 'node:stream'
import busboy from '@fastify/busboy'
import type { ImportCandidate } from 'ipfs-unixfs-importer'
import { InvalidInputError } from '../utils/errors.ts'

export interface MultipartLimits {
  /** Largest single file, in bytes. */
  maxFileBytes: number
  /** Most parts in one request. */
  maxParts: number
}

/** Normalises an uploaded path: no absolute paths, no `..` segments. */
export function safeUploadPath(raw: string): string {
  let path: string
  try {
    path = decodeURIComponent(raw)
  } catch {
    throw new InvalidInputError(`upload path is not valid URL encoding: "${raw}"`)
  }
  const segments = path.split('/').filter(s => s !== '' && s !== '.')
  if (segments.some(s => s === '..')) throw new InvalidInputError(`upload path may not contain "..": "${path}"`)
  if (segments.some(s => s.includes('\0'))) throw new InvalidInputError(`upload path contains a NUL byte: "${path}"`)
  return segments.join('/')
}

/** The importer entries of a multipart request body. */
export function multipartEntries(request: Request, limits: MultipartLimits): AsyncIterable<ImportCandidate> {
  const contentType = request.headers.get('content-type') ?? ''
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new InvalidInputError(`expected a multipart/form-data body, got "${contentType || 'none'}"`)
  }
  if (request.body == null) throw new InvalidInputError('the request has no body')

  // A small hand-off queue between busboy's events and the importer's pulls.
  type Item = { entry: ImportCandidate } | { error: Error } | { done: true }
  const items: Item[] = []
  let wake: (() => void) | undefined
  const push = (item: Item) => { items.push(item); wake?.(); wake = undefined }

  let parser: ReturnType<typeof busboy>
  try {
    parser = busboy({ headers: { 'content-type': contentType }, limits: { fileSize: limits.maxFileBytes, parts: limits.maxParts } })
  } catch (err: any) {
    throw new InvalidInputError(`malformed multipart body: ${err?.message ?? err}`)
  }
  let parts = 0
  parser.on('file', (_field, stream, filename, _enc, mimeType) => {
    parts++
    let path: string
    try {
      path = safeUploadPath(filename ?? '')
    } catch (err) {
      stream.resume()
      push({ error: err as Error })
      return
    }
    if (mimeType === 'application/x-directory') {
      stream.resume()
      push({ entry: { path } })
      return
    }
    stream.on('limit', () => push({ error: new InvalidInputError(`file "${path}" is larger than the limit of ${limits.maxFileBytes} bytes`) }))
    push({ entry: { path: path === '' ? undefined : path, content: stream as AsyncIterable<Uint8Array> } })
  })
  parser.on('partsLimit', () => push({ error: new InvalidInputError(`more than ${limits.maxParts} parts in one upload`) }))
  parser.on('error', (err: any) => push({ error: new InvalidInputError(`malformed multipart body: ${err?.message ?? err}`) }))
  parser.on('finish', () => {
    if (parts === 0) push({ error: new InvalidInputError('the upload has no files') })
    push({ done: true })
  })
  Readable.fromWeb(request.body as any).on('error', err => push({ error: err })).pipe(parser)

  return {
    async * [Symbol.asyncIterator] () {
      while (true) {
        while (items.length === 0) await new Promise<void>(resolve => { wake = resolve })
        const item = items.shift()!
        if ('error' in item) throw item.error
        if ('done' in item) return
        yield item.entry
      }
    },
  }
}
