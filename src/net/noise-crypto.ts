/**
 * Noise crypto that works on Bun. Bun's node:crypto has no chacha20-poly1305,
 * and @libp2p/noise's default crypto calls it for frames of 1200 bytes or
 * more, so bitswap of any real block fails with "Unknown cipher". The wasm
 * implementation works everywhere; Node keeps its faster native one.
 */
import { asCrypto, defaultCrypto } from '@libp2p/noise/crypto'

const onBun = typeof (globalThis as any).Bun !== 'undefined'

export const noiseCrypto = onBun
  ? {
      ...defaultCrypto,
      chaCha20Poly1305Encrypt: asCrypto.chaCha20Poly1305Encrypt,
      chaCha20Poly1305Decrypt: asCrypto.chaCha20Poly1305Decrypt,
    }
  : defaultCrypto
