/**
 * INCRBYFLOAT and HINCRBYFLOAT as Redis computes them on x86-64: in 80-bit
 * long doubles (64-bit mantissa), printed with "%.17Lf" and trailing zeros
 * cut. Plain doubles would print 10.5 + 0.1 as "10.59999999999999964";
 * Redis prints "10.6". Values are exact binary fractions held in BigInts.
 */
import { parseDouble } from './float.ts'

/** m × 2^e, m < 2^64; `inf` for ±infinity. */
export interface LongDouble {
  neg: boolean
  m: bigint
  e: number
  inf?: boolean
}

const PRECISION = 64
/** Beyond these decimal magnitudes an 80-bit long double overflows or underflows. */
const MAX_DEC_EXP = 4933
const MIN_DEC_EXP = -4952

const ZERO: LongDouble = { neg: false, m: 0n, e: 0 }

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length
}

/** Rounds n × 2^e (n ≥ 0) to 64 significant bits, half to even; `sticky` says bits below were dropped. */
function round(neg: boolean, n: bigint, e: number, sticky = false): LongDouble {
  const len = bitLength(n)
  if (len <= PRECISION) return { neg, m: n, e }
  const drop = len - PRECISION
  let m = n >> BigInt(drop)
  const rest = n & ((1n << BigInt(drop)) - 1n)
  const half = 1n << BigInt(drop - 1)
  if (rest > half || (rest === half && (sticky || (m & 1n) === 1n))) m += 1n
  let exp = e + drop
  if (bitLength(m) > PRECISION) {
    m >>= 1n
    exp += 1
  }
  if (exp + PRECISION > 16384) return { neg, m: 0n, e: 0, inf: true }
  return { neg, m, e: exp }
}

/**
 * Redis's string2ld: strtold over the whole string (decimal or inf), no
 * blanks, no NaN, no overflow, no underflow to zero. Null when invalid.
 */
export function parseLongDouble(b: Uint8Array): LongDouble | null {
  if (b.length === 0 || b.length >= 5120) return null
  let text = ''
  for (let i = 0; i < b.length; i++) text += String.fromCharCode(b[i]!)
  const m = /^([+-]?)(?:(inf(?:inity)?)|(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?)$/i.exec(text)
  if (m == null) {
    // Hexadecimal ("0x1p3"): strtold reads it too; a double holds what anyone writes that way.
    if (!/^[+-]?0x/i.test(text)) return null
    const v = parseDouble(b)
    return v === null ? null : longDoubleFromNumber(v)
  }
  const neg = m[1] === '-'
  if (m[2] != null) return { neg, m: 0n, e: 0, inf: true }
  const whole = m[3] ?? ''
  const frac = m[4] ?? ''
  if (whole.length + frac.length === 0) return null
  const digits = BigInt(whole + frac || '0')
  if (digits === 0n) return { neg, m: 0n, e: 0 }
  const exp10 = Number(m[5] ?? 0) - frac.length
  const magnitude = (digits.toString().length - 1) + exp10
  if (magnitude > MAX_DEC_EXP) return null // ERANGE: HUGE_VAL
  if (magnitude < MIN_DEC_EXP) return null // ERANGE: rounds to zero
  if (exp10 >= 0) return round(neg, digits * 10n ** BigInt(exp10), 0)
  const den = 10n ** BigInt(-exp10)
  // Enough quotient bits for 64 significant bits plus rounding.
  const shift = Math.max(0, PRECISION + 2 - bitLength(digits) + bitLength(den))
  const num = digits << BigInt(shift)
  const q = num / den
  const r = num % den
  return round(neg, q, -shift, r !== 0n)
}

/** Exact a + b, rounded to a long double. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.inf === true || b.inf === true) {
    if (a.inf === true && b.inf === true && a.neg !== b.neg) return { neg: false, m: 0n, e: 0, inf: true } // NaN: refused anyway
    return a.inf === true ? a : b
  }
  if (a.m === 0n) return b.m === 0n ? ZERO : b
  if (b.m === 0n) return a
  const e = Math.min(a.e, b.e)
  const av = (a.m << BigInt(a.e - e)) * (a.neg ? -1n : 1n)
  const bv = (b.m << BigInt(b.e - e)) * (b.neg ? -1n : 1n)
  const sum = av + bv
  if (sum === 0n) return ZERO
  return round(sum < 0n, sum < 0n ? -sum : sum, e)
}

/** A long double holding exactly the double `x`. */
export function longDoubleFromNumber(x: number): LongDouble {
  if (!Number.isFinite(x)) return { neg: x < 0, m: 0n, e: 0, inf: true }
  if (x === 0) return { neg: false, m: 0n, e: 0 }
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, Math.abs(x))
  const bits = view.getBigUint64(0)
  const biased = Number((bits >> 52n) & 0x7ffn)
  const fraction = bits & 0xfffffffffffffn
  if (biased === 0) return { neg: x < 0, m: fraction, e: -1074 }
  return { neg: x < 0, m: fraction | (1n << 52n), e: biased - 1075 }
}

/** A long double from a 64-bit integer (HINCRBYFLOAT on an integer field). */
export function longDoubleFromInt(v: bigint): LongDouble {
  return round(v < 0n, v < 0n ? -v : v, 0)
}

/** "%.17Lf" without trailing zeros, "-0" as "0": Redis's human-friendly long double. */
export function formatLongDouble(x: LongDouble): string {
  if (x.inf === true) return x.neg ? '-inf' : 'inf'
  let text: string
  if (x.e >= 0) text = (x.m << BigInt(x.e)).toString()
  else {
    const scale = 10n ** 17n
    const num = x.m * scale
    const shift = BigInt(-x.e)
    let q = num >> shift
    const r = num & ((1n << shift) - 1n)
    const half = 1n << (shift - 1n)
    if (r > half || (r === half && (q & 1n) === 1n)) q += 1n
    const whole = (q / scale).toString()
    const frac = (q % scale).toString().padStart(17, '0').replace(/0+$/, '')
    text = frac.length > 0 ? `${whole}.${frac}` : whole
  }
  if (x.neg && text !== '0') text = `-${text}`
  return text
}
