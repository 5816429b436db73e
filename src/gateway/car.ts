import { CarWriter } from '@ipld/car'
import { readBlock } from './block.ts'
import { openBody } from './body.ts'
import { walkDag } from './dag-walk.ts'
import { CAR_TYPE } from './format.ts'
import { contentDisposition, contentHeaders, etagMatches, notModified } from './headers.ts'
import type { Block, BlockReader } from './block.ts'
import type { DagScope } from './format.ts'
import type { Resolved } from './resolve.ts'
import type { Watchdog } from './watchdog.ts'
import type { CID } from 'multiformats/cid'

/** What a trustless CAR response needs. */
export interface CarRequest {
  blockstore: BlockReader
  request: Request
  /** Canonical request path (X-Ipfs-Path). */
  path: string
  resolved: Resolved
  scope: DagScope
  watch: Watchdog
}

/**
 * Streams a CARv1 whose root is the resolved CID: first the blocks that prove the path from
 * the URL's CID down to it, then its DAG (see walkDag). The root block is read before the
 * headers, so a missing root is a status, not an empty archive.
 */
export async function serveCar(req: CarRequest): Promise<Response> {
  const { resolved, watch } = req
  const cid = resolved.cid
  const headers = contentHeaders({ etag: `"${cid}.car"`, path: req.path, roots: resolved.roots })
  if (etagMatches(req.request.headers.get('If-None-Match') ?? undefined, headers.get('ETag') ?? '')) {
    return notModified(headers)
  }
  const root = { cid, bytes: await readBlock(req.blockstore, cid, watch.signal) }
  headers.set('Content-Type', `${CAR_TYPE}; version=1`)
  headers.set('Content-Disposition', contentDisposition('attachment', `${cid}.car`))
  headers.set('X-Content-Type-Options', 'nosniff')
  if (req.request.method === 'HEAD') return new Response(null, { headers })

  const blocks = (async function * () {
    yield * resolved.pathBlocks
    yield * walkDag(root, req.scope, req.blockstore, watch.signal)
  })()
  const body = await openBody(carBytes(cid, blocks), watch, req.path, err => err)
  return new Response(body, { headers })
}

/**
 * CarWriter is a push channel: `put` resolves once its bytes are read from `out`. A pump feeds it
 * while we read `out`; if the pump fails, that failure ends our stream with an error instead of
 * leaving it hanging, because CarWriter has no way to carry an error to its reader.
 */
async function* carBytes(root: CID, blocks: AsyncIterable<Block>): AsyncGenerator<Uint8Array> {
  const { writer, out } = CarWriter.create([root])
  const output = out[Symbol.asyncIterator]()
  const pump = (async () => {
    for await (const block of blocks) await writer.put(block)
    await writer.close()
  })()
  const failed = pump.then(async () => await new Promise<never>(() => {}))
  failed.catch(() => {}) // observed through the race below; never an unhandled rejection
  for (;;) {
    const next = await Promise.race([output.next(), failed])
    if (next.done === true) break
    yield next.value
  }
  await pump
}
