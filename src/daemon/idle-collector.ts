/**
 * A full garbage collection once the node goes quiet after work. JavaScriptCore
 * collects when JavaScript allocates, so a node that served a burst of requests
 * and then idles keeps the burst's garbage (and the memory under it) for a long
 * time; on a router or a NAS that is what the node seems to cost. One collection,
 * a few seconds after the last request of a burst, gives it back.
 */
const QUIET_MS = 5_000

export class IdleCollector {
  private lastActivity = 0
  private collectedAt = 0
  private readonly timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly collect: () => void = defaultCollect(), quietMs = QUIET_MS) {
    if (collect === noop) return
    this.timer = setInterval(() => {
      const now = Date.now()
      if (this.lastActivity > this.collectedAt && now - this.lastActivity >= quietMs) {
        this.collectedAt = now
        this.collect()
      }
    }, quietMs)
    this.timer.unref?.()
  }

  /** Notes that the node did some work now. */
  touch(): void {
    this.lastActivity = Date.now()
  }

  stop(): void {
    if (this.timer != null) clearInterval(this.timer)
  }
}

function noop(): void {}

/** Bun's synchronous full collection; nothing on Node, whose V8 returns idle memory itself. */
function defaultCollect(): () => void {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun
  return bun == null ? noop : () => bun.gc(true)
}
