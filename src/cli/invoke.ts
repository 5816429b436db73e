/**
 * Runs a node command from the CLI: uploads files when the command takes
 * them, then prints the reply — JSON, a stream of JSON lines, or bytes.
 */
import { mkdir, open, readFile, stat } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { SingleBar } from 'cli-progress'
import type { Command, Options } from '../api/command.ts'
import { callApi } from './node-client.ts'
import { collectUploads, multipartBody } from './upload.ts'
import { printJson, stdoutLines, writeStdout } from './output.ts'
import { readTar } from '../utils/tar.ts'
import { InvalidInputError, LeitherError } from '../utils/errors.ts'

export interface InvokeInit {
  baseUrl: string
  /** The root whose node we call (for "not running" messages); undefined with -n. */
  root?: string
  args: string[]
  options: Options
  json: boolean
}

/** Show a progress bar only for people (a TTY) and only when it is worth it. */
const PROGRESS_MIN_BYTES = 8 * 1024 * 1024

async function * ndjsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<any> {
  const dec = new TextDecoder()
  let buf = ''
  for await (const chunk of body as any as AsyncIterable<Uint8Array>) {
    buf += dec.decode(chunk, { stream: true })
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim()
      buf = buf.slice(nl + 1)
      if (line !== '') yield JSON.parse(line)
    }
  }
  if (buf.trim() !== '') yield JSON.parse(buf)
}

/** Arguments that may name a local file are replaced by its contents (dht put <key> <file|value>). */
async function withFileValues(cmd: Command, args: string[]): Promise<string[]> {
  const specs = cmd.args ?? []
  return Promise.all(args.map(async (arg, i) => {
    if (specs[i]?.fileOrValue !== true) return arg
    try {
      if ((await stat(arg)).isFile()) return await readFile(arg, 'utf8')
    } catch { /* not a file: the value itself */ }
    return arg
  }))
}

/** An upload argument that takes stdin (`files write <path> [file]`) reads it when left out or `-`. */
function readsStdin(cmd: Command, local: string[]): boolean {
  return cmd.args?.[cmd.uploadArg ?? 0]?.stdin === true && (local.length === 0 || (local.length === 1 && local[0] === '-'))
}

/** A one-file multipart body streaming standard input (a pipe or a socket alike). */
function stdinUpload(): { body: ReadableStream<Uint8Array>, contentType: string } {
  return multipartBody([{ name: 'stdin', stream: process.stdin as AsyncIterable<Uint8Array>, size: 0 }])
}

export async function invokeNodeCommand(cmd: Command, init: InvokeInit): Promise<void> {
  let args = await withFileValues(cmd, init.args)
  let body: ReadableStream<Uint8Array> | undefined
  let contentType: string | undefined
  let bar: SingleBar | undefined
  if (cmd.uploadsFiles === true) {
    const first = cmd.uploadArg ?? 0
    const local = args.slice(first)
    const stdin = readsStdin(cmd, local)
    const entries = stdin ? [] : await collectUploads(local, { recursive: init.options.recursive === true, hidden: init.options.hidden === true })
    const total = entries.reduce((n, e) => n + e.size, 0)
    if (process.stderr.isTTY && !init.json && total >= PROGRESS_MIN_BYTES) {
      bar = new SingleBar({ stream: process.stderr, format: '{bar} {percentage}% | {value_mb}/{total_mb} MiB | {speed} MiB/s', hideCursor: true })
      bar.start(total, 0, { value_mb: '0.0', total_mb: (total / 1048576).toFixed(1), speed: '0' })
    }
    let sent = 0
    const started = Date.now()
    const upload = stdin ? stdinUpload() : multipartBody(entries, n => {
      sent += n
      bar?.update(sent, { value_mb: (sent / 1048576).toFixed(1), speed: (sent / 1048576 / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1) })
    })
    body = upload.body
    contentType = upload.contentType
    args = args.slice(0, first)
  }
  const query: Record<string, string | number | boolean | undefined> = {}
  for (const [k, v] of Object.entries(init.options)) if (v !== undefined) query[k] = v
  let res: Response
  try {
    res = await callApi(init.baseUrl, cmd.path, { args, query, body, contentType }, init.root)
  } finally {
    bar?.stop()
  }

  if (cmd.output === 'json') {
    const value = await res.json()
    if (init.json) printJson(value)
    else cmd.render?.(value, stdoutLines, init.options)
    return
  }
  if (cmd.output === 'ndjson') {
    const values: any[] = []
    for await (const value of ndjsonLines(res.body!)) {
      if (value?.Type === 'error') throw new LeitherError('internal', value.Message)
      values.push(value)
      if (init.json) process.stdout.write(JSON.stringify(value) + '\n')
      else cmd.render?.(value, stdoutLines, init.options)
    }
    if (!init.json) cmd.renderEnd?.(values, stdoutLines, init.options)
    return
  }
  if (cmd.repliesTar === true) return extractGet(res, init)
  for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) await writeStdout(chunk)
}

/** `ipfs get`: unpack the node's tar stream under the output path, never outside it. */
async function extractGet(res: Response, init: InvokeInit): Promise<void> {
  let rootName: string | undefined
  let target = ''
  let base = ''
  let files = 0
  for await (const entry of readTar(res.body as any as AsyncIterable<Uint8Array>)) {
    // The first entry names the whole download (a CID, a MiMei ID or a path's last segment).
    if (rootName == null) {
      rootName = entry.path.split('/')[0]!
      if (rootName === '' || rootName === '..' || rootName === '.') throw new InvalidInputError(`refusing a download named "${entry.path}"`)
      target = resolve(typeof init.options.output === 'string' ? init.options.output : rootName)
      base = dirname(target)
    }
    const rel = entry.path === rootName ? '' : entry.path.slice(rootName.length + 1)
    const dest = rel === '' ? target : join(target, rel)
    if (dest !== target && !dest.startsWith(target + sep)) throw new InvalidInputError(`refusing to write outside "${target}": "${entry.path}"`)
    if (!dest.startsWith(base)) throw new InvalidInputError(`refusing to write "${dest}"`)
    if (entry.type === 'directory') {
      await mkdir(dest, { recursive: true })
      continue
    }
    await mkdir(dirname(dest), { recursive: true })
    const fh = await open(dest, 'w')
    try {
      for await (const chunk of entry.content) await fh.write(chunk)
    } finally {
      await fh.close()
    }
    files++
  }
  if (init.json) printJson({ Path: target, Files: files })
  else stdoutLines.line(`Saving file(s) to ${target}`)
}
