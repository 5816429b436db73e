import { expect, test } from 'bun:test'
import { sniffType, typeFromName } from './content-type.ts'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

test('typeFromName uses the last extension, case-insensitively', () => {
  expect(typeFromName('index.HTML')).toBe('text/html; charset=utf-8')
  expect(typeFromName('photo.final.JPG')).toBe('image/jpeg')
  expect(typeFromName('app.wasm')).toBe('application/wasm')
})

test('typeFromName knows nothing of names without a known extension', () => {
  expect(typeFromName('README')).toBeUndefined()
  expect(typeFromName('.bashrc')).toBeUndefined()
  expect(typeFromName('data.unknownext')).toBeUndefined()
})

test('sniffType recognises magic numbers', () => {
  expect(sniffType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1]))).toBe('image/png')
  expect(sniffType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg')
  expect(sniffType(bytes('GIF89a...'))).toBe('image/gif')
  expect(sniffType(bytes('%PDF-1.7\n'))).toBe('application/pdf')
  expect(sniffType(bytes('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toBe('image/webp')
})

test('sniffType recognises HTML after leading whitespace', () => {
  expect(sniffType(bytes('  \n<!DOCTYPE html>\n<p>x'))).toBe('text/html; charset=utf-8')
  expect(sniffType(bytes('<html lang="en">'))).toBe('text/html; charset=utf-8')
  expect(sniffType(bytes('<htmlx'))).toBe('text/plain; charset=utf-8')
})

test('sniffType calls UTF-8 text plain, even when cut inside a character', () => {
  expect(sniffType(bytes('hello world\n'))).toBe('text/plain; charset=utf-8')
  const cut = bytes('grüße').subarray(0, 3) // "gr" + half of "ü"
  expect(sniffType(cut)).toBe('text/plain; charset=utf-8')
})

test('sniffType calls invalid UTF-8 or control bytes octet-stream', () => {
  expect(sniffType(Uint8Array.from([0xc3, 0x28]))).toBe('application/octet-stream')
  expect(sniffType(Uint8Array.from([0x68, 0x00, 0x69]))).toBe('application/octet-stream')
})
