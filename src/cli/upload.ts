/**
 * Builds a streaming kubo-style multipart body from local paths: files as
 * parts named by their URL-encoded relative path, directories as
 * application/x-directory parts. Counts bytes for the progress bar.
 */
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { InvalidInputError, NotFoundError } from '../utils/errors.ts'
import { readableFrom } from '../utils/readable-from.ts'

export interface UploadEntry {
  /** Path inside the upload, e.g. "dir/sub/file.txt". */
  name: string
  /** Absolute path on disk; undefined for a directory (or a stream). */
  file?: string
  /** Bytes from elsewhere (standard input) instead of a file. */
  stream?: AsyncIterable<Uint8Array>
  size: number
}

export interface WalkOptions {
  recursive: boolean
  hidden: boolean
}

/** Lists what an add of these paths will upload, failing before anything is sent. */
export async function collectUploads(paths: string[], opts: WalkOptions): Promise<UploadEntry[]> {
  const out: UploadEntry[] = []
  const walk = async (abs: string, name: string): Promise<void> => {
    const info = await stat(abs)
    if (info.isDirectory()) {
      out.push({ name, size: 0 })
      const children = (await readdir(abs)).sort()
      for (const child of children) {
        if (!opts.hidden && child.startsWith('.')) continue
        await walk(join(abs, child), `${name}/${child}`)
      }
    } else if (info.isFile()) {
      out.push({ name, file: abs, size: info.size })
    }
  }
  for (const p of paths) {
    const abs = resolve(p)
    let info
    try {
      info = await stat(abs)
    } catch {
      throw new NotFoundError(`no such file or directory: "${p}"`)
    }
    if (info.isDirectory() && !opts.recursive) throw new InvalidInputError(`"${p}" is a directory; add it with -r`)
    await walk(abs, basename(abs))
  }
  return out
}

const enc = new TextEncoder()

export function multipartBody(entries: UploadEntry[], onBytes?: (n: number) => void): { body: ReadableStream<Uint8Array>, contentType: string } {
  const boundary = `leither-${crypto.randomUUID()}`
  async function * parts(): AsyncGenerator<Uint8Array> {
    for (const [i, e] of entries.entries()) {
      const isDir = e.file == null && e.stream == null
      const type = isDir ? 'application/x-directory' : 'application/octet-stream'
      yield enc.encode(`${i > 0 ? '\r\n' : ''}--${boundary}\r\nContent-Disposition: form-data; name="${isDir ? 'dir' : 'file'}"; filename="${encodeURIComponent(e.name)}"\r\nContent-Type: ${type}\r\n\r\n`)
      if (!isDir) {
        for await (const chunk of e.stream ?? createReadStream(e.file!, { highWaterMark: 1024 * 1024 })) {
          onBytes?.(chunk.length)
          yield chunk as Uint8Array
        }
      }
    }
    yield enc.encode(`\r\n--${boundary}--\r\n`)
  }
  return { body: readableFrom(parts()), contentType: `multipart/form-data; boundary=${boundary}` }
}
