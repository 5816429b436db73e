/** Reference tools on the host: lookup and CPU pinning. */
import { spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

/** Whether a command is on PATH (or, for nginx, in /usr/sbin). */
export function haveTool(name: string): boolean {
  return toolPath(name) != null
}

export function toolPath(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name} || { [ -x /usr/sbin/${name} ] && echo /usr/sbin/${name}; }`], { encoding: 'utf8' })
  const path = (r.stdout ?? '').trim()
  return r.status === 0 && path !== '' ? path : undefined
}

/**
 * `taskset -c <cpu>` when the host has at least two cores and taskset, so a
 * server and its load generator do not steal each other's core; [] otherwise.
 */
export function pinTo(cpu: number): string[] {
  if (availableParallelism() < 2 || !haveTool('taskset')) return []
  return ['taskset', '-c', String(cpu)]
}
