/**
 * Noise crypto that works on Bun. Bun's node:crypto has no chacha20-poly1305,
 * and @libp2p/noise's default crypto calls it for frames of 1200 bytes or
 * more, so bitswap of any real block fails with "Unknown cipher". On Bun the
 * cipher comes from @noble/ciphers (pure JS: 175-250 MB/s here, faster than
 * the pipeline around it) instead of the AssemblyScript wasm build, so a node
 * never compiles WebAssembly: that saves ~4.7 MB of resident memory (the wasm
 * memories and JavaScriptCore's wasm compiler pages; release/build.ts makes the
 * wasm instances lazy). Node keeps its faster native cipher.
 */
import { defaultCrypto, pureJsCrypto } from '@libp2p/noise/crypto'

const onBun = typeof (globalThis as any).Bun !== 'undefined'

export const noiseCrypto = onBun
  ? {
      ...defaultCrypto,
      chaCha20Poly1305Encrypt: pureJsCrypto.chaCha20Poly1305Encrypt,
      chaCha20Poly1305Decrypt: pureJsCrypto.chaCha20Poly1305Decrypt,
    }
  : defaultCrypto
