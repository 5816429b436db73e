import { describe, expect, test } from 'bun:test'
import { globMatch, globPrefix } from './glob.ts'
import { bytes, text } from './testing.ts'

/** [pattern, string, whether Redis 7.0 matches it] — recorded from a real redis-server. */
const CASES: Array<[string, string, boolean]> = [
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['h*llo', 'hllo', true],
  ['h*llo', 'heeeello', true],
  ['h[ae]llo', 'hello', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hbllo', true],
  ['h[a-b]llo', 'hcllo', false],
  ['h[b-a]llo', 'hallo', true],
  ['h\\*llo', 'h*llo', true],
  ['h\\*llo', 'hello', false],
  ['*', '', false],
  ['*', 'x', true],
  ['', '', true],
  ['', 'a', false],
  ['a*', 'a', true],
  ['*a', 'a', true],
  ['**a**', 'bab', true],
  ['[', '[', false],
  ['[', 'a', false],
  ['[a', 'a', true],
  ['[a', 'ab', false],
  ['[^', 'x', true],
  ['[^]', 'x', true],
  ['[]]', ']', false],
  ['[]a]', 'a', false],
  ['[\\]]', ']', true],
  ['[\\', '\\', true],
  ['\\', '\\', true],
  ['a\\', 'a\\', true],
  ['[a-]', '-', false],
  ['[a-]', 'a', true],
  ['[-a]', '-', true],
  ['[a-c-e]', 'd', false],
  ['[a-c-e]', '-', true],
  ['?', '', false],
  ['??', 'a', false],
  ['*?*', 'x', true],
  ['a*b*c', 'aXbYc', true],
  ['a*b*c', 'aXbY', false],
  ['a*a*a*a*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', false],
  ['*[', 'x[', false],
  ['[*]', '*', true],
  ['[?]', 'a', false],
  ['\\?', '?', true],
  ['\\?', 'a', false],
  ['[\\-]', '-', true],
  ['x[\\x]y', 'xxy', true],
  ['[\x80-\xff]', '\x90', true],
  ['[\x01-\x80]', '\x7f', false],
  ['[\x01-\x80]', '\x90', true],
  ['\xff*', '\xff\x00', true],
  ['a[]', 'a]', false],
  ['[!a]', 'b', false],
  ['[!a]', '!', true],
]

describe('globMatch', () => {
  test('agrees with Redis on tricky patterns: classes, ranges, escapes, unclosed brackets, high bytes', () => {
    for (const [pattern, s, expected] of CASES) {
      expect({ pattern, s, match: globMatch(bytes(pattern), bytes(s)) }).toEqual({ pattern, s, match: expected })
    }
  })

  test('gives up quickly on patterns that would backtrack exponentially', () => {
    const started = performance.now()
    expect(globMatch(bytes('a*'.repeat(30) + 'b'), bytes('a'.repeat(5000)))).toBe(false)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('globPrefix', () => {
  test('is the literal text before the first wildcard, escapes resolved', () => {
    expect(text(globPrefix(bytes('user:*')))).toBe('user:')
    expect(text(globPrefix(bytes('a\\*b?')))).toBe('a*b')
    expect(text(globPrefix(bytes('[ab]c')))).toBe('')
    expect(text(globPrefix(bytes('plain')))).toBe('plain')
    expect(text(globPrefix(bytes('x\\')))).toBe('x')
  })
})
