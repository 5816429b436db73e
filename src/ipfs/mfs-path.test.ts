import { describe, expect, test } from 'bun:test'
import { formatMfsPath, isWithin, parseMfsPath } from './mfs-path.ts'
import { InvalidInputError } from '../utils/errors.ts'

describe('file tree paths', () => {
  test('are absolute, with "." and repeated slashes ignored and a trailing slash noted', () => {
    expect(parseMfsPath('/')).toEqual({ segments: [], trailingSlash: false })
    expect(parseMfsPath('/a//./b')).toEqual({ segments: ['a', 'b'], trailingSlash: false })
    expect(parseMfsPath('/a/b/')).toEqual({ segments: ['a', 'b'], trailingSlash: true })
    expect(formatMfsPath(['a', 'b'])).toBe('/a/b')
    expect(formatMfsPath([])).toBe('/')
  })

  test('refuse relative paths, ".." and NUL bytes', () => {
    for (const bad of ['', 'a/b', '/a/../b', '/..', '/a\0b']) expect(() => parseMfsPath(bad)).toThrow(InvalidInputError)
  })

  test('know when one lies within another', () => {
    expect(isWithin(['a', 'b'], ['a'])).toBe(true)
    expect(isWithin(['a'], ['a'])).toBe(true)
    expect(isWithin(['ab'], ['a'])).toBe(false)
    expect(isWithin(['a'], ['a', 'b'])).toBe(false)
  })
})
