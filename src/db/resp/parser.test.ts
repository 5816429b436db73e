import { describe, expect, test } from 'bun:test'
import { RespParser, RespProtocolError, type ParserLimits } from './parser.ts'

const enc = new TextEncoder()
const dec = new TextDecoder()
const bytes = (s: string) => Uint8Array.from(s, c => c.charCodeAt(0))

/** Feeds `input` in chunks of `size` bytes (0: whole) and returns every command as strings, plus the error if any. */
function parse(input: Uint8Array | string, size = 0, limits: Partial<ParserLimits> = {}): { commands: string[][], error?: string } {
  const data = typeof input === 'string' ? bytes(input) : input
  const p = new RespParser(limits)
  const commands: string[][] = []
  const chunk = size > 0 ? size : Math.max(1, data.length)
  try {
    for (let i = 0; i < data.length; i += chunk) {
      p.push(data.subarray(i, i + chunk))
      for (let c = p.next(); c != null; c = p.next()) commands.push(c.map(a => dec.decode(a)))
    }
  } catch (e) {
    if (!(e instanceof RespProtocolError)) throw e
    return { commands, error: e.reply }
  }
  return { commands }
}

function frame(...args: string[]): string {
  return `*${args.length}\r\n${args.map(a => `$${enc.encode(a).length}\r\n${a}\r\n`).join('')}`
}

describe('RespParser', () => {
  const pipeline = frame('SET', 'key', 'value') + 'PING\r\n' + frame('GET', 'key') + frame('ECHO', '') + 'SET k "a b" \'c d\'\n'
  const expected = [['SET', 'key', 'value'], ['PING'], ['GET', 'key'], ['ECHO', ''], ['SET', 'k', 'a b', 'c d']]

  test('parses a pipeline of multibulk and inline commands fed whole', () => {
    expect(parse(pipeline)).toEqual({ commands: expected })
  })

  test('parses the same pipeline fed byte by byte and in every chunk size up to 17', () => {
    for (let size = 1; size <= 17; size++) expect(parse(pipeline, size)).toEqual({ commands: expected })
  })

  test('hands out views into the received chunk when a frame arrives whole', () => {
    const chunk = bytes(frame('GET', 'abc'))
    const p = new RespParser()
    p.push(chunk)
    const args = p.next()!
    expect(args[1]!.buffer).toBe(chunk.buffer)
    expect(p.next()).toBeNull()
  })

  test('keeps earlier arguments intact when later chunks arrive', () => {
    const p = new RespParser()
    const text = frame('SET', 'k1', 'v1') + frame('SET', 'k2', 'v2')
    const got: Uint8Array[][] = []
    for (let i = 0; i < text.length; i += 3) {
      p.push(bytes(text.slice(i, i + 3)))
      for (let c = p.next(); c != null; c = p.next()) got.push(c)
    }
    expect(got.map(c => c.map(a => dec.decode(a)))).toEqual([['SET', 'k1', 'v1'], ['SET', 'k2', 'v2']])
  })

  test('reads a 5 MiB bulk string split into 64 KiB chunks', () => {
    const size = 5 * 1024 * 1024
    const head = enc.encode(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${size}\r\n`)
    const data = new Uint8Array(head.length + size + 2).fill(120)
    data.set(head)
    data.set(enc.encode('\r\n'), head.length + size)
    const p = new RespParser()
    const got: Uint8Array[][] = []
    for (let i = 0; i < data.length; i += 65536) {
      p.push(data.subarray(i, i + 65536))
      for (let c = p.next(); c != null; c = p.next()) got.push(c)
    }
    expect(got.length).toBe(1)
    expect(got[0]![2]!.length).toBe(size)
    expect(got[0]![2]!.every(b => b === 120)).toBe(true)
  })

  test('ignores empty arrays, null arrays and blank inline lines, as Redis does', () => {
    expect(parse('*0\r\n*-1\r\n\r\n   \r\nPING\r\n')).toEqual({ commands: [['PING']] })
  })

  test('handles quotes and escapes in inline commands like sdssplitargs', () => {
    expect(parse('SET k "a\\x41\\n b" \r\n').commands).toEqual([['SET', 'k', 'aA\n b']])
    expect(parse("SET k 'it\\'s'\r\n").commands).toEqual([['SET', 'k', "it's"]])
    expect(parse('GET ab"c d"e\r\n')).toEqual({ commands: [], error: 'ERR Protocol error: unbalanced quotes in request' })
    expect(parse('PING "a\r\n').error).toBe('ERR Protocol error: unbalanced quotes in request')
  })

  test('answers malformed frames with Redis\'s protocol errors, after the good commands before them', () => {
    expect(parse('*1\r\n$4\r\nPING\r\n*x\r\n')).toEqual({ commands: [['PING']], error: 'ERR Protocol error: invalid multibulk length' })
    expect(parse('*2\r\n$4\r\nECHO\r\n:3\r\n').error).toBe("ERR Protocol error: expected '$', got ':'")
    expect(parse('*1\r\n$-5\r\n').error).toBe('ERR Protocol error: invalid bulk length')
    expect(parse('*1\r\n$01\r\nA\r\n').error).toBe('ERR Protocol error: invalid bulk length')
    expect(parse('*1\r\n$+1\r\nA\r\n').error).toBe('ERR Protocol error: invalid bulk length')
    expect(parse('*3000000000\r\n').error).toBe('ERR Protocol error: invalid multibulk length')
  })

  test('enforces the bulk, argument-count and inline limits', () => {
    expect(parse('*1\r\n$11\r\n', 0, { maxBulkBytes: 10 }).error).toBe('ERR Protocol error: invalid bulk length')
    expect(parse('*1\r\n$10\r\n0123456789\r\n', 0, { maxBulkBytes: 10 }).commands).toEqual([['0123456789']])
    expect(parse('*5\r\n', 0, { maxArgs: 4 }).error).toBe('ERR Protocol error: invalid multibulk length')
    expect(parse('A'.repeat(70_000)).error).toBe('ERR Protocol error: too big inline request')
    expect(parse('*' + '1'.repeat(70_000)).error).toBe('ERR Protocol error: too big mbulk count string')
    expect(parse('*1\r\n$' + '1'.repeat(70_000)).error).toBe('ERR Protocol error: too big bulk count string')
  })

  test('applies Redis\'s smaller limits while the client is unauthenticated', () => {
    const p = new RespParser()
    p.unauthenticated = true
    p.push(bytes('*2\r\n$4\r\nECHO\r\n$16385\r\n'))
    expect(() => p.next()).toThrow('unauthenticated bulk length')
    const q = new RespParser()
    q.unauthenticated = true
    q.push(bytes('*1048577\r\n'))
    expect(() => q.next()).toThrow('unauthenticated multibulk length')
    const r = new RespParser()
    r.unauthenticated = true
    r.push(bytes(frame('ECHO', 'x'.repeat(16384))))
    expect(r.next()!.length).toBe(2)
  })

  test('refuses every call after a protocol error', () => {
    const p = new RespParser()
    p.push(bytes('*x\r\n'))
    expect(() => p.next()).toThrow(RespProtocolError)
    p.push(bytes('PING\r\n'))
    expect(() => p.next()).toThrow(RespProtocolError)
  })

  test('never throws anything but protocol errors on random bytes', () => {
    let seed = 42
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff)
    const alphabet = bytes('*$\r\n0123456789-+: "\'\\xAbc')
    for (let round = 0; round < 2000; round++) {
      const n = rand() % 200
      const data = new Uint8Array(n)
      for (let i = 0; i < n; i++) data[i] = round % 2 === 0 ? rand() % 256 : alphabet[rand() % alphabet.length]!
      const p = new RespParser({ maxBulkBytes: 1000 })
      let i = 0
      try {
        while (i < n) {
          const size = 1 + (rand() % 16)
          p.push(data.subarray(i, i + size))
          i += size
          for (let c = p.next(), guard = 0; c != null && guard < 1000; c = p.next(), guard++) expect(Array.isArray(c)).toBe(true)
        }
      } catch (e) {
        expect(e).toBeInstanceOf(RespProtocolError)
      }
    }
  })
})
