/** block: raw blocks by CID (kubo's block/get|put|stat). */
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import * as dagPb from '@ipld/dag-pb'
import type { Command, NodeContext } from '../command.ts'
import { requireArg } from '../command.ts'
import { parseCid } from '../../ipfs/ipfs-path.ts'
import { InvalidInputError, NotFoundError } from '../../utils/errors.ts'
import type { OptionSpec } from '../command.ts'

const offlineOption: OptionSpec = { name: 'offline', type: 'boolean', description: 'only look in this node\'s own store' }

/** Blocks above this cannot travel over bitswap; kubo refuses them too. */
const MAX_BLOCK = 1024 * 1024

async function readAll(source: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let size = 0
  for await (const chunk of source) {
    size += chunk.length
    if (size > limit) throw new InvalidInputError(`block is larger than ${limit} bytes`)
    parts.push(chunk)
  }
  return Buffer.concat(parts)
}

async function blockBytes(ctx: NodeContext): Promise<{ cid: CID, bytes: Uint8Array }> {
  const cid = parseCid(requireArg(ctx.args, 0, 'cid'))
  // offline: only this node's own store, no bitswap wait for a missing block
  const offline = ctx.options.offline === true
  if (offline && !(await ctx.node.blocks.has(cid))) throw new NotFoundError(`block ${cid} is not stored on this node`)
  const bytes = await ctx.node.helia.blockstore.get(cid, { signal: ctx.signal })
  return { cid, bytes: await readAll(bytes as AsyncIterable<Uint8Array>, Number.MAX_SAFE_INTEGER) }
}

export const blockCommands: Command[] = [
  {
    path: ['block', 'get'],
    summary: 'Print the bytes of one block',
    args: [{ name: 'cid', description: 'block CID', required: true }],
    options: [offlineOption],
    output: 'bytes',
    runsIn: 'node',
    kubo: ['block/get'],
    async run(ctx: NodeContext) {
      const { bytes } = await blockBytes(ctx)
      return [bytes]
    },
  },
  {
    path: ['block', 'stat'],
    summary: 'Show the size of one block',
    args: [{ name: 'cid', description: 'block CID', required: true }],
    options: [offlineOption],
    output: 'json',
    runsIn: 'node',
    kubo: ['block/stat'],
    async run(ctx: NodeContext) {
      const { cid, bytes } = await blockBytes(ctx)
      return { Key: cid.toString(), Size: bytes.length }
    },
    render(r, out) {
      out.line(`Key: ${r.Key}`)
      out.line(`Size: ${r.Size}`)
    },
  },
  {
    path: ['block', 'put'],
    summary: 'Store one raw block (from a file) and print its CID',
    args: [{ name: 'file', description: 'file holding the block bytes', required: true }],
    options: [
      { name: 'cid-codec', type: 'string', description: 'raw or dag-pb', default: 'raw' },
      { name: 'allow-big-block', type: 'boolean', description: 'accept blocks over 1 MiB' },
    ],
    output: 'json',
    runsIn: 'node',
    uploadsFiles: true,
    kubo: ['block/put'],
    async run(ctx: NodeContext) {
      if (ctx.files == null) throw new InvalidInputError('block put needs a multipart body with the block')
      const codecName = String(ctx.options['cid-codec'] ?? ctx.options.format ?? 'raw')
      const code = codecName === 'raw' || codecName === 'v0' ? raw.code : codecName === 'dag-pb' || codecName === 'protobuf' ? dagPb.code : undefined
      if (code == null) throw new InvalidInputError(`unsupported cid-codec "${codecName}" (raw or dag-pb)`)
      const limit = ctx.options['allow-big-block'] === true ? 4 * MAX_BLOCK : MAX_BLOCK
      let result: { Key: string, Size: number } | undefined
      for await (const file of ctx.files) {
        if (result != null) throw new InvalidInputError('block put takes one block per call')
        if (!('content' in file) || file.content == null) throw new InvalidInputError('block put needs a file, not a directory')
        const bytes = await readAll(file.content as AsyncIterable<Uint8Array>, limit)
        if (code === dagPb.code) {
          try { dagPb.decode(bytes) } catch (err: any) { throw new InvalidInputError(`not a dag-pb block: ${err?.message ?? err}`) }
        }
        const cid = CID.createV1(code, await sha256.digest(bytes))
        await ctx.node.helia.blockstore.put(cid, bytes, { signal: ctx.signal })
        result = { Key: cid.toString(), Size: bytes.length }
      }
      if (result == null) throw new InvalidInputError('block put got no block')
      return result
    },
    render: (r, out) => out.line(r.Key),
  },
]
