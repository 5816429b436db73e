/**
 * Access tokens: how a caller that is not the owner on loopback (a browser
 * page, a remote program) gets rights on one database or MiMei. The owner
 * makes one with `Leither token create`; the caller sends it as
 * `Authorization: Bearer <token>`.
 *
 * A token is `lt1.<id>.<secret>`. Only a SHA-256 of the secret is kept, in
 * `<data>/tokens.json` (written whole, fsynced, renamed), so a leaked file
 * does not leak usable tokens; `id` names the token for list and revoke.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { mkdir, readFile, rename, writeFile, open } from 'node:fs/promises'
import { dirname } from 'node:path'
import { ForbiddenError, InvalidInputError, NotFoundError } from '../utils/errors.ts'
import { hasRights, parseRights } from './rights.ts'

export interface TokenInfo {
  id: string
  /** A db MiMei ID, `-` for the default database, or `*` for every database and MiMei. */
  scope: string
  /** read 4 | write 2 | exec 1 */
  rights: number
  label: string
  created: number
  /** ms since the epoch; 0 = never */
  expires: number
}

interface StoredToken extends TokenInfo {
  /** hex SHA-256 of the secret */
  hash: string
}

export interface CreateTokenOptions {
  scope: string
  rights?: string | number
  /** lifetime in ms; 0 = never expires */
  ttlMs?: number
  label?: string
}

const TOKEN = /^lt1\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{43})$/
const SCOPE = /^(\*|-|[A-Za-z0-9_-]{27})$/

const sha256 = (s: string) => createHash('sha256').update(s).digest()

export class TokenStore {
  private tokens: StoredToken[] = []
  private loaded = false

  constructor(private readonly file: string) {}

  private async load(): Promise<void> {
    if (this.loaded) return
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8'))
      if (!Array.isArray(parsed?.tokens)) throw new Error('no "tokens" list')
      this.tokens = parsed.tokens
    } catch (e: any) {
      if (e?.code !== 'ENOENT') throw new Error(`${this.file} is unreadable (${e?.message ?? e}); move it away to start with no tokens`)
    }
    this.loaded = true
  }

  private async save(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true })
    const tmp = `${this.file}.tmp-${process.pid}`
    await writeFile(tmp, JSON.stringify({ tokens: this.tokens }, null, 2) + '\n', { mode: 0o600 })
    const fh = await open(tmp, 'r')
    try { await fh.sync() } finally { await fh.close() }
    await rename(tmp, this.file)
  }

  /** Makes a token; the returned string is shown once and never stored. */
  async create(opts: CreateTokenOptions): Promise<{ token: string, info: TokenInfo }> {
    if (!SCOPE.test(opts.scope)) throw new InvalidInputError(`invalid token scope "${opts.scope}": a MiMei ID, - (the default database) or * (everything)`)
    const rights = parseRights(opts.rights ?? 'rw')
    if (rights === 0) throw new InvalidInputError('a token needs at least one right (r, w or x)')
    const ttl = opts.ttlMs ?? 0
    if (!Number.isFinite(ttl) || ttl < 0) throw new InvalidInputError(`invalid token lifetime: ${opts.ttlMs}`)
    await this.load()
    const id = randomBytes(6).toString('base64url')
    const secret = randomBytes(32).toString('base64url')
    const now = Date.now()
    const info: TokenInfo = { id, scope: opts.scope, rights, label: opts.label ?? '', created: now, expires: ttl === 0 ? 0 : now + ttl }
    this.tokens.push({ ...info, hash: sha256(secret).toString('hex') })
    await this.save()
    return { token: `lt1.${id}.${secret}`, info }
  }

  async list(): Promise<TokenInfo[]> {
    await this.load()
    return this.tokens.map(({ hash: _, ...info }) => info)
  }

  async revoke(id: string): Promise<void> {
    await this.load()
    const before = this.tokens.length
    this.tokens = this.tokens.filter(t => t.id !== id)
    if (this.tokens.length === before) throw new NotFoundError(`no token with id "${id}"`)
    await this.save()
  }

  /** The token's record when the string is a live token, else a ForbiddenError. */
  async verify(token: string, now = Date.now()): Promise<TokenInfo> {
    const m = TOKEN.exec(token)
    if (m == null) throw new ForbiddenError('malformed access token')
    await this.load()
    const stored = this.tokens.find(t => t.id === m[1])
    if (stored == null || !timingSafeEqual(Buffer.from(stored.hash, 'hex'), sha256(m[2]!))) throw new ForbiddenError('unknown or revoked access token')
    if (stored.expires !== 0 && stored.expires <= now) throw new ForbiddenError('the access token has expired')
    const { hash: _, ...info } = stored
    return info
  }
}

/** Whether a token's record allows `need` rights on `target` (a mid, or - for the default db). */
export function allows(info: TokenInfo, target: string, need: number): boolean {
  const scopeOk = info.scope === '*' || info.scope === target
  return scopeOk && hasRights(info.rights, need)
}
