/**
 * cac knows one level of command; Leither's are `group sub [sub]`. Before
 * cac parses, the words that name a command are folded into one token
 * ("ipfs pin add"), skipping flags and the values of flags that take one.
 */
import type { Command } from '../api/command.ts'

export interface FoldResult {
  argv: string[]
  /** The command the words named, if any. */
  command?: Command
  /** The first positional word, when it named no command. */
  unknown?: string
}

export function foldCommandWords(argv: string[], commands: Command[], extraNames: string[], valueFlags: Set<string>): FoldResult {
  const positions: number[] = []
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!
    if (tok === '--') break
    if (tok.startsWith('-') && tok !== '-') {
      if (!tok.includes('=') && valueFlags.has(tok)) i++
      continue
    }
    positions.push(i)
  }
  const words = positions.map(i => argv[i]!)
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    const name = words.slice(0, n).join(' ')
    const command = commands.find(c => c.path.join(' ') === name)
    if (command != null || (n === 1 && extraNames.includes(name))) {
      const drop = new Set(positions.slice(1, n))
      const out = argv.filter((_, i) => !drop.has(i))
      out[positions[0]!] = name
      return { argv: out, command }
    }
  }
  return { argv, unknown: words[0] }
}
