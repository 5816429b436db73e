/**
 * Redis replies for the HTTP API and the CLI: plain JSON for programs, and
 * the text redis-cli would print for people.
 */
import type { Reply } from '../../db/reply.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Bytes as a string when they are UTF-8, else {base64}. */
function text(bytes: Uint8Array): string | { base64: string } {
  try {
    return utf8.decode(bytes)
  } catch {
    return { base64: Buffer.from(bytes).toString('base64') }
  }
}

/** Plain JSON: strings, numbers, null, arrays, objects for maps; {error} for an error reply. */
export function replyToJson(r: Reply): unknown {
  switch (r.t) {
    case 'simple': return r.v
    case 'error': return { error: r.v }
    case 'int': return typeof r.v === 'bigint' && (r.v > BigInt(Number.MAX_SAFE_INTEGER) || r.v < BigInt(Number.MIN_SAFE_INTEGER)) ? r.v.toString() : Number(r.v)
    case 'bulk': return r.v == null ? null : text(r.v)
    case 'array': return r.v == null ? null : r.v.map(replyToJson)
    case 'set': case 'push': return r.v.map(replyToJson)
    case 'map': {
      const out: Record<string, unknown> = {}
      for (const [k, v] of r.v) {
        const key = replyToJson(k)
        out[typeof key === 'string' ? key : JSON.stringify(key)] = replyToJson(v)
      }
      return out
    }
    case 'double': return Number.isFinite(r.v) ? r.v : String(r.v)
    case 'bool': return r.v
    case 'null': return null
    case 'verbatim': return r.v
    case 'wait': return null
  }
}

/** redis-cli's quoting of a bulk string. */
function quote(bytes: Uint8Array): string {
  let out = '"'
  for (const b of bytes) {
    if (b === 0x22) out += '\\"'
    else if (b === 0x5c) out += '\\\\'
    else if (b === 0x0a) out += '\\n'
    else if (b === 0x0d) out += '\\r'
    else if (b === 0x09) out += '\\t'
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b)
    else out += `\\x${b.toString(16).padStart(2, '0')}`
  }
  return out + '"'
}

/** What redis-cli prints for a reply. */
export function replyToText(r: Reply, indent = ''): string {
  switch (r.t) {
    case 'simple': return r.v
    case 'error': return `(error) ${r.v}`
    case 'int': return `(integer) ${r.v}`
    case 'bulk': return r.v == null ? '(nil)' : quote(r.v)
    case 'null': case 'wait': return '(nil)'
    case 'double': return `(double) ${r.v}`
    case 'bool': return r.v ? '(true)' : '(false)'
    case 'verbatim': return r.v
    case 'map': {
      if (r.v.length === 0) return '(empty hash)'
      const width = String(r.v.length).length
      return r.v.map(([k, v], i) => `${i === 0 ? '' : indent}${String(i + 1).padStart(width)}# ${replyToText(k)} => ${replyToText(v, indent + ' '.repeat(width + 2))}`).join('\n')
    }
    case 'array': case 'set': case 'push': {
      const items = r.v
      if (items == null) return '(nil)'
      if (items.length === 0) return r.t === 'set' ? '(empty set)' : '(empty array)'
      const width = String(items.length).length
      return items.map((item, i) => `${i === 0 ? '' : indent}${String(i + 1).padStart(width)}) ${replyToText(item, indent + ' '.repeat(width + 2))}`).join('\n')
    }
  }
}
