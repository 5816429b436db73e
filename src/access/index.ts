/** Who may do what besides the owner on loopback: rights and access tokens. */
export { TokenStore, allows } from './tokens.ts'
export type { TokenInfo, CreateTokenOptions } from './tokens.ts'
export { EXEC, READ, WRITE, formatRights, hasRights, parseRights } from './rights.ts'
