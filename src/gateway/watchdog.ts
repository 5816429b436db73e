/**
 * The abort signal handed to every blockstore/unixfs call of one request.
 *
 * It fires only while the gateway is armed, i.e. actually waiting for content: the whole
 * time before headers are sent, then each wait for the next body chunk. Time a slow
 * client spends reading is never counted, so big downloads are not cut off.
 */
export interface Watchdog {
  readonly signal: AbortSignal
  readonly timeoutMs: number
  /** True once the deadline (not the client) aborted the signal. */
  readonly timedOut: boolean
  /** Starts a fresh `timeoutMs` countdown. */
  arm(): void
  /** Stops the countdown. */
  disarm(): void
  /** Aborts everything in flight, e.g. when the client goes away. */
  abort(reason?: unknown): void
}

/** Creates an armed watchdog; `parent` (the request's signal) aborts it too. */
export function createWatchdog(timeoutMs: number, parent?: AbortSignal): Watchdog {
  const controller = new AbortController()
  const signal = parent == null ? controller.signal : AbortSignal.any([controller.signal, parent])
  let timer: ReturnType<typeof setTimeout> | undefined
  let timedOut = false

  const disarm = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
  }
  const arm = (): void => {
    disarm()
    if (signal.aborted) return
    timer = setTimeout(() => {
      timedOut = true
      controller.abort(new DOMException(`no content within ${timeoutMs} ms`, 'TimeoutError'))
    }, timeoutMs)
  }
  // Once aborted (client gone, or timed out) no countdown may stay pending.
  signal.addEventListener('abort', disarm, { once: true })
  arm()

  return {
    signal,
    timeoutMs,
    get timedOut() { return timedOut },
    arm,
    disarm,
    abort(reason?: unknown) {
      disarm()
      controller.abort(reason)
    }
  }
}
