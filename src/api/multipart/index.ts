/**
 * A kubo-style multipart upload as importer entries: each part is a file (its
 * filename is the URL-encoded path) or, with Content-Type
 * application/x-directory, a directory.
 *
 * Two readers, one behaviour (multipart.test.ts runs both over the same
 * bodies): a body that declares a small Content-Length is read whole and split
 * in place (buffered.ts), so the many small uploads of a busy node (a
 * `block put` is one 1 KiB part) do not run a chain of Node streams per
 * request; anything bigger or of unknown length streams part by part
 * (streamed.ts), so a 50 GiB upload never sits in memory.
 */
import { getMultipartBoundary } from '@remix-run/multipart-parser'
import type { ImportCandidate } from 'ipfs-unixfs-importer'
import { InvalidInputError } from '../../utils/errors.ts'
import { bufferedEntries } from './buffered.ts'
import { streamedEntries } from './streamed.ts'

export interface MultipartLimits {
  /** Largest single file, in bytes. */
  maxFileBytes: number
  /** Most parts in one request. */
  maxParts: number
}

/** Bodies up to this many bytes (by Content-Length) are read whole. */
export const BUFFERED_BODY_BYTES = 4 * 1024 * 1024

/** The importer entries of a multipart request body. */
export function multipartEntries(request: Request, limits: MultipartLimits): AsyncIterable<ImportCandidate> {
  const contentType = request.headers.get('content-type') ?? ''
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new InvalidInputError(`expected a multipart/form-data body, got "${contentType || 'none'}"`)
  }
  if (request.body == null) throw new InvalidInputError('the request has no body')
  const declared = request.headers.get('content-length')
  const length = declared == null ? Number.NaN : Number(declared)
  if (Number.isSafeInteger(length) && length <= BUFFERED_BODY_BYTES) {
    const boundary = getMultipartBoundary(contentType)
    if (boundary == null || boundary === '') throw new InvalidInputError('malformed multipart body: Multipart: Boundary not found')
    return bufferedEntries(async () => await request.bytes(), boundary, contentType, limits)
  }
  return streamedEntries(request.body, contentType, limits)
}
