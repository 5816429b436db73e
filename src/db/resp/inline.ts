/**
 * Splits an inline command line (`SET k "a b"\r\n` from telnet or redis-cli's
 * stdin) into arguments exactly as Redis's sdssplitargs does: blanks separate,
 * "double quotes" take \n \r \t \b \a \xHH and \<c> escapes, 'single quotes'
 * only \', a closing quote must be followed by a blank or the end, and a NUL
 * byte ends the line.
 */

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) // ' ' \t \n \v \f \r

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

const ESCAPES: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 97: 7 } // n r t b a

/** The arguments of one line, or null for unbalanced quotes. Plain tokens are views into `line`. */
export function splitInlineArgs(line: Uint8Array): Uint8Array[] | null {
  let end = line.indexOf(0)
  if (end < 0) end = line.length
  const at = (i: number) => (i < end ? line[i]! : 0)
  const args: Uint8Array[] = []
  let p = 0
  for (;;) {
    while (p < end && isSpace(line[p]!)) p++
    if (p >= end) return args
    const start = p
    let plain = true // no quotes met: the token is a view
    let bytes: number[] = []
    let inDouble = false
    let inSingle = false
    let stop = p
    for (let done = false; !done;) {
      const c = at(p)
      if (inDouble) {
        if (c === 92 && at(p + 1) === 120 && hexValue(at(p + 2)) >= 0 && hexValue(at(p + 3)) >= 0) { // \xHH
          bytes.push(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)))
          p += 3
        } else if (c === 92 && at(p + 1) !== 0) {
          p++
          bytes.push(ESCAPES[at(p)] ?? at(p))
        } else if (c === 34) { // closing "
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null
          done = true
        } else if (c === 0) {
          return null
        } else {
          bytes.push(c)
        }
      } else if (inSingle) {
        if (c === 92 && at(p + 1) === 39) {
          p++
          bytes.push(39)
        } else if (c === 39) { // closing '
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null
          done = true
        } else if (c === 0) {
          return null
        } else {
          bytes.push(c)
        }
      } else if (c === 0 || isSpace(c)) {
        stop = p
        done = true
      } else if (c === 34 || c === 39) {
        if (plain) {
          bytes = Array.from(line.subarray(start, p))
          plain = false
        }
        if (c === 34) inDouble = true
        else inSingle = true
      } else if (!plain) {
        bytes.push(c)
      }
      if (c !== 0) p++
    }
    args.push(plain ? line.subarray(start, stop) : Uint8Array.from(bytes))
  }
}
