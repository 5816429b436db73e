/**
 * IPFS paths as users type them: `<cid>`, `<cid>/a/b`, `/ipfs/<cid>/a/b`.
 */
import { CID } from 'multiformats/cid'
import { InvalidInputError } from '../utils/errors.ts'

export interface IpfsPath {
  cid: CID
  /** Path segments below the root CID (already percent-decoded). */
  segments: string[]
  /** `<cid>/a/b`, the form ipfs-unixfs-exporter takes. */
  exporterPath: string
}

export function parseCid(text: string): CID {
  try {
    return CID.parse(text.trim())
  } catch {
    throw new InvalidInputError(`invalid CID: "${text}"`)
  }
}

export function parseIpfsPath(input: string): IpfsPath {
  let rest = input.trim()
  if (rest.startsWith('/ipfs/')) rest = rest.slice('/ipfs/'.length)
  else if (rest.startsWith('ipfs://')) rest = rest.slice('ipfs://'.length)
  const [head = '', ...tail] = rest.split('/')
  if (head === '') throw new InvalidInputError(`invalid IPFS path: "${input}"`)
  const cid = parseCid(head)
  const segments = tail.filter(s => s !== '')
  if (segments.some(s => s === '..' || s === '.')) throw new InvalidInputError(`IPFS path may not contain "." or "..": "${input}"`)
  return { cid, segments, exporterPath: [cid.toString(), ...segments].join('/') }
}
