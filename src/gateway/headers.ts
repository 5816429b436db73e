import type { CID } from 'multiformats/cid'

/** /ipfs content never changes under its URL. */
export const IMMUTABLE = 'public, max-age=29030400, immutable'

/** Headers every successful /ipfs response carries. */
export interface ContentHeaders {
  etag: string
  /** The canonical request path (X-Ipfs-Path). */
  path: string
  /** CIDs of the root and each path segment (X-Ipfs-Roots). */
  roots: CID[]
  cacheControl?: string
}

/** The shared headers; `Vary: Accept` because the same URL also answers raw blocks and CARs. */
export function contentHeaders({ etag, path, roots, cacheControl = IMMUTABLE }: ContentHeaders): Headers {
  return new Headers({
    ETag: etag,
    'Cache-Control': cacheControl,
    'X-Ipfs-Path': path,
    'X-Ipfs-Roots': roots.map(cid => cid.toString()).join(','),
    Vary: 'Accept'
  })
}

/** True when `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for this header) or is `*`. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch == null) return false
  const ours = opaque(etag)
  return ifNoneMatch.split(',').some(tag => {
    const t = tag.trim()
    return t === '*' || opaque(t) === ours
  })
}

/** A 304 carrying the validators and caching headers of the full response, and no body. */
export function notModified(headers: Headers): Response {
  return new Response(null, { status: 304, headers })
}

/** `Content-Disposition` with an ASCII fallback name and, when needed, the RFC 8187 UTF-8 one. */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  if (ascii === filename) return `${type}; filename="${ascii}"`
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(filename)}`
}

function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag
}
