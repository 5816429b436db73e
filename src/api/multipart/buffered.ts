/**
 * Multipart reader for a body that is small and already whole: split in place
 * by @remix-run/multipart-parser, files handed over as subarrays of the body.
 * Only plain bodies take this path: one the splitter refuses (a preamble, an
 * epilogue, a syntax error, too many parts), a file over the size limit, or a
 * disposition whose quoting the two parsers read differently (backslashes,
 * RFC 5987 `filename*`) goes to the streaming reader instead, so every answer
 * and error is busboy's (test: multipart.test.ts runs both over the same bodies).
 */
import { MultipartParseError, parseMultipart, type MultipartPart } from '@remix-run/multipart-parser'
import type { ImportCandidate } from 'ipfs-unixfs-importer'
import { InvalidInputError } from '../../utils/errors.ts'
import type { MultipartLimits } from './index.ts'
import { streamedEntries } from './streamed.ts'
import { filenameBasename, safeUploadPath } from './upload-path.ts'

/** The file parts of a plain body, in order; undefined when the body is not plain. */
function plainFileParts(body: Uint8Array, boundary: string, limits: MultipartLimits): MultipartPart[] | undefined {
  const files: MultipartPart[] = []
  try {
    const all = parseMultipart(body, { boundary, maxParts: limits.maxParts, maxFileSize: body.length + 1, maxTotalSize: body.length + 1 })
    for (const part of all) {
      const disposition = part.headers['content-disposition']
      // busboy's rules: only form-data parts with a filename are files; the rest are fields.
      if (disposition == null || !/^\s*form-data\s*(;|$)/i.test(disposition)) continue
      if (disposition.includes('\\') || disposition.includes('*=')) return undefined
      if (part.filename === undefined) continue
      if (part.size > limits.maxFileBytes) return undefined
      files.push(part)
    }
  } catch (err) {
    if (err instanceof MultipartParseError) return undefined
    throw err
  }
  return files
}

/** The entries of a body split by `boundary`; `readBody` is called on the first pull. */
export async function * bufferedEntries(readBody: () => Promise<Uint8Array>, boundary: string, contentType: string, limits: MultipartLimits): AsyncGenerator<ImportCandidate> {
  const body = await readBody()
  const files = plainFileParts(body, boundary, limits)
  if (files == null) {
    yield * streamedEntries(new Response(body).body!, contentType, limits)
    return
  }
  if (files.length === 0) throw new InvalidInputError('the upload has no files')
  for (const part of files) {
    const path = safeUploadPath(filenameBasename(part.filename!))
    if ((part.mediaType ?? '').toLowerCase() === 'application/x-directory') yield { path }
    else yield { path: path === '' ? undefined : path, content: part.content }
  }
}
