/**
 * Named component loggers (STYLE habit 7). Lines go to stderr, so command
 * output on stdout stays clean; a detached node's stderr is its log file.
 * LEITHER_LOG=debug|info|warn|error|silent sets the level (default info).
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const
type Level = Exclude<keyof typeof LEVELS, 'silent'>

function threshold(): number {
  const name = (process.env.LEITHER_LOG ?? 'info').toLowerCase() as keyof typeof LEVELS
  return LEVELS[name] ?? LEVELS.info
}

export interface Logger {
  debug(msg: string): void
  info(msg: string): void
  warn(msg: string): void
  error(msg: string): void
}

export function logger(component: string): Logger {
  const min = threshold()
  const write = (level: Level, msg: string) => {
    if (LEVELS[level] < min) return
    const time = new Date().toISOString().slice(11, 23)
    process.stderr.write(`${time} [${level[0]!.toUpperCase()}] [${component}] ${msg}\n`)
  }
  return {
    debug: msg => write('debug', msg),
    info: msg => write('info', msg),
    warn: msg => write('warn', msg),
    error: msg => write('error', msg),
  }
}
