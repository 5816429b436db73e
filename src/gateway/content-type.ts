/** How many leading bytes `sniffType` looks at (the WHATWG sniffing window). */
export const SNIFF_BYTES = 512

const UTF8 = '; charset=utf-8'

// Extensions a web gateway meets most; anything else is sniffed from the bytes.
const BY_EXTENSION: Record<string, string> = {
  html: `text/html${UTF8}`,
  htm: `text/html${UTF8}`,
  css: `text/css${UTF8}`,
  js: `text/javascript${UTF8}`,
  mjs: `text/javascript${UTF8}`,
  json: `application/json${UTF8}`,
  map: `application/json${UTF8}`,
  webmanifest: `application/manifest+json${UTF8}`,
  txt: `text/plain${UTF8}`,
  md: `text/markdown${UTF8}`,
  csv: `text/csv${UTF8}`,
  xml: `application/xml${UTF8}`,
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  pdf: 'application/pdf',
  wasm: 'application/wasm',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  webm: 'video/webm',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf'
}

/** The media type implied by a file name's extension, if we know it. */
export function typeFromName(name: string): string | undefined {
  const dot = name.lastIndexOf('.')
  if (dot <= 0) return undefined
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()]
}

const MAGIC: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  [[0x47, 0x49, 0x46, 0x38, 0x37, 0x61], 'image/gif'],
  [[0x47, 0x49, 0x46, 0x38, 0x39, 0x61], 'image/gif'],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'application/pdf'],
  [[0x00, 0x61, 0x73, 0x6d], 'application/wasm'],
  [[0x1f, 0x8b, 0x08], 'application/gzip'],
  [[0x50, 0x4b, 0x03, 0x04], 'application/zip']
]

/** Guesses a media type from the first bytes: a few magic numbers, HTML, UTF-8 text, else octet-stream. */
export function sniffType(bytes: Uint8Array): string {
  const head = bytes.subarray(0, SNIFF_BYTES)
  for (const [magic, type] of MAGIC) {
    if (magic.every((b, i) => head[i] === b)) return type
  }
  if (isWebp(head)) return 'image/webp'
  const text = decodeUtf8(head)
  if (text == null) return 'application/octet-stream'
  if (/^\s*(<!doctype html|<html[\s>])/i.test(text)) return `text/html${UTF8}`
  return `text/plain${UTF8}`
}

function isWebp(b: Uint8Array): boolean {
  const ascii = (from: number, to: number): string => String.fromCharCode(...b.subarray(from, to))
  return b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP'
}

// Text means valid UTF-8 (a sequence cut at the window's end is fine) with no binary control bytes.
function decodeUtf8(bytes: Uint8Array): string | undefined {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true })
  } catch {
    return undefined
  }
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]/.test(text) ? undefined : text
}
