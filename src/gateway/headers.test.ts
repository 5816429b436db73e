import { expect, test } from 'bun:test'
import { contentDisposition, etagMatches } from './headers.ts'

test('etagMatches finds the tag in a list, compares weakly and honours *', () => {
  expect(etagMatches('"a", "Qm1"', '"Qm1"')).toBe(true)
  expect(etagMatches('W/"Qm1"', '"Qm1"')).toBe(true)
  expect(etagMatches('*', '"Qm1"')).toBe(true)
  expect(etagMatches('"Qm2"', '"Qm1"')).toBe(false)
  expect(etagMatches('Qm1', '"Qm1"')).toBe(false)
  expect(etagMatches(undefined, '"Qm1"')).toBe(false)
})

test('contentDisposition keeps plain ASCII names as they are', () => {
  expect(contentDisposition('attachment', 'Qm1.car')).toBe('attachment; filename="Qm1.car"')
})

test('contentDisposition gives other names an ASCII fallback and an RFC 8187 form', () => {
  expect(contentDisposition('inline', 'a "b" (ü).txt')).toBe(
    'inline; filename="a _b_ (_).txt"; filename*=UTF-8\'\'a%20%22b%22%20%28%C3%BC%29.txt'
  )
})
