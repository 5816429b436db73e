import { describe, expect, test } from 'bun:test'
import { formatDouble, formatStoredDouble, nextDown, nextUp, parseDouble, parseDoubleLoose } from './float.ts'
import { addLongDouble, formatLongDouble, parseLongDouble } from './longdouble.ts'
import { bytes } from './testing.ts'

describe('formatDouble', () => {
  test('prints like printf("%.17g"), as Redis 7.0 does for scores', () => {
    // Expected texts from C's printf; 200k random doubles were checked the same way.
    const cases: Array<[number, string]> = [
      [0.1, '0.10000000000000001'], [1.5, '1.5'], [3, '3'], [-2.5, '-2.5'], [100, '100'],
      [1e20, '1e+20'], [1e16, '10000000000000000'], [1e17, '1e+17'], [123456789012345678, '1.2345678901234568e+17'],
      [1e-5, '1.0000000000000001e-05'], [0.000123, '0.00012300000000000001'], [1e-4, '0.0001'],
      [5e-324, '4.9406564584124654e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'],
      [123456789012345.625, '123456789012345.62'], // an exact tie rounds to even, as glibc does
      [0, '0'], [-0, '-0'], [Infinity, 'inf'], [-Infinity, '-inf'], [NaN, 'nan'],
    ]
    for (const [x, s] of cases) expect({ x, s: formatDouble(x) }).toEqual({ x, s })
  })

  test('a small sorted set prints integral scores as integers (Redis\'s d2string)', () => {
    expect(formatStoredDouble(123456789012345678)).toBe('123456789012345680')
    expect(formatStoredDouble(1e17)).toBe('100000000000000000')
    expect(formatStoredDouble(1e19)).toBe('1e+19')
    expect(formatStoredDouble(0.5)).toBe('0.5')
  })
})

describe('parseDouble', () => {
  test('takes strtod syntax and refuses NaN, overflow, underflow and blanks', () => {
    const ok: Array<[string, number]> = [['1', 1], ['-1.5', -1.5], ['+2', 2], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['1E-2', 0.01],
      ['inf', Infinity], ['-Infinity', -Infinity], ['+INF', Infinity], ['0x10', 16], ['0x1p-2', 0.25], ['-0', -0], ['5e-324', 5e-324]]
    for (const [s, v] of ok) expect({ s, v: parseDouble(bytes(s)) }).toEqual({ s, v })
    for (const s of ['', ' 1', '1 ', 'nan', 'NaN', '1e400', '1e-400', 'abc', '1e', '1.2.3', '0x', '--1', 'infx', '1\x00']) {
      expect({ s, v: parseDouble(bytes(s)) }).toEqual({ s, v: null })
    }
  })

  test('score bounds read like plain strtod: blanks, overflow and the empty string pass', () => {
    expect(parseDoubleLoose(bytes(''))).toBe(0)
    expect(parseDoubleLoose(bytes(' 1'))).toBe(1)
    expect(parseDoubleLoose(bytes('1e400'))).toBe(Infinity)
    expect(parseDoubleLoose(bytes('2\x00junk'))).toBe(2)
    expect(parseDoubleLoose(bytes('  '))).toBeNull()
    expect(parseDoubleLoose(bytes('nan'))).toBeNull()
    expect(parseDoubleLoose(bytes('1 '))).toBeNull()
  })

  test('nextUp and nextDown step to the neighbouring doubles (exclusive bounds)', () => {
    expect(nextUp(1)).toBe(1 + Number.EPSILON)
    expect(nextDown(1)).toBe(1 - Number.EPSILON / 2)
    expect(nextUp(0)).toBe(Number.MIN_VALUE)
    expect(nextUp(-Infinity)).toBe(-Number.MAX_VALUE)
    expect(nextDown(Infinity)).toBe(Number.MAX_VALUE)
  })
})

describe('long doubles (INCRBYFLOAT)', () => {
  const add = (a: string, b: string): string => formatLongDouble(addLongDouble(parseLongDouble(bytes(a))!, parseLongDouble(bytes(b))!))

  test('add and print as Redis on x86-64 does', () => {
    // Checked against a real redis-server, with 3000 random increments besides these.
    expect(add('10.50', '0.1')).toBe('10.6')
    expect(add('10.6', '-5')).toBe('5.6')
    expect(add('5.0e3', '2.0e2')).toBe('5200')
    expect(add('0.1', '0.2')).toBe('0.3')
    expect(add('3', '0.3333333333333333333333')).toBe('3.33333333333333333')
    expect(add('1e20', '1')).toBe('100000000000000000000')
    expect(add('0', '-0.0')).toBe('0')
    expect(add('0', '1e-17')).toBe('0.00000000000000001')
    expect(add('0', '1e-18')).toBe('0')
    expect(add('0x10', '1')).toBe('17')
  })

  test('refuse what strtold would not read or what overflows', () => {
    for (const s of ['', 'abc', ' 1', '1 ', 'nan', '1e5000', '1e-5000', '.']) expect(parseLongDouble(bytes(s))).toBeNull()
    expect(parseLongDouble(bytes('inf'))?.inf).toBe(true)
  })
})
