/**
 * Helia keeps pins under CIDv1; kubo users expect to see the CID they pinned
 * (Qm… stays Qm…). The pinned form rides along in the pin's metadata.
 */
import type { CID } from 'multiformats/cid'
import type { Pin } from 'helia'

export function pinMetadata(cid: CID): Record<string, string> {
  return { cid: cid.toString() }
}

/** The CID as the user pinned it. */
export function pinnedName(pin: Pin): string {
  const named = pin.metadata?.cid
  return typeof named === 'string' ? named : pin.cid.toString()
}

/** Identity of content regardless of CID version or codec. */
export function multihashKey(cid: CID): string {
  return Buffer.from(cid.multihash.bytes).toString('hex')
}

/**
 * True when there is a pin for exactly this CID. helia.pins.isPinned answers
 * "is this block kept by anything" (a parent pin, the MFS tree), which must
 * not stop the user from pinning the CID itself.
 */
export async function hasOwnPin(pins: { get(cid: CID, options?: { signal?: AbortSignal }): Promise<unknown> }, cid: CID, signal?: AbortSignal): Promise<boolean> {
  try {
    await pins.get(cid, { signal })
    return true
  } catch (err: any) {
    if (err?.name === 'NotFoundError' || /not found/i.test(err?.message ?? '')) return false
    throw err
  }
}
