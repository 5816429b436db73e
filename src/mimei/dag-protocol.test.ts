/**
 * The DAG fast path between two real libp2p nodes on loopback: an honest
 * peer delivers every block; a lying one gets nothing unchecked stored; a
 * peer missing blocks delivers what it has.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { importer } from 'ipfs-unixfs-importer'
import { MemoryBlockstore } from 'blockstore-core'
import { CID } from 'multiformats/cid'
import { lpStream } from '@libp2p/utils'
import { noiseCrypto } from '../net/noise-crypto.ts'
import { kuboImportOptions } from '../ipfs/import-options.ts'
import { DAG_PROTOCOL, fetchDag, serveDag } from './dag-protocol.ts'

const node = () => createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise({ crypto: noiseCrypto })],
  streamMuxers: [yamux()],
})

let server: Libp2p, client: Libp2p, liar: Libp2p
const source = new MemoryBlockstore()
let root: CID
let blockCount = 0

async function readFrom(store: MemoryBlockstore, cid: CID): Promise<Uint8Array | undefined> {
  if (!(await store.has(cid))) return undefined
  const chunks: Uint8Array[] = []
  for await (const c of store.get(cid) as any) chunks.push(c)
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
}

beforeAll(async () => {
  ;[server, client, liar] = await Promise.all([node(), node(), node()])
  const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7919) % 251)
  for await (const e of importer([{ content: bytes }], source, kuboImportOptions({ cidVersion: 1 }))) root = e.cid
  for await (const _ of source.getAll() as any) blockCount++
  await serveDag(server, cid => readFrom(source, cid))
  // A liar answers with the right CIDs and wrong bytes.
  await liar.handle(DAG_PROTOCOL, async stream => {
    const lp = lpStream(stream)
    await lp.read()
    const cidBytes = root.bytes
    const frame = new Uint8Array(cidBytes.length + 4)
    frame.set(cidBytes)
    await lp.write(frame)
    await lp.write(new Uint8Array(0))
    await stream.close()
  })
}, 30_000)

afterAll(async () => {
  await Promise.all([server, client, liar].map(n => n?.stop()))
})

describe('the DAG protocol', () => {
  test('delivers a whole DAG in one request, each block checked', async () => {
    const got = new MemoryBlockstore()
    await client.dial(server.getMultiaddrs()[0]!)
    const n = await fetchDag(client, server.peerId, root, async (cid, bytes) => { await got.put(cid, bytes) }, AbortSignal.timeout(10_000))
    await client.hangUp(server.peerId)
    expect(blockCount).toBeGreaterThan(10)
    expect(n).toBe(blockCount)
    for await (const pair of source.getAll() as any) expect(await readFrom(got, pair.cid)).toEqual(await readFrom(source, pair.cid))
  }, 20_000)

  test('stores nothing a peer sends with the wrong bytes', async () => {
    const stored: string[] = []
    await client.dial(liar.getMultiaddrs()[0]!)
    const n = await fetchDag(client, liar.peerId, root, async cid => { stored.push(cid.toString()) }, AbortSignal.timeout(10_000))
    expect(n).toBe(0)
    expect(stored).toEqual([])
  }, 20_000)

  test('from a peer missing part of the DAG, delivers what it has', async () => {
    const partial = new MemoryBlockstore()
    let i = 0
    for await (const pair of source.getAll() as any) if (i++ % 2 === 0 || pair.cid.equals(root)) await partial.put(pair.cid, (await readFrom(source, pair.cid))!)
    await server.unhandle(DAG_PROTOCOL)
    await serveDag(server, cid => readFrom(partial, cid))
    await client.dial(server.getMultiaddrs()[0]!)
    const n = await fetchDag(client, server.peerId, root, async () => {}, AbortSignal.timeout(10_000))
    expect(n).toBeGreaterThan(0)
    expect(n).toBeLessThan(blockCount)
  }, 20_000)
})
