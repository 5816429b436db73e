/**
 * Turns query parameters (HTTP) or parsed flags (CLI) into a command's typed
 * options, by the command's option table. Values that do not fit their type
 * are refused with the option named.
 */
import type { Command, Options, OptionSpec } from './command.ts'
import { InvalidInputError } from '../utils/errors.ts'

/** kubo clients spell options in kebab-case or camelCase; accept both. */
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

export function coerceOption(spec: OptionSpec, value: unknown): boolean | string | number | undefined {
  if (value == null) return undefined
  switch (spec.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value
      if (value === '' || value === 'true' || value === '1') return true
      if (value === 'false' || value === '0') return false
      throw new InvalidInputError(`option "${spec.name}" takes true or false, got "${value}"`)
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value)
      if (typeof value === 'string' && value.trim() === '') throw new InvalidInputError(`option "${spec.name}" needs a number`)
      if (!Number.isFinite(n)) throw new InvalidInputError(`option "${spec.name}" takes a number, got "${value}"`)
      return n
    }
    default:
      return String(value)
  }
}

/** Options from a URL's query string; unknown parameters are ignored, as kubo clients send extras. */
export function optionsFromQuery(cmd: Command, query: URLSearchParams): Options {
  const options: Options = {}
  for (const spec of cmd.options ?? []) {
    const raw = query.get(spec.name) ?? query.get(camel(spec.name)) ?? (spec.alias != null ? query.get(spec.alias) : null)
    const value = coerceOption(spec, raw ?? undefined)
    options[spec.name] = value ?? spec.default
  }
  return options
}
