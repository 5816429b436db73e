/**
 * Paths in the mutable file tree, as kubo's `files` commands take them:
 * absolute (`/a/b`), `.` and repeated slashes ignored, never `..`. A trailing
 * slash is kept because `cp` and `mv` read it as "into this directory".
 */
import { InvalidInputError } from '../utils/errors.ts'

export interface MfsPath {
  /** Names from the root down; empty for `/`. */
  segments: string[]
  /** The path ended in `/` (and is not the root). */
  trailingSlash: boolean
}

export function parseMfsPath(text: string): MfsPath {
  if (text === '') throw new InvalidInputError('paths must not be empty')
  if (!text.startsWith('/')) throw new InvalidInputError(`paths must start with a leading slash: "${text}"`)
  if (text.includes('\0')) throw new InvalidInputError(`path contains a NUL byte: "${text}"`)
  const segments = text.split('/').filter(s => s !== '' && s !== '.')
  if (segments.includes('..')) throw new InvalidInputError(`paths may not contain "..": "${text}"`)
  return { segments, trailingSlash: segments.length > 0 && text.endsWith('/') }
}

/** `/a/b` for ['a', 'b'], `/` for none: how messages quote a path. */
export function formatMfsPath(segments: readonly string[]): string {
  return '/' + segments.join('/')
}

/** True when `inner` is `outer` or lies below it. */
export function isWithin(inner: readonly string[], outer: readonly string[]): boolean {
  return inner.length >= outer.length && outer.every((name, i) => inner[i] === name)
}
