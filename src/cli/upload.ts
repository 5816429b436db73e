/**
 * Builds a streaming kubo-style multipart body from local paths: files as
 * parts named by their URL-encoded relative path, directories as
 * application/x-directory parts. Counts bytes for the progress bar.
 */
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { InvalidInputError, NotFoundError } from '../utils/errors.ts'

export interface UploadEntry {
  /** Path inside the upload, e.g. "dir/sub/file.txt". */
  name: string
  /** Absolute path on disk; undefined for a directory. */
  file?: string
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
      const type = e.file == null ? 'application/x-directory' : 'application/octet-stream'
      yield enc.encode(`${i > 0 ? '\r\n' : ''}--${boundary}\r\nContent-Disposition: form-data; name="${e.file == null ? 'dir' : 'file'}"; filename="${encodeURIComponent(e.name)}"\r\nContent-Type: ${type}\r\n\r\n`)
      if (e.file != null) {
        for await (const chunk of createReadStream(e.file, { highWaterMark: 1024 * 1024 })) {
          onBytes?.(chunk.length)
          yield chunk as Uint8Array
        }
      }
    }
    yield enc.encode(`\r\n--${boundary}--\r\n`)
  }
  const it = parts()
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await it.next()
      if (done === true) controller.close()
      else controller.enqueue(value)
    },
    async cancel() { await it.return(undefined) },
  })
  return { body, contentType: `multipart/form-data; boundary=${boundary}` }
}
