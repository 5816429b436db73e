/**
 * The two multipart readers must agree: every body here goes through both,
 * and the entries (path, directory or bytes) and the error must be the same.
 */
import { describe, expect, test } from 'bun:test'
import { BUFFERED_BODY_BYTES, multipartEntries, type MultipartLimits } from './index.ts'
import { bufferedEntries } from './buffered.ts'
import { streamedEntries } from './streamed.ts'

const enc = new TextEncoder()
const LIMITS: MultipartLimits = { maxFileBytes: 1 << 20, maxParts: 100 }

type Outcome = { entries: string[], error?: string }

async function collect(entries: AsyncIterable<{ path?: string, content?: unknown }>): Promise<Outcome> {
  const out: string[] = []
  try {
    for await (const entry of entries) {
      if (entry.content == null) {
        out.push(`dir ${entry.path}`)
        continue
      }
      const chunks: Uint8Array[] = []
      for await (const chunk of entry.content as AsyncIterable<Uint8Array>) chunks.push(chunk)
      out.push(`file ${entry.path} ${Buffer.concat(chunks).toString('hex')}`)
    }
    return { entries: out }
  } catch (err) {
    const message = (err as Error).message
    // Parsers word their syntax errors differently; what they were is the same.
    return { entries: out, error: message.startsWith('malformed multipart body:') ? 'malformed multipart body' : message }
  }
}

async function both(body: Uint8Array, boundary: string, limits = LIMITS, contentType = `multipart/form-data; boundary=${boundary}`): Promise<[Outcome, Outcome]> {
  const buffered = await collect(bufferedEntries(async () => body, boundary, contentType, limits))
  let streamed: Outcome
  try {
    streamed = await collect(streamedEntries(new Response(body).body!, contentType, limits))
  } catch (err) {
    streamed = { entries: [], error: (err as Error).message }
  }
  return [buffered, streamed]
}

/** A body from raw parts: each is its header lines and content. */
function raw(boundary: string, parts: Array<[string[], string | Uint8Array]>, opts: { preamble?: string, epilogue?: string, final?: boolean } = {}): Uint8Array {
  const pieces: Uint8Array[] = [enc.encode(opts.preamble ?? '')]
  for (const [headers, content] of parts) {
    pieces.push(enc.encode(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`))
    pieces.push(typeof content === 'string' ? enc.encode(content) : content)
    pieces.push(enc.encode('\r\n'))
  }
  if (opts.final !== false) pieces.push(enc.encode(`--${boundary}--\r\n${opts.epilogue ?? ''}`))
  return Buffer.concat(pieces)
}

const file = (name: string, type = 'application/octet-stream') => [`Content-Disposition: form-data; name="file"; filename="${name}"`, `Content-Type: ${type}`]

const CASES: Array<{ name: string, body: Uint8Array, limits?: MultipartLimits, expect: Partial<Outcome> }> = [
  {
    name: 'kubo-style files and directories, URL-encoded paths',
    body: raw('b1', [
      [file('dir', 'application/x-directory'), ''],
      [file('dir%2Fa.txt'), 'hello'],
      [file('dir%2Fsub%2Fb%20c.bin'), new Uint8Array([0, 255, 13, 10, 45, 45])],
      [file('dir%2Fempty'), ''],
    ]),
    expect: { entries: ['dir dir', 'file dir/a.txt 68656c6c6f', 'file dir/sub/b c.bin 00ff0d0a2d2d', 'file dir/empty '] },
  },
  {
    name: 'fields, parts without a disposition and attachments are skipped',
    body: raw('b2', [
      [['Content-Disposition: form-data; name="note"'], 'just a field'],
      [['Content-Type: text/plain'], 'no disposition'],
      [['Content-Disposition: attachment; filename="x"'], 'not form-data'],
      [file('kept.txt'), 'kept'],
    ]),
    expect: { entries: ['file kept.txt 6b657074'] },
  },
  { name: 'preamble and epilogue', body: raw('b3', [[file('a'), 'A']], { preamble: 'ignore me\r\n', epilogue: 'and me' }), expect: { entries: ['file a 41'] } },
  {
    name: 'a literal slash or backslash keeps only the last segment',
    body: raw('b4', [[file('some/where/x.txt'), 'x'], [file('C:\\dir\\y.txt'), 'y'], [file('z/..'), 'z']]),
    expect: { entries: ['file x.txt 78', 'file y.txt 79', 'file undefined 7a'] },
  },
  {
    name: 'quoted-pair escapes and RFC 5987 filenames',
    body: raw('b4b', [
      [['Content-Disposition: form-data; name="file"; filename="say \\"hi\\".txt"'], 'q'],
      [["Content-Disposition: form-data; name=\"file\"; filename*=utf-8''%E4%BD%A0%E5%A5%BD.txt"], 'u'],
    ]),
    expect: { entries: ['file say "hi".txt 71', 'file 你好.txt 75'] },
  },
  { name: 'directory type in any case, with parameters', body: raw('b5', [[file('d', 'APPLICATION/X-Directory; charset=binary'), '']]), expect: { entries: ['dir d'] } },
  { name: 'no content type is a file', body: raw('b6', [[['Content-Disposition: form-data; name="f"; filename="n"'], 'n']]), expect: { entries: ['file n 6e'] } },
  { name: 'an empty filename is the upload root', body: raw('b7', [[file(''), 'root']]), expect: { entries: ['file undefined 726f6f74'] } },
  { name: 'path traversal is refused', body: raw('b8', [[file('..%2F..%2Fetc%2Fpasswd'), 'x']]), expect: { error: 'upload path may not contain "..": "../../etc/passwd"' } },
  { name: 'bad URL encoding is refused', body: raw('b9', [[file('%E0%A4%A'), 'x']]), expect: { error: 'upload path is not valid URL encoding: "%E0%A4%A"' } },
  { name: 'only fields: no files', body: raw('b10', [[['Content-Disposition: form-data; name="a"'], '1']]), expect: { entries: [], error: 'the upload has no files' } },
  { name: 'no parts at all', body: enc.encode('--b11--\r\n'), expect: { entries: [], error: 'the upload has no files' } },
  { name: 'a cut-off body', body: raw('b12', [[file('a'), 'AAAA']], { final: false }), expect: { error: 'malformed multipart body' } },
  { name: 'garbage', body: enc.encode('--b13\r\ngarbage'), expect: { error: 'malformed multipart body' } },
  {
    name: 'too many parts',
    body: raw('b14', [[file('1'), '1'], [file('2'), '2'], [file('3'), '3'], [file('4'), '4']]),
    limits: { maxFileBytes: 100, maxParts: 3 },
    expect: { error: 'more than 3 parts in one upload' },
  },
  {
    name: 'a file over the size limit',
    body: raw('b15', [[file('big'), 'x'.repeat(20)]]),
    limits: { maxFileBytes: 10, maxParts: 100 },
    expect: { error: 'file "big" is larger than the limit of 10 bytes' },
  },
]

describe('multipart readers', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const boundary = /^--([^\r\n-]+)/.exec(new TextDecoder().decode(c.body.subarray(c.body.indexOf(45))))?.[1] ?? ''
      const [buffered, streamed] = await both(c.body, boundary, c.limits)
      expect(buffered.error).toBe(streamed.error)
      if (c.expect.error != null) {
        expect(buffered.error).toBe(c.expect.error)
      } else {
        expect(buffered).toEqual(streamed)
        expect(buffered.error).toBeUndefined()
      }
      if (c.expect.entries != null) expect(buffered.entries).toEqual(c.expect.entries)
    })
  }

  test('FormData as browsers and the CLI build it', async () => {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(70_000).fill(7)]), 'big.bin')
    form.append('file', new Blob(['x']), 'a%2Fb')
    const request = new Request('http://x/', { method: 'POST', body: form })
    const contentType = request.headers.get('content-type')!
    const body = await request.bytes()
    const boundary = /boundary=(.+)$/.exec(contentType)![1]!
    const [buffered, streamed] = await both(body, boundary, LIMITS, contentType)
    expect(buffered).toEqual(streamed)
    expect(buffered.entries.map(e => e.slice(0, 12))).toEqual(['file big.bin', 'file a/b 78'])
  })

  test('multipartEntries reads small declared bodies whole and streams the rest', async () => {
    const body = raw('bb', [[file('a'), 'A']])
    const headers = (length?: number) => ({ 'content-type': 'multipart/form-data; boundary=bb', ...(length != null ? { 'content-length': String(length) } : {}) })
    const small = new Request('http://x/', { method: 'POST', body, headers: headers(body.length) })
    expect(await collect(multipartEntries(small, LIMITS))).toEqual({ entries: ['file a 41'] })
    const unknown = new Request('http://x/', { method: 'POST', body: new Response(body).body, headers: headers() })
    expect(await collect(multipartEntries(unknown, LIMITS))).toEqual({ entries: ['file a 41'] })
    expect(BUFFERED_BODY_BYTES).toBeGreaterThanOrEqual(1 << 20)
    const noBoundary = new Request('http://x/', { method: 'POST', body, headers: { 'content-type': 'multipart/form-data', 'content-length': String(body.length) } })
    expect(() => multipartEntries(noBoundary, LIMITS)).toThrow('malformed multipart body')
    const notMultipart = new Request('http://x/', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } })
    expect(() => multipartEntries(notMultipart, LIMITS)).toThrow('expected a multipart/form-data body')
  })
})
