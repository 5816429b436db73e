import { expect, test } from 'bun:test'
import { InvalidInputError } from '../utils/errors.ts'
import { BlockUnavailableError, ContentTimeoutError, UnsupportedContentError, errorResponse } from './errors.ts'

test('a gateway error replies with its own status and message as uncacheable plain text', async () => {
  const res = errorResponse(new ContentTimeoutError('/ipfs/Qm1/a', 30_000))
  expect(res.status).toBe(504)
  expect(res.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
  expect(res.headers.get('Cache-Control')).toBe('no-store')
  expect(await res.text()).toBe('Timed out after 30000 ms retrieving "/ipfs/Qm1/a"\n')
})

test('gateway errors carry the project-wide kind next to the spec status', () => {
  expect(new BlockUnavailableError('Qm1', 'offline').kind).toBe('unavailable')
  expect(new BlockUnavailableError('Qm1', 'offline').status).toBe(502)
  expect(new UnsupportedContentError('/ipfs/x', 'dag-cbor').status).toBe(501)
})

test('another project error replies with the status of its kind', () => {
  expect(errorResponse(new InvalidInputError('bad')).status).toBe(400)
})

test('an error with no kind is a bug: 500', async () => {
  const res = errorResponse(new TypeError('oops'))
  expect(res.status).toBe(500)
  expect(await res.text()).toBe('Internal gateway error: oops\n')
})

test('a hostile value is clipped in the message', async () => {
  const res = errorResponse(new ContentTimeoutError(`/ipfs/${'x'.repeat(10_000)}`, 1))
  expect((await res.text()).length).toBeLessThan(300)
})
