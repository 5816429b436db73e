/**
 * token: access tokens for browsers and remote callers (SPEC §9) —
 * `token create <mid|-|*> [--rights rw] [--ttl 24h]`, `token list`,
 * `token revoke <id>`. The token is printed once, with the page address a
 * browser can open (the token rides in the #fragment, never in a request).
 */
import type { Command } from '../command.ts'
import { requireArg } from '../command.ts'
import { formatRights } from '../../access/index.ts'
import type { TokenInfo } from '../../access/index.ts'
import { lifetimeText, parseLifetime } from './mimei-format.ts'

const when = (ms: number) => ms === 0 ? 'never' : new Date(ms).toISOString()

const tokenJson = (t: TokenInfo) => ({
  ID: t.id, Scope: t.scope, Rights: formatRights(t.rights), Label: t.label, Created: when(t.created), Expires: when(t.expires),
})

export const tokenCommands: Command[] = [
  {
    path: ['token', 'create'],
    summary: 'Make an access token for one database (<mid>, - for the default one, * for all) for a browser page or a remote program',
    args: [{ name: 'scope', description: 'a MiMei ID, - (the default database) or * (every database and MiMei)', required: true }],
    options: [
      { name: 'rights', type: 'string', description: 'r read, w write, x backup/publish; or a digit (read 4, write 2, exec 1)', default: 'rw' },
      { name: 'ttl', type: 'string', description: 'lifetime, e.g. 24h, 30d; 0 = never expires', default: '0' },
      { name: 'label', type: 'string', description: 'a note to recognise the token in token list' },
    ],
    output: 'json',
    runsIn: 'node',
    async run({ node, args, options }) {
      const scope = requireArg(args, 0, 'scope')
      const ttl = String(options.ttl ?? '0')
      const ttlMs = ttl === '0' ? 0 : parseLifetime(ttl, 0)
      const { token, info } = await node.tokens.create({ scope, rights: options.rights as string | undefined, ttlMs, label: options.label as string | undefined })
      const page = /^[A-Za-z0-9_-]{27}$/.test(scope) ? `/mm/${scope}/#leither-token=${token}` : undefined
      return { Token: token, ...tokenJson(info), TTL: ttlMs === 0 ? '0' : lifetimeText(ttlMs), Page: page }
    },
    render: (r, out) => {
      out.line(`token= ${r.Token}`)
      out.line(`id= ${r.ID}  scope= ${r.Scope}  rights= ${r.Rights}  expires= ${r.Expires}`)
      if (r.Page != null) out.line(`page= ${r.Page}`)
    },
  },
  {
    path: ['token', 'list'],
    summary: 'List access tokens (the secrets are not kept, only their hashes)',
    output: 'json',
    runsIn: 'node',
    async run({ node }) {
      return { Tokens: (await node.tokens.list()).map(tokenJson) }
    },
    render: (r, out) => {
      for (const t of r.Tokens) out.line(`${t.ID}  ${t.Scope}  ${t.Rights}  expires= ${t.Expires}${t.Label ? `  ${t.Label}` : ''}`)
    },
  },
  {
    path: ['token', 'revoke'],
    summary: 'Revoke an access token by its id',
    args: [{ name: 'id', description: 'the id from token create or token list', required: true }],
    output: 'json',
    runsIn: 'node',
    async run({ node, args }) {
      const id = requireArg(args, 0, 'id')
      await node.tokens.revoke(id)
      return { Revoked: id }
    },
    render: (r, out) => out.line(`revoked ${r.Revoked}`),
  },
]
