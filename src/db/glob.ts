/**
 * Redis's glob (util.c stringmatchlen) on bytes, for KEYS, SCAN MATCH and
 * the collection scans: `*`, `?`, `[abc]`, `[^a]`, `[a-z]` (ends in either
 * order), `\x` escapes; an unclosed `[` runs to the end of the pattern.
 * Bytes compare as C's signed chars in ranges, as Redis does.
 */

const STAR = 42
const QUESTION = 63
const OPEN = 91
const CLOSE = 93
const CARET = 94
const BACKSLASH = 92
const DASH = 45

/** Whether `text` matches `pattern`. */
export function globMatch(pattern: Uint8Array, text: Uint8Array): boolean {
  const state = { skipLonger: false }
  return match(pattern, 0, text, 0, state)
}

/** The literal bytes every match starts with ("user:" for "user:*"), for range scans. */
export function globPrefix(pattern: Uint8Array): Uint8Array {
  let i = 0
  const out: number[] = []
  while (i < pattern.length) {
    const c = pattern[i]!
    if (c === STAR || c === QUESTION || c === OPEN) break
    if (c === BACKSLASH) {
      if (i + 1 >= pattern.length) break
      out.push(pattern[i + 1]!)
      i += 2
      continue
    }
    out.push(c)
    i++
  }
  return Uint8Array.from(out)
}

const signed = (c: number): number => (c << 24) >> 24

function match(p: Uint8Array, pi: number, s: Uint8Array, si: number, state: { skipLonger: boolean }): boolean {
  // Reading past the pattern's end sees C's NUL terminator.
  const at = (i: number): number => (i < p.length ? p[i]! : 0)
  while (pi < p.length && si < s.length) {
    switch (p[pi]) {
      case STAR: {
        while (pi + 1 < p.length && p[pi + 1] === STAR) pi++
        if (pi + 1 === p.length) return true
        while (si < s.length) {
          if (match(p, pi + 1, s, si, state)) return true
          if (state.skipLonger) return false
          si++
        }
        // Nothing after this star matched anywhere: an earlier star taking
        // more of the string cannot help either (Redis's fix for CVE-2022-36021).
        state.skipLonger = true
        return false
      }
      case QUESTION:
        si++
        break
      case OPEN: {
        pi++
        const not = at(pi) === CARET
        if (not) pi++
        let matched = false
        const c = s[si]!
        for (;;) {
          if (at(pi) === BACKSLASH && p.length - pi >= 2) {
            pi++
            if (p[pi] === c) matched = true
          } else if (at(pi) === CLOSE) {
            break
          } else if (pi >= p.length) {
            pi--
            break
          } else if (p.length - pi >= 3 && p[pi + 1] === DASH) {
            let start = signed(p[pi]!)
            let end = signed(p[pi + 2]!)
            if (start > end) [start, end] = [end, start]
            const sc = signed(c)
            pi += 2
            if (sc >= start && sc <= end) matched = true
          } else if (p[pi] === c) {
            matched = true
          }
          pi++
        }
        if (not) matched = !matched
        if (!matched) return false
        si++
        break
      }
      case BACKSLASH:
        if (p.length - pi >= 2) pi++
        if (p[pi] !== s[si]) return false
        si++
        break
      default:
        if (p[pi] !== s[si]) return false
        si++
        break
    }
    pi++
    if (si === s.length) {
      while (pi < p.length && p[pi] === STAR) pi++
      break
    }
  }
  return pi >= p.length && si === s.length
}
