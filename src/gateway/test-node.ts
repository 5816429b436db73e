// Test support only: a real Helia with memory stores and no network, and the gateway over it.
import { unixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { createIpfsGateway } from './ipfs.ts'
import type { UnixFS } from '@helia/unixfs'
import type { IpfsGateway } from './ipfs.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** The options of kubo's plain `ipfs add`: CIDv0, dag-pb leaves, 256 KiB chunks, balanced layout. */
export const KUBO_ADD = {
  cidVersion: 0 as const,
  rawLeaves: false,
  reduceSingleLeafToSelf: true,
  chunker: fixedSize({ chunkSize: 262144 }),
  layout: balanced({ maxChildrenPerNode: 174 })
}

export interface TestNode {
  /** Helia's own blockstore (not the wrapped one), for putting hand-made blocks. */
  blockstore: Blockstore
  /** The memory store under Helia: this node's local blocks. */
  local: MemoryBlockstore
  fs: UnixFS
  app: IpfsGateway
  /** Adds bytes or text as a file, kubo-style. */
  addFile(content: Uint8Array | string): Promise<CID>
  /** Adds files under relative paths (e.g. `docs/a.txt`) wrapped in a directory; returns the root. */
  addDir(files: Record<string, Uint8Array | string>, options?: { shardSplitThresholdBytes?: number }): Promise<CID>
  /** Calls the gateway in-process. */
  get(path: string, init?: RequestInit): Promise<Response>
  stop(): Promise<void>
}

export interface TestNodeOptions {
  timeoutMs?: number
  /** Puts a test blockstore (e.g. one that never answers) in front of Helia's. */
  wrap?: (inner: Blockstore) => Blockstore
  /** Lets the gateway read the memory store directly, as the daemon does with SQLite (default: no). */
  local?: boolean
  cacheBytes?: number
}

/** Builds a node whose gateway reads through Helia's blockstore (or `wrap`'s). */
export async function createTestNode(options: TestNodeOptions = {}): Promise<TestNode> {
  const local = new MemoryBlockstore()
  const helia = createHeliaLight({ blockstore: local, datastore: new MemoryDatastore() })
  await helia.start()
  const writer = unixfs(helia)
  const blockstore = options.wrap?.(helia.blockstore) ?? helia.blockstore
  const fs = unixfs({ blockstore })
  const app = createIpfsGateway({
    blockstore,
    timeoutMs: options.timeoutMs,
    // MemoryBlockstore's get is a plain generator, as LocalBlocks needs.
    local: options.local === true ? { get: cid => local.get(cid) as Generator<Uint8Array> } : undefined,
    cacheBytes: options.cacheBytes
  })
  const bytes = (content: Uint8Array | string): Uint8Array => typeof content === 'string' ? new TextEncoder().encode(content) : content

  return {
    blockstore: helia.blockstore,
    local,
    fs,
    app,
    addFile: async content => await writer.addBytes(bytes(content), KUBO_ADD),
    async addDir(files, extra = {}) {
      let root: CID | undefined
      const entries = Object.entries(files).map(([path, content]) => ({ path, content: bytes(content) }))
      for await (const result of writer.addAll(entries, { ...KUBO_ADD, ...extra, wrapWithDirectory: true })) root = result.cid
      if (root == null) throw new Error('addAll produced no root')
      return root
    },
    get: async (path, init) => await app.request(`http://gateway.test${path}`, init),
    stop: async () => { await helia.stop() }
  }
}

/**
 * A blockstore in front of `inner` whose get() for the chosen CIDs never finds anything and
 * waits for its signal, like a network fetch of content nobody has; `onAbort` sees each abort.
 */
export function hangingBlockstore(inner: Blockstore, hangs: (cid: CID) => boolean, onAbort?: (cid: CID) => void): Blockstore {
  const wrapper: Partial<Blockstore> = {
    get(cid, opts) {
      if (!hangs(cid)) return inner.get(cid, opts)
      return (async function * () {
        await new Promise<never>((_resolve, reject) => {
          const signal = opts?.signal
          if (signal == null) return
          const fail = (): void => {
            onAbort?.(cid)
            reject(signal.reason)
          }
          if (signal.aborted) fail()
          signal.addEventListener('abort', fail, { once: true })
        })
        yield new Uint8Array()
      })()
    },
    has: async (cid, opts) => hangs(cid) ? false : await inner.has(cid, opts),
    put: async (cid, block, opts) => await inner.put(cid, block, opts)
  }
  return wrapper as Blockstore
}
