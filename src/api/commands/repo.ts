/** repo: garbage collection and storage statistics. */
import type { CID } from 'multiformats/cid'
import type { Command, NodeContext } from '../command.ts'

export const repoCommands: Command[] = [
  {
    path: ['repo', 'gc'],
    summary: 'Remove every block that no pin reaches',
    output: 'ndjson',
    runsIn: 'node',
    kubo: ['repo/gc'],
    async * run(ctx: NodeContext) {
      const removed: CID[] = []
      await ctx.node.helia.gc({
        signal: ctx.signal,
        onProgress: (evt: any) => { if (evt.type === 'helia:gc:deleted') removed.push(evt.detail) },
      })
      for (const cid of removed) yield { Key: { '/': cid.toString() } }
    },
    render: (r, out) => out.line(`removed ${r.Key['/']}`),
    renderEnd: (values, out) => out.line(`repo gc ok  removed= ${values.length}`),
  },
  {
    path: ['repo', 'stat'],
    summary: 'Show how many blocks and bytes the node stores',
    output: 'json',
    runsIn: 'node',
    kubo: ['repo/stat'],
    async run({ node }) {
      const { blocks, bytes } = node.blocks.size()
      return { NumObjects: blocks, RepoSize: bytes, RepoPath: node.root, Version: 'leither-1', StorageMax: 0 }
    },
    render(r, out) {
      out.line(`NumObjects= ${r.NumObjects}`)
      out.line(`RepoSize= ${r.RepoSize}`)
      out.line(`RepoPath= ${r.RepoPath}`)
    },
  },
]
