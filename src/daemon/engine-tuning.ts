/**
 * Engine settings for a long-running node. JavaScriptCore reads its options
 * (BUN_JSC_*) from the environment once, when the process starts, so the
 * node re-executes itself with them before anything else is loaded (same pid,
 * ~10 ms of start-up). A setting the user already put in the environment wins.
 *
 * FTL off: JavaScriptCore's top JIT tier keeps its compiled code and the
 * DFG tier's extra tier-up code resident for as long as the functions live.
 * Measured on the compiled binary (BENCHMARKS.md, footprint): RSS after 10 000
 * block puts and 1 000 MiMei 90.6 → 84.0 MB; pipelined RESP (-P 16) ~10%
 * slower, unpipelined RESP and the gateway unchanged. A user who wants the
 * last 10% back runs the node with BUN_JSC_useFTLJIT=1.
 *
 * Eager code-block jettison timing: optimised code that stopped running is
 * dropped at the next collection after a short while instead of a long one
 * (the idle collector makes those collections happen). Idle RSS 72.9 → 70.6 MB,
 * after the data 82.3 → 80.1 MB; RESP and gateway throughput unchanged.
 *
 * Start-up JIT policy: the compiled binary starts with the tier-up thresholds
 * raised (release/build.ts), so code that only runs while the node starts is
 * not compiled; the node returns to the normal policy when it is ready.
 */
import { logger } from '../utils/logger.ts'

export const ENGINE_DEFAULTS: Readonly<Record<string, string>> = {
  BUN_JSC_useFTLJIT: '0',
  BUN_JSC_useEagerCodeBlockJettisonTiming: '1',
}

/** The settings `env` lacks; empty when there is nothing to apply. */
export function missingEngineSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(ENGINE_DEFAULTS).filter(([key]) => env[key] == null || env[key] === ''))
}

/**
 * Replaces this process with `command` (argv[0] first) under the engine
 * settings, when running on Bun and they are missing; returns only when
 * nothing needed doing or the exec failed (the node then runs as it is).
 */
export function reexecWithEngineSettings(command: string[]): void {
  const bun = typeof Bun !== 'undefined'
  const execve = (process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }).execve
  if (!bun || typeof execve !== 'function') return
  const missing = missingEngineSettings(process.env)
  if (Object.keys(missing).length === 0) return
  try {
    execve.call(process, command[0]!, command, { ...process.env, ...missing })
  } catch (err) {
    logger('daemon').warn(`could not re-execute with engine settings ${Object.keys(missing).join(', ')}; running without them: ${(err as Error).message}`)
  }
}

/** Back to JavaScriptCore's normal tier-up thresholds (a no-op on Node and in source runs, which start with them). */
export function endStartupJitPolicy(): void {
  const unsafe = (globalThis as { Bun?: { unsafe?: { setJITPolicy?: (scale: number) => void } } }).Bun?.unsafe
  unsafe?.setJITPolicy?.(1)
}
