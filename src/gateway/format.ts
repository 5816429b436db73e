import { UnsupportedParameterError } from './errors.ts'

/** How much of the DAG a CAR response carries (trustless gateway `dag-scope`). */
export type DagScope = 'all' | 'entity' | 'block'

/** What the client asked for: a rendered UnixFS response, or a verifiable raw block / CAR. */
export type ResponseFormat =
  | { kind: 'unixfs' }
  | { kind: 'raw' }
  | { kind: 'car', scope: DagScope }

export const RAW_TYPE = 'application/vnd.ipld.raw'
export const CAR_TYPE = 'application/vnd.ipld.car'

const FORMATS = ['raw', 'car']
const SCOPES: DagScope[] = ['all', 'entity', 'block']

/** `?format=` wins over `Accept`; with neither (or only types we don't serve) the content is rendered. */
export function negotiateFormat(query: URLSearchParams, accept: string | undefined): ResponseFormat {
  const format = query.get('format')
  let kind: 'unixfs' | 'raw' | 'car'
  if (format != null && format !== '') {
    if (!FORMATS.includes(format)) throw new UnsupportedParameterError('format', format, FORMATS)
    kind = format as 'raw' | 'car'
  } else {
    kind = fromAccept(accept ?? '')
  }
  if (kind !== 'car') return { kind }
  const scope = query.get('dag-scope') ?? 'all'
  if (!SCOPES.includes(scope as DagScope)) throw new UnsupportedParameterError('dag-scope', scope, SCOPES)
  return { kind, scope: scope as DagScope }
}

// Picks the best-ranked trustless type, unless a specific other type ranks higher;
// browsers' `text/html, */*` never selects one.
function fromAccept(accept: string): 'unixfs' | 'raw' | 'car' {
  if (accept === '') return 'unixfs'
  let best: { kind: 'raw' | 'car', q: number } | undefined
  let other = 0
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map(part => part.trim())
    const args = new Map(params.map(p => {
      const eq = p.indexOf('=')
      return [p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"|"$/g, '')]
    }))
    const q = args.has('q') ? Number(args.get('q')) : 1
    if (!(q > 0)) continue
    let kind: 'raw' | 'car' | undefined
    if (type.toLowerCase() === RAW_TYPE) kind = 'raw'
    // Only CARv1 is written; a client that asks for another version gets nothing it cannot read.
    if (type.toLowerCase() === CAR_TYPE && (args.get('version') ?? '1') === '1') kind = 'car'
    if (kind != null && (best == null || q > best.q)) best = { kind, q }
    if (kind == null && !type.includes('*')) other = Math.max(other, q)
  }
  return best != null && best.q >= other ? best.kind : 'unixfs'
}
