/**
 * lpki: keys and IDs. These run in the CLI process: key files are the
 * user's, and `lpki id` reads the root's hostkey.cfg with no node running.
 */
import { resolve, join } from 'node:path'
import type { Command, LocalContext } from '../command.ts'
import { b64urlPadded, generateKey, idsOf, readKeyFile, writeKeyFile } from '../../pki/index.ts'
import { HOST_KEY_FILE } from '../../node/host-key.ts'
import { InvalidInputError, NotFoundError } from '../../utils/errors.ts'
import { existsSync } from 'node:fs'

function optPath(ctx: LocalContext, name: string): string | undefined {
  const v = ctx.options[name]
  return typeof v === 'string' && v !== '' ? resolve(v) : undefined
}

function requiredPath(ctx: LocalContext, name: string, flag: string): string {
  const path = optPath(ctx, name)
  if (path == null) throw new InvalidInputError(`option ${flag} is required`)
  return path
}

const keyFile = (ctx: LocalContext) => optPath(ctx, 'input') ?? ctx.args[0] ?? join(ctx.root, HOST_KEY_FILE)

export const lpkiCommands: Command[] = [
  {
    path: ['lpki', 'id'],
    summary: 'Print the 27-character short ID of the node (or of a key file)',
    args: [{ name: 'file', description: 'key file (default: the root\'s hostkey.cfg)' }],
    options: [{ name: 'input', alias: 'i', type: 'string', description: 'key file' }],
    output: 'json',
    runsIn: 'local',
    async run(ctx) {
      const path = resolve(keyFile(ctx))
      if (path === join(ctx.root, HOST_KEY_FILE) && !existsSync(path)) {
        throw new NotFoundError(`this root has no node key yet ("${path}"); start the node once (Leither run -d --root ${ctx.root}) or name a key file`)
      }
      const { publicKey } = await readKeyFile(path)
      const ids = idsOf(publicKey)
      return { ID: ids.id, PeerID: ids.peerId }
    },
    render: (r, out) => out.line(r.ID),
  },
  {
    path: ['lpki', 'genkey'],
    summary: 'Make a new Ed25519 key pair and write it to a key file',
    options: [{ name: 'output', alias: 'o', type: 'string', description: 'key file to create' }],
    output: 'json',
    runsIn: 'local',
    async run(ctx) {
      const path = requiredPath(ctx, 'output', '-o')
      const key = await generateKey()
      await writeKeyFile(path, key)
      const ids = idsOf(key.publicKey)
      return { ID: ids.id, PeerID: ids.peerId, PK: b64urlPadded(key.publicKey.raw), SK: b64urlPadded(key.raw), File: path }
    },
    render(r, out) {
      out.line(`id= ${r.ID}`)
      out.line(`Key= pk=${r.PK}`)
      out.line(`sk=${r.SK}`)
      out.line(`create key to file [${r.File}] ok`)
    },
  },
  {
    path: ['lpki', 'genpk'],
    summary: 'Export the public key of a key file',
    options: [
      { name: 'input', alias: 'i', type: 'string', description: 'key file to read' },
      { name: 'output', alias: 'o', type: 'string', description: 'public key file to create' },
    ],
    output: 'json',
    runsIn: 'local',
    async run(ctx) {
      const { publicKey } = await readKeyFile(requiredPath(ctx, 'input', '-i'))
      const out = optPath(ctx, 'output')
      if (out != null) await writeKeyFile(out, publicKey)
      return { ID: idsOf(publicKey).id, PK: b64urlPadded(publicKey.raw), File: out ?? null }
    },
    render(r, out) {
      out.line(`Public Key = pk=${r.PK}`)
      if (r.File != null) out.line(`create public key file [${r.File}] ok`)
    },
  },
  {
    path: ['lpki', 'show'],
    summary: 'Show a key file: its type, IDs and keys',
    args: [{ name: 'file', description: 'key file' }],
    options: [{ name: 'input', alias: 'i', type: 'string', description: 'key file' }],
    output: 'json',
    runsIn: 'local',
    async run(ctx) {
      const path = optPath(ctx, 'input') ?? (ctx.args[0] != null ? resolve(ctx.args[0]) : undefined)
      if (path == null) throw new InvalidInputError('option -i (the file to show) is required')
      const { publicKey, privateKey } = await readKeyFile(path)
      const ids = idsOf(publicKey)
      return {
        Type: privateKey != null ? 'Key' : 'PublicKey',
        ID: ids.id,
        PeerID: ids.peerId,
        PK: b64urlPadded(publicKey.raw),
        SK: privateKey != null ? b64urlPadded(privateKey.raw) : null,
      }
    },
    render(r, out) {
      out.line(`file type is ${r.Type}`)
      out.line(`id= ${r.ID}`)
      out.line(`peerid= ${r.PeerID}`)
      out.line(`pk=${r.PK}`)
      if (r.SK != null) out.line(`sk=${r.SK}`)
    },
  },
]
