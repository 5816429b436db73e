/**
 * Full garbage collections once the node goes quiet after work. JavaScriptCore
 * collects when JavaScript allocates, so a node that served a burst of requests
 * and then idles keeps the burst's garbage (and the memory under it) for a long
 * time; on a router or a NAS that is what the node seems to cost. A collection a
 * few seconds after the last request of a burst frees the garbage; one more,
 * later, also frees the code the engine optimised for the burst (it drops
 * optimised code that has not run for a while, but only when it collects).
 */
const CHECK_MS = 2_500
/** Quiet time before each collection of a burst. */
const QUIET_STEPS_MS = [5_000, 20_000]

export class IdleCollector {
  private lastActivity = 0
  /** How many of the steps ran since the last activity. */
  private stepsDone = 0
  private readonly timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly collect: () => void = defaultCollect(), private readonly steps = QUIET_STEPS_MS, checkMs = CHECK_MS) {
    if (collect === noop) return
    this.timer = setInterval(() => this.check(Date.now()), checkMs)
    this.timer.unref?.()
  }

  /** Notes that the node did some work now. */
  touch(): void {
    this.lastActivity = Date.now()
    this.stepsDone = 0
  }

  stop(): void {
    if (this.timer != null) clearInterval(this.timer)
  }

  private check(now: number): void {
    if (this.lastActivity === 0 || this.stepsDone >= this.steps.length) return
    if (now - this.lastActivity < this.steps[this.stepsDone]!) return
    this.stepsDone++
    this.collect()
  }
}

function noop(): void {}

/** Bun's synchronous full collection; nothing on Node, whose V8 returns idle memory itself. */
function defaultCollect(): () => void {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun
  return bun == null ? noop : () => bun.gc(true)
}
