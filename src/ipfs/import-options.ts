/**
 * UnixFS import options that give kubo's CIDs (SPEC §4). @helia/unixfs has
 * its own CIDv1/raw-leaves defaults that override importer profiles, so the
 * options are spelled out in full here.
 */
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import type { ImporterOptions } from 'ipfs-unixfs-importer'
import { InvalidInputError } from '../utils/errors.ts'

export interface AddFlags {
  cidVersion?: number
  /** Unset follows kubo: raw leaves come with CIDv1. */
  rawLeaves?: boolean
  wrapWithDirectory?: boolean
}

/** kubo's `ipfs add`: 256 KiB chunks, balanced DAG of 174 links per node. */
export function kuboImportOptions(flags: AddFlags = {}): ImporterOptions {
  const cidVersion = flags.cidVersion ?? 0
  if (cidVersion !== 0 && cidVersion !== 1) throw new InvalidInputError(`cid-version must be 0 or 1, got ${flags.cidVersion}`)
  const rawLeaves = flags.rawLeaves ?? cidVersion === 1
  if (cidVersion === 0 && rawLeaves) throw new InvalidInputError('raw-leaves needs --cid-version 1 (CIDv0 cannot address raw blocks)')
  return {
    cidVersion,
    rawLeaves,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: 262144 }),
    layout: balanced({ maxChildrenPerNode: 174 }),
    wrapWithDirectory: flags.wrapWithDirectory ?? false,
    // Entries may come from a streaming upload: import them one at a time so
    // the importer never waits for a file the uploader cannot send yet.
    fileImportConcurrency: 1,
  }
}
