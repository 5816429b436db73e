import { bases } from 'multiformats/basics'
import { CID } from 'multiformats/cid'
import { InvalidCidError, InvalidPathError } from './errors.ts'
import type { MultibaseDecoder } from 'multiformats/bases/interface'

/** A parsed `/ipfs/<cid>/<path…>` request path. */
export interface ContentPath {
  cid: CID
  /** The CID as the client wrote it, so headers and links echo it unchanged (no v0/v1 rewriting). */
  cidText: string
  /** Percent-decoded names below the CID, with `.` dropped and `..` applied but clamped at the CID. */
  segments: string[]
  trailingSlash: boolean
  /** The canonical, percent-encoded `/ipfs/…` path: the X-Ipfs-Path value and the base of redirects. */
  path: string
  /** The decoded path without a trailing slash, for messages and logs. */
  display: string
}

const decoders = new Map<string, MultibaseDecoder<string>>(
  Object.values(bases).map(base => [base.prefix, base.decoder])
)

/** Parses the part of a URL path that starts at `/ipfs/`; throws a 400-class error for bad input. */
export function parseContentPath(pathname: string): ContentPath {
  if (!pathname.startsWith('/ipfs/')) {
    throw new InvalidPathError(pathname, 'a content path starts with /ipfs/')
  }
  const [rawCid = '', ...rest] = pathname.slice('/ipfs/'.length).split('/')
  const cidText = decodeSegment(rawCid, pathname)
  const cid = parseCid(cidText)
  const segments: string[] = []
  for (const raw of rest) {
    const name = decodeSegment(raw, pathname)
    if (name === '' || name === '.') continue
    if (name === '..') {
      segments.pop()
      continue
    }
    // UnixFS names cannot hold a slash; letting one through would silently re-split the path.
    if (name.includes('/')) throw new InvalidPathError(pathname, `segment "${name}" contains an encoded "/"`)
    if (name.includes('\0')) throw new InvalidPathError(pathname, `segment "${name}" contains a NUL byte`)
    segments.push(name)
  }
  const trailingSlash = rest.length > 0 && rest[rest.length - 1] === ''
  const display = ['/ipfs', cidText, ...segments].join('/')
  return { cid, cidText, segments, trailingSlash, path: formatContentPath(cidText, segments, trailingSlash), display }
}

/** Parses a CID in any multibase (kubo accepts them all), or a base58btc CIDv0. */
export function parseCid(text: string): CID {
  if (text === '') throw new InvalidCidError(text, 'empty')
  try {
    const decoder = text.startsWith('Qm') ? undefined : decoders.get(text[0] ?? '')
    return CID.parse(text, decoder)
  } catch (err) {
    throw new InvalidCidError(text, (err as Error).message)
  }
}

/** `/ipfs/<cid>/<segments…>[/]` with every name percent-encoded. */
export function formatContentPath(cidText: string, segments: string[], trailingSlash: boolean): string {
  const tail = segments.map(s => encodeURIComponent(s)).join('/')
  const path = `/ipfs/${encodeURIComponent(cidText)}${tail === '' ? '' : `/${tail}`}`
  return trailingSlash ? `${path}/` : path
}

function decodeSegment(raw: string, pathname: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new InvalidPathError(pathname, `segment "${raw}" has malformed percent-encoding`)
  }
}
