/**
 * Ed25519 keys and the key-file text of SPEC §2:
 *   pk=<base64url of the 32-byte public key>
 *   sk=<base64url of the 64-byte seed‖pk>
 * base64url keeps its `=` padding, as the original system wrote it.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { generateKeyPair, privateKeyFromRaw, publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromPublicKey } from '@libp2p/peer-id'
import type { Ed25519PrivateKey, Ed25519PublicKey } from '@libp2p/interface'
import { InvalidInputError, NotFoundError } from '../utils/errors.ts'
import { shortIdFromPublicKey } from './short-id.ts'

/** base64url with padding, the original system's key encoding. */
export function b64urlPadded(bytes: Uint8Array): string {
  const s = Buffer.from(bytes).toString('base64url')
  return s + '='.repeat((4 - (s.length % 4)) % 4)
}

function fromB64url(s: string, what: string, length: number): Uint8Array {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(s)) throw new InvalidInputError(`${what} is not base64url: "${s}"`)
  const bytes = new Uint8Array(Buffer.from(s, 'base64url'))
  if (bytes.length !== length) throw new InvalidInputError(`${what} must be ${length} bytes, got ${bytes.length}`)
  return bytes
}

/** A parsed key file: always a public key, a private key when `sk=` is present. */
export interface KeyMaterial {
  publicKey: Ed25519PublicKey
  privateKey?: Ed25519PrivateKey
}

export async function generateKey(): Promise<Ed25519PrivateKey> {
  return generateKeyPair('Ed25519')
}

export function keyFileText(key: Ed25519PrivateKey | Ed25519PublicKey): string {
  if ('publicKey' in key) return `pk=${b64urlPadded(key.publicKey.raw)}\nsk=${b64urlPadded(key.raw)}\n`
  return `pk=${b64urlPadded(key.raw)}\n`
}

/** Parses key-file text; `source` names the file in errors. */
export function parseKeyFile(text: string, source = 'key file'): KeyMaterial {
  const fields = new Map<string, string>()
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) throw new InvalidInputError(`${source}: not a key=value line: "${line}"`)
    fields.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim())
  }
  const pkText = fields.get('pk')
  const skText = fields.get('sk')
  if (pkText == null && skText == null) throw new InvalidInputError(`${source}: has neither pk= nor sk=`)
  let privateKey: Ed25519PrivateKey | undefined
  if (skText != null) {
    privateKey = privateKeyFromRaw(fromB64url(skText, `${source}: sk`, 64)) as Ed25519PrivateKey
  }
  const publicKey = pkText != null
    ? publicKeyFromRaw(fromB64url(pkText, `${source}: pk`, 32)) as Ed25519PublicKey
    : privateKey!.publicKey
  if (privateKey != null && !privateKey.publicKey.equals(publicKey)) {
    throw new InvalidInputError(`${source}: pk does not belong to sk`)
  }
  return { publicKey, privateKey }
}

export async function readKeyFile(path: string): Promise<KeyMaterial> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err: any) {
    if (err?.code === 'ENOENT') throw new NotFoundError(`key file "${path}" does not exist`)
    throw new InvalidInputError(`cannot read key file "${path}": ${err?.message ?? err}`)
  }
  return parseKeyFile(text, `key file "${path}"`)
}

/** Writes a key file readable by its owner only (the private key never leaves mode 0600). */
export async function writeKeyFile(path: string, key: Ed25519PrivateKey | Ed25519PublicKey, opts: { overwrite?: boolean } = {}): Promise<void> {
  try {
    await writeFile(path, keyFileText(key), { mode: 0o600, flag: opts.overwrite === true ? 'w' : 'wx' })
  } catch (err: any) {
    if (err?.code === 'EEXIST') throw new InvalidInputError(`key file "${path}" already exists; not overwriting it`)
    throw err
  }
  await chmod(path, 0o600)
}

/** Both IDs a key gives (SPEC §2). */
export function idsOf(key: Ed25519PublicKey): { id: string, peerId: string } {
  return { id: shortIdFromPublicKey(key.raw), peerId: peerIdFromPublicKey(key).toString() }
}

export { peerIdFromPrivateKey }
