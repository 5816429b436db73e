/**
 * The node's own Ed25519 key, hostkey.cfg in the root (SPEC §1), created on
 * first start with mode 0600. The same key gives the short ID and the PeerId.
 */
import { join } from 'node:path'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { generateKey, readKeyFile, writeKeyFile } from '../pki/index.ts'
import { InvalidInputError, NotFoundError } from '../utils/errors.ts'

export const HOST_KEY_FILE = 'hostkey.cfg'

export async function loadOrCreateHostKey(root: string): Promise<Ed25519PrivateKey> {
  const path = join(root, HOST_KEY_FILE)
  try {
    const { privateKey } = await readKeyFile(path)
    if (privateKey == null) throw new InvalidInputError(`host key "${path}" has no private key (sk= line)`)
    return privateKey
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err
  }
  const key = await generateKey()
  await writeKeyFile(path, key)
  return key
}
