/**
 * Adding files and directories to the node's blockstore, kubo style: one
 * result per file and directory, the root last, the root pinned.
 */
import { importer, type ImportCandidate, type WritableStorage } from 'ipfs-unixfs-importer'
import type { Helia } from 'helia'
import { kuboImportOptions, type AddFlags } from './import-options.ts'
import { hasOwnPin, pinMetadata } from './pin-names.ts'
import { LeafNotes, leafSkippingWalker } from './pin-walker.ts'

/** kubo's streamed `add` reply for one entry. */
export interface AddedEntry {
  Name: string
  Hash: string
  Size: string
}

/** kubo's progress reply (`progress=true`). */
export interface AddProgress {
  Name: string
  Bytes: number
}

export interface AddOptions extends AddFlags {
  pin?: boolean
  progress?: boolean
  signal?: AbortSignal
}

export async function * addEntries (helia: Helia, source: AsyncIterable<ImportCandidate>, opts: AddOptions = {}): AsyncGenerator<AddedEntry | AddProgress> {
  const progress: AddProgress[] = []
  const importOptions = {
    ...kuboImportOptions(opts),
    signal: opts.signal,
    onProgress: opts.progress === true
      ? (evt: any) => {
          if (evt.type === 'unixfs:importer:progress:file:read') progress.push({ Name: evt.detail.path ?? '', Bytes: Number(evt.detail.bytesRead) })
        }
      : undefined,
  }
  let last: AddedEntry | undefined
  let root: any
  // The pin walk below skips the leaves noted here, instead of reading back what was just written.
  const leaves = new LeafNotes()
  const blockstore: WritableStorage = {
    put: (cid, bytes, options) => {
      if (bytes instanceof Uint8Array) leaves.note(cid, bytes)
      return helia.blockstore.put(cid, bytes, options)
    },
  }
  for await (const entry of importer(source, blockstore, importOptions)) {
    while (progress.length > 0) yield progress.shift()!
    const size = entry.size ?? (entry.unixfs != null ? entry.unixfs.fileSize() : 0n)
    last = { Name: entry.path ?? entry.cid.toString(), Hash: entry.cid.toString(), Size: size.toString() }
    root = entry.cid
    yield last
  }
  while (progress.length > 0) yield progress.shift()!
  if (root != null && opts.pin !== false && !(await hasOwnPin(helia.pins, root, opts.signal))) {
    // Pinning walks the DAG we just wrote: every block is local, and only its inner nodes are read.
    for await (const _ of helia.pins.add(root, { signal: opts.signal, metadata: pinMetadata(root), walker: leafSkippingWalker(leaves) })) { /* walk */ }
  }
}
