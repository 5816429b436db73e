/** wrk runs and their parsed results. */
import { pinTo } from './tools.ts'
import { runOk } from './procs.ts'

export interface WrkResult {
  reqPerSec: number
  latencyAvgMs: number
  latencyP50Ms: number
  latencyP99Ms: number
  requests: number
  /** Non-2xx/3xx replies plus socket errors: a run with any is not a valid measurement. */
  errors: number
  transferPerSec: string
}

function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim())
  if (m == null) return Number.NaN
  const v = Number(m[1])
  return m[2] === 'us' ? v / 1000 : m[2] === 'ms' ? v : m[2] === 's' ? v * 1000 : v * 60_000
}

export function parseWrk(out: string): WrkResult {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const socketErrors = socket == null ? 0 : socket.slice(1).reduce((n, v) => n + Number(v), 0)
  return {
    reqPerSec: num(/Requests\/sec:\s+([\d.]+)/),
    latencyAvgMs: toMs(/Latency\s+([\d.]+\w+)/.exec(out)?.[1] ?? ''),
    latencyP50Ms: toMs(/^\s+50%\s+([\d.]+\w+)/m.exec(out)?.[1] ?? ''),
    latencyP99Ms: toMs(/^\s+99%\s+([\d.]+\w+)/m.exec(out)?.[1] ?? ''),
    requests: num(/(\d+) requests in/),
    errors: (num(/Non-2xx or 3xx responses:\s+(\d+)/) || 0) + socketErrors,
    transferPerSec: /Transfer\/sec:\s+(\S+)/.exec(out)?.[1] ?? '',
  }
}

export interface WrkOptions {
  seconds: number
  connections: number
  threads: number
  /** The CPU wrk is pinned to (the server gets the other one). */
  cpu: number
}

/** One wrk run against url; throws when wrk fails or more than 1% of replies were errors. */
export async function wrk(url: string, o: WrkOptions): Promise<WrkResult> {
  const [cmd, ...args] = [...pinTo(o.cpu), 'wrk', `-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, '--latency', url]
  const r = await runOk(cmd!, args, { timeoutMs: (o.seconds + 30) * 1000 })
  const result = parseWrk(r.stdout)
  if (Number.isNaN(result.reqPerSec)) throw new Error(`cannot parse wrk output:\n${r.stdout}${r.stderr}`)
  // A few socket timeouts under full load are a result; many error replies mean a broken run.
  if (result.errors > Math.max(10, result.requests * 0.01)) throw new Error(`wrk saw ${result.errors} errors from ${url}:\n${r.stdout}`)
  return result
}
