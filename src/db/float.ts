/**
 * Doubles the way Redis reads and prints them: strtod's syntax (decimal,
 * hex, inf/infinity), Redis's refusals (NaN, overflow, underflow to zero,
 * surrounding spaces) and printf's "%.17g", which Redis 7.0 uses for scores
 * ("0.1" prints as "0.10000000000000001"). The RESP encoder should format
 * `{ t: 'double' }` with `formatDouble` so RESP2 replies match Redis.
 */

interface Scanned {
  value: number
  /** bytes consumed; 0 when no number starts here */
  end: number
  /** out of range: overflow to ±inf or a non-zero number rounded to 0 */
  range: boolean
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57
const hexValue = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1
const lower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c)

function matchWord(b: Uint8Array, at: number, word: string): boolean {
  if (at + word.length > b.length) return false
  for (let i = 0; i < word.length; i++) if (lower(b[at + i]!) !== word.charCodeAt(i)) return false
  return true
}

/** strtod over `b` from `start` (no leading blanks skipped here). */
function scan(b: Uint8Array, start: number): Scanned {
  let i = start
  let sign = 1
  if (b[i] === 43 || b[i] === 45) {
    if (b[i] === 45) sign = -1
    i++
  }
  if (matchWord(b, i, 'inf')) {
    const end = matchWord(b, i, 'infinity') ? i + 8 : i + 3
    return { value: sign * Infinity, end, range: false }
  }
  if (matchWord(b, i, 'nan')) {
    let end = i + 3
    if (b[end] === 40) {
      let j = end + 1
      while (j < b.length && (isDigit(b[j]!) || hexValue(b[j]!) >= 0 || b[j] === 95 || (lower(b[j]!) >= 97 && lower(b[j]!) <= 122))) j++
      if (b[j] === 41) end = j + 1
    }
    return { value: NaN, end, range: false }
  }
  if (b[i] === 48 && (b[i + 1] === 120 || b[i + 1] === 88)) {
    const hex = scanHex(b, i + 2, sign)
    if (hex != null) return hex
  }
  const digitsStart = i
  let nonZero = false
  let mantissaDigits = 0
  while (i < b.length && isDigit(b[i]!)) {
    if (b[i] !== 48) nonZero = true
    i++
    mantissaDigits++
  }
  if (b[i] === 46) {
    i++
    while (i < b.length && isDigit(b[i]!)) {
      if (b[i] !== 48) nonZero = true
      i++
      mantissaDigits++
    }
  }
  if (mantissaDigits === 0) return { value: 0, end: 0, range: false }
  if (b[i] === 101 || b[i] === 69) {
    let j = i + 1
    if (b[j] === 43 || b[j] === 45) j++
    if (j < b.length && isDigit(b[j]!)) {
      while (j < b.length && isDigit(b[j]!)) j++
      i = j
    }
  }
  let text = ''
  for (let k = digitsStart; k < i; k++) text += String.fromCharCode(b[k]!)
  const magnitude = Number(text)
  const range = magnitude === Infinity || (magnitude === 0 && nonZero)
  return { value: sign * magnitude, end: i, range }
}

function scanHex(b: Uint8Array, at: number, sign: number): Scanned | null {
  let i = at
  let mantissa = 0n
  let exponent = 0
  let digits = 0
  while (i < b.length && hexValue(b[i]!) >= 0) {
    mantissa = mantissa * 16n + BigInt(hexValue(b[i]!))
    i++
    digits++
  }
  if (b[i] === 46) {
    i++
    while (i < b.length && hexValue(b[i]!) >= 0) {
      mantissa = mantissa * 16n + BigInt(hexValue(b[i]!))
      exponent -= 4
      i++
      digits++
    }
  }
  if (digits === 0) return null
  if (b[i] === 112 || b[i] === 80) {
    let j = i + 1
    let expSign = 1
    if (b[j] === 43 || b[j] === 45) {
      if (b[j] === 45) expSign = -1
      j++
    }
    if (j < b.length && isDigit(b[j]!)) {
      let e = 0
      while (j < b.length && isDigit(b[j]!)) {
        e = Math.min(e * 10 + (b[j]! - 48), 1e6)
        j++
      }
      exponent += expSign * e
      i = j
    }
  }
  const magnitude = Number(mantissa) * 2 ** exponent
  const range = magnitude === Infinity || (magnitude === 0 && mantissa !== 0n)
  return { value: sign * magnitude, end: i, range }
}

/**
 * Redis's string2d (ZADD scores, INCRBYFLOAT-less float arguments): the whole
 * argument must be one number; no blanks, no NaN, no overflow or underflow.
 */
export function parseDouble(b: Uint8Array): number | null {
  if (b.length === 0 || b.length > 5000 || isSpace(b[0]!)) return null
  const s = scan(b, 0)
  if (s.end !== b.length || s.range || Number.isNaN(s.value)) return null
  return s.value
}

/**
 * What ZRANGEBYSCORE's bounds go through (plain strtod): leading blanks are
 * skipped, overflow gives ±inf, an empty string reads as 0, and parsing stops
 * at a NUL byte as in C.
 */
export function parseDoubleLoose(b: Uint8Array): number | null {
  const nul = b.indexOf(0)
  const n = nul < 0 ? b.length : nul
  if (n === 0) return 0
  let i = 0
  while (i < n && isSpace(b[i]!)) i++
  const s = scan(b.subarray(0, n), i)
  if (s.end === 0 || s.end !== n || Number.isNaN(s.value)) return null
  return s.value
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13)

/** printf("%.17g", d) as glibc prints it, with Redis's "inf"/"-inf"/"nan". */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf'
  if (d === -Infinity) return '-inf'
  if (Number.isNaN(d)) return 'nan'
  if (d === 0) return Object.is(d, -0) ? '-0' : '0'
  let [digits, exponent] = significant17(Math.abs(d))
  const sign = d < 0 ? '-' : ''
  digits = digits.replace(/0+$/, '')
  if (exponent < -4 || exponent >= 17) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const e = Math.abs(exponent)
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
  if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}`
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`
}

/**
 * Redis's d2string, how a small sorted set stores a score: an integral value
 * within ±2^62 prints as an integer ("123456789012345680"), others as "%.17g".
 */
export function formatStoredDouble(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) <= 4611686018427387903) return Object.is(d, -0) ? '-0' : BigInt(d).toString()
  return formatDouble(d)
}

/** The 17 significant digits of x > 0 (rounded half to even, as glibc) and its decimal exponent. */
function significant17(x: number): [string, number] {
  const s = x.toExponential(16)
  const e = s.indexOf('e')
  const digits = s[0]! + s.slice(2, e)
  const exponent = Number(s.slice(e + 1))
  // JS rounds exact ties away from zero, glibc to even. A tie needs exactly
  // 18 significant digits ending in 5; only then is the exact value worth computing.
  const longer = x.toExponential(17)
  if (longer[longer.indexOf('e') - 1] !== '5') return [digits, exponent]
  const exact = exactDigits(x)
  if (exact.digits.length !== 18 || !exact.digits.endsWith('5')) return [digits, exponent]
  const truncated = BigInt(exact.digits.slice(0, 17))
  const rounded = truncated % 2n === 0n ? truncated : truncated + 1n
  const text = rounded.toString()
  return text.length > 17 ? [text.slice(0, 17), exact.exponent + 1] : [text, exact.exponent]
}

/** The exact decimal expansion of a finite x > 0: significant digits and the exponent of the first. */
function exactDigits(x: number): { digits: string, exponent: number } {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  const biased = Number((bits >> 52n) & 0x7ffn)
  let mantissa = bits & 0xfffffffffffffn
  let exp2 = biased - 1075
  if (biased === 0) exp2 = -1074
  else mantissa |= 1n << 52n
  let text: string
  let pointShift = 0 // the value is text × 10^-pointShift
  if (exp2 >= 0) text = (mantissa << BigInt(exp2)).toString()
  else {
    text = (mantissa * 5n ** BigInt(-exp2)).toString()
    pointShift = -exp2
  }
  const stripped = text.replace(/0+$/, '')
  return { digits: stripped, exponent: text.length - 1 - pointShift }
}

const f64 = new Float64Array(1)
const u64 = new BigInt64Array(f64.buffer)

/** The next double above x (x finite or -inf). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x
  if (x === 0) return Number.MIN_VALUE
  f64[0] = x
  u64[0] += x > 0 ? 1n : -1n
  return f64[0]!
}

/** The next double below x. */
export function nextDown(x: number): number {
  return -nextUp(-x)
}
