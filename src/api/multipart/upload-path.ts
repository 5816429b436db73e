/** The path of an uploaded part, from its filename: what both multipart readers apply. */
import { InvalidInputError } from '../../utils/errors.ts'

/**
 * The last segment of a raw filename, as busboy reports it: clients put the
 * path in URL-encoded form (kubo's "dir%2Ffile"), so a literal / or \ is a
 * client's own directory and is dropped, as browsers do.
 */
export function filenameBasename(raw: string): string {
  const cut = Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\'))
  const name = cut < 0 ? raw : raw.slice(cut + 1)
  return name === '.' || name === '..' ? '' : name
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
