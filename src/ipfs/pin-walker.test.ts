import { afterEach, describe, expect, test } from 'bun:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight, type Helia } from 'helia'
import { importer, type WritableStorage } from 'ipfs-unixfs-importer'
import * as raw from 'multiformats/codecs/raw'
import type { CID } from 'multiformats/cid'
import { addEntries } from './add.ts'
import { kuboImportOptions } from './import-options.ts'
import { LeafNotes, leafSkippingWalker } from './pin-walker.ts'

/** Counts the block reads that reach the store. */
class CountingBlockstore extends MemoryBlockstore {
  reads = 0

  override get (...args: Parameters<MemoryBlockstore['get']>): ReturnType<MemoryBlockstore['get']> {
    this.reads++
    return super.get(...args)
  }
}

const helias: Helia[] = []
afterEach(async () => { await Promise.all(helias.splice(0).map(h => h.stop())) })

async function setup (): Promise<{ helia: Helia, blocks: CountingBlockstore, data: MemoryDatastore }> {
  const blocks = new CountingBlockstore()
  const data = new MemoryDatastore()
  const helia = createHeliaLight({ blockstore: blocks, datastore: data })
  await helia.start()
  helias.push(helia)
  return { helia, blocks, data }
}

// 6 chunks of 256 KiB and a short last one, all different: seven leaves under one root.
const content = (): Uint8Array => {
  const bytes = new Uint8Array(6 * 262144 + 1000)
  for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536))
  return bytes
}

async function * one (bytes: Uint8Array): AsyncGenerator<{ path: string, content: Uint8Array }> {
  yield { path: 'file.bin', content: bytes }
}

/** Imports without pinning; returns the root and every block's CID as the importer made it. */
async function importOnly (helia: Helia, bytes: Uint8Array, cidVersion: 0 | 1): Promise<{ root: CID, written: Array<{ cid: CID, bytes: Uint8Array }> }> {
  let root: CID | undefined
  const written: Array<{ cid: CID, bytes: Uint8Array }> = []
  const store: WritableStorage = {
    put: async (cid, bytes, options) => {
      written.push({ cid, bytes: bytes as Uint8Array })
      return helia.blockstore.put(cid, bytes, options)
    },
  }
  for await (const entry of importer(one(bytes), store, kuboImportOptions({ cidVersion }))) root = entry.cid
  return { root: root!, written }
}

/** Helia's per-block pin records, by key. */
async function pinnedBlocks (data: MemoryDatastore): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for await (const { key, value } of data.query({ prefix: '/pinned-block/' })) out[key.toString()] = Buffer.from(value).toString('hex')
  return out
}

/** Pins `root` with `options`, unpins it again, and returns the CIDs the pin walked. */
async function walk (helia: Helia, root: CID, options: object, counter?: CountingBlockstore): Promise<{ cids: string[], reads: number }> {
  const cids: string[] = []
  const before = counter?.reads ?? 0
  for await (const cid of helia.pins.add(root, options)) cids.push(cid.toString())
  const reads = (counter?.reads ?? 0) - before
  for await (const _ of helia.pins.rm(root)) { /* unpin */ }
  return { cids: cids.sort(), reads }
}

describe('the pin walk of an add', () => {
  for (const cidVersion of [1, 0] as const) {
    test(`reads only the inner nodes of a CIDv${cidVersion} file and pins the same blocks as Helia's walker`, async () => {
      const bytes = content()
      const ours = await setup()
      let root: string | undefined
      for await (const entry of addEntries(ours.helia, one(bytes), { cidVersion })) if ('Hash' in entry) root = entry.Hash
      // The import reads nothing; the pin walk reads the root, the one inner node.
      expect(ours.blocks.reads).toBe(1)

      const theirs = await setup()
      const { root: cid } = await importOnly(theirs.helia, bytes, cidVersion)
      expect(cid.toString()).toBe(root!)
      for await (const _ of theirs.helia.pins.add(cid)) { /* Helia's own walker */ }
      expect(theirs.blocks.reads).toBe(8)

      const records = await pinnedBlocks(ours.data)
      expect(Object.keys(records).length).toBe(8)
      expect(records).toEqual(await pinnedBlocks(theirs.data))
    })
  }
})

describe('leafSkippingWalker', () => {
  test('yields what Helia\'s walker yields, at every depth', async () => {
    const { helia } = await setup()
    const { root } = await importOnly(helia, content(), 1)
    for (const depth of [0, 1, Infinity]) {
      expect((await walk(helia, root, { depth, walker: leafSkippingWalker() })).cids).toEqual((await walk(helia, root, { depth })).cids)
    }
  })

  test('fetches a leaf that is not in the blockstore instead of skipping it', async () => {
    const { helia, blocks } = await setup()
    const { root, written } = await importOnly(helia, content(), 1)
    const leaf = written.find(b => b.cid.code === raw.code)!.cid
    await blocks.delete(leaf)
    const pin = async () => { for await (const _ of helia.pins.add(root, { walker: leafSkippingWalker() })) { /* walk */ } }
    // This node is offline (no block brokers), so the fetch fails, naming the leaf.
    await expect(pin()).rejects.toThrow(leaf.toString())
  })

  test('a dag-pb block is skipped only when noted as a leaf', async () => {
    const notes = new LeafNotes()
    const { helia, blocks } = await setup()
    const { root, written } = await importOnly(helia, content(), 0)
    for (const { cid, bytes } of written) notes.note(cid, bytes)
    expect(notes.isLeaf(root)).toBe(false)
    expect(written.filter(b => notes.isLeaf(b.cid)).length).toBe(7)
    expect((await walk(helia, root, { walker: leafSkippingWalker(notes) }, blocks)).reads).toBe(1)
    expect((await walk(helia, root, { walker: leafSkippingWalker() }, blocks)).reads).toBe(8)
  })
})
