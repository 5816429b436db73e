/**
 * Minimal streaming ustar writer and reader for `ipfs get` (kubo replies to
 * /api/v0/get with a tar stream). Long paths use a PAX `path` record.
 */

const BLOCK = 512

export interface TarEntry {
  path: string
  type: 'file' | 'directory'
  /** Needed for files: the header carries the size before the bytes. */
  size?: number
  content?: AsyncIterable<Uint8Array>
  mode?: number
}

const enc = new TextEncoder()
const dec = new TextDecoder()

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0'
}

function header(name: string, size: number, typeflag: string, mode: number): Uint8Array {
  const h = new Uint8Array(BLOCK)
  const put = (text: string, offset: number, width: number) => h.set(enc.encode(text).subarray(0, width), offset)
  put(name, 0, 100)
  put(octal(mode, 8), 100, 8)
  put(octal(0, 8), 108, 8)
  put(octal(0, 8), 116, 8)
  put(octal(size, 12), 124, 12)
  put(octal(0, 12), 136, 12)
  put('        ', 148, 8)
  put(typeflag, 156, 1)
  put('ustar\0' + '00', 257, 8)
  let sum = 0
  for (const b of h) sum += b
  put(octal(sum, 7) + ' ', 148, 8)
  return h
}

function padding(size: number): Uint8Array {
  const rest = size % BLOCK
  return new Uint8Array(rest === 0 ? 0 : BLOCK - rest)
}

function paxRecord(key: string, value: string): Uint8Array {
  const body = ` ${key}=${value}\n`
  let len = enc.encode(body).length
  len += String(len).length
  if (String(len).length !== String(len - String(len).length).length) len++
  return enc.encode(`${len}${body}`)
}

export async function * writeTar(entries: AsyncIterable<TarEntry>): AsyncGenerator<Uint8Array> {
  for await (const entry of entries) {
    const isDir = entry.type === 'directory'
    const name = isDir ? entry.path.replace(/\/?$/, '/') : entry.path
    const size = isDir ? 0 : entry.size ?? 0
    if (enc.encode(name).length > 99) {
      const pax = paxRecord('path', name)
      yield header('PaxHeader', pax.length, 'x', 0o644)
      yield pax
      yield padding(pax.length)
    }
    yield header(name.slice(0, 99), size, isDir ? '5' : '0', entry.mode ?? (isDir ? 0o755 : 0o644))
    if (!isDir) {
      let written = 0
      for await (const chunk of entry.content ?? []) {
        written += chunk.length
        yield chunk
      }
      if (written !== size) throw new Error(`tar entry "${entry.path}" declared ${size} bytes but had ${written}`)
      yield padding(size)
    }
  }
  yield new Uint8Array(BLOCK * 2)
}

export interface ReadTarEntry {
  path: string
  type: 'file' | 'directory'
  size: number
  /** Every file's bytes must be consumed (or drained) before the next entry. */
  content: AsyncIterable<Uint8Array>
}

/** Reads a tar stream entry by entry without holding whole files in memory. */
export async function * readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<ReadTarEntry> {
  const it = source[Symbol.asyncIterator]()
  let buf = new Uint8Array(0)
  const fill = async (n: number): Promise<boolean> => {
    while (buf.length < n) {
      const { value, done } = await it.next()
      if (done === true) return false
      const next = new Uint8Array(buf.length + value.length)
      next.set(buf)
      next.set(value, buf.length)
      buf = next
    }
    return true
  }
  const take = (n: number): Uint8Array => {
    const out = buf.subarray(0, n)
    buf = buf.subarray(n)
    return out
  }
  let paxPath: string | undefined
  while (true) {
    if (!(await fill(BLOCK))) return
    const h = take(BLOCK)
    if (h.every(b => b === 0)) return
    const field = (offset: number, width: number) => dec.decode(h.subarray(offset, offset + width)).replace(/\0.*$/s, '')
    const size = parseInt(field(124, 12).trim() || '0', 8)
    const type = field(156, 1)
    const prefix = field(345, 155)
    let path = paxPath ?? (prefix !== '' ? `${prefix}/${field(0, 100)}` : field(0, 100))
    paxPath = undefined
    const padded = size + padding(size).length
    if (type === 'x') {
      if (!(await fill(padded))) throw new Error('truncated tar stream')
      const text = dec.decode(take(padded).subarray(0, size))
      const m = /\d+ path=([^\n]*)\n/.exec(text)
      if (m != null) paxPath = m[1]
      continue
    }
    path = path.replace(/\/$/, '')
    let remaining = size
    let consumed = false
    const content = {
      async * [Symbol.asyncIterator] () {
        consumed = true
        while (remaining > 0) {
          if (buf.length === 0 && !(await fill(1))) throw new Error('truncated tar stream')
          const n = Math.min(remaining, buf.length)
          remaining -= n
          yield take(n).slice()
        }
      },
    }
    yield { path, type: type === '5' ? 'directory' : 'file', size, content }
    if (!consumed) for await (const _ of content) { /* drain */ }
    while (remaining > 0) for await (const _ of content) { /* drain */ }
    const pad = padded - size
    if (pad > 0 && !(await fill(pad))) throw new Error('truncated tar stream')
    take(pad)
  }
}
