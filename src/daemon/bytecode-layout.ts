/**
 * How well the compiled binary's bytecode layout (release/bytecode-order.ts)
 * fits what this process actually ran. Functions the recorded profile did not
 * see are placed after the profiled ones, where they pull in pages of the binary
 * the node otherwise would not keep resident; a growing share of them means the
 * committed profiles are due to be recorded again (`make bytecode-order`).
 */
export interface BytecodeLayout {
  /** Functions loaded from the profiled part of the layout. */
  profiled: number
  /** Functions loaded that the profile did not list (new, changed or unused when it was recorded). */
  unprofiled: number
  /** profiled / all loaded, 0…1. */
  share: number
}

/** The layout's fit so far; null outside a compiled binary built with a profile (source runs, Node). */
export async function bytecodeLayout(): Promise<BytecodeLayout | null> {
  if (process.versions.bun == null) return null
  const jsc = await import('bun:jsc') as { bytecodeOrderStats?: () => { hot: number, unknown: number, cold: number } | null }
  const stats = jsc.bytecodeOrderStats?.()
  if (stats == null) return null
  const unprofiled = stats.unknown + stats.cold
  const all = stats.hot + unprofiled
  return { profiled: stats.hot, unprofiled, share: all === 0 ? 1 : stats.hot / all }
}

export function describeLayout(layout: BytecodeLayout): string {
  return `bytecode layout: ${layout.profiled + layout.unprofiled} functions loaded, ${(layout.share * 100).toFixed(1)}% from the profiled part (release/bytecode-order)`
}
