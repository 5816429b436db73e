/**
 * Multipart reader for a body of any size: busboy hands the parts over one
 * at a time as they arrive, each file as a stream, so a 50 GiB upload never
 * sits in memory. Same entries and errors as buffered.ts (test/multipart.test.ts).
 */
import { Readable } from 'node:stream'
import busboy from '@fastify/busboy'
import type { ImportCandidate } from 'ipfs-unixfs-importer'
import { InvalidInputError } from '../../utils/errors.ts'
import type { MultipartLimits } from './index.ts'
import { safeUploadPath } from './upload-path.ts'

/** The entries of `body`; a missing boundary is refused at once, other errors as they are read. */
export function streamedEntries(body: ReadableStream<Uint8Array>, contentType: string, limits: MultipartLimits): AsyncIterable<ImportCandidate> {
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
  // busboy has already cut the filename to its last path segment (its preservePath is off).
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
    // A body cut off inside this part makes busboy emit 'error' on the part's stream,
    // maybe before the importer reads it: without a listener that is an uncaught
    // exception. Record it, and destroy the stream so a reader of it fails too.
    let failed = false
    stream.on('error', (err: Error) => {
      if (failed) return
      failed = true
      const clear = new InvalidInputError(`malformed multipart body: ${err.message}`)
      push({ error: clear })
      stream.destroy(clear)
    })
    stream.on('limit', () => push({ error: new InvalidInputError(`file "${path}" is larger than the limit of ${limits.maxFileBytes} bytes`) }))
    push({ entry: { path: path === '' ? undefined : path, content: stream as AsyncIterable<Uint8Array> } })
  })
  parser.on('partsLimit', () => push({ error: new InvalidInputError(`more than ${limits.maxParts} parts in one upload`) }))
  parser.on('error', (err: any) => push({ error: new InvalidInputError(`malformed multipart body: ${err?.message ?? err}`) }))
  parser.on('finish', () => {
    if (parts === 0) push({ error: new InvalidInputError('the upload has no files') })
    push({ done: true })
  })
  Readable.fromWeb(body as any).on('error', err => push({ error: err })).pipe(parser)

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
