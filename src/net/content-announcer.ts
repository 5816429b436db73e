/**
 * Announces content this node holds to the DHT (provider records). Roots go
 * first so a new add is findable at once; kad-dht's reprovider renews every
 * record before it expires while the node runs.
 */
import type { CID } from 'multiformats/cid'
import { logger } from '../utils/logger.ts'

const log = logger('provide')

export type ProvideFn = (cid: CID, options: { signal: AbortSignal }) => Promise<void>

export class ContentAnnouncer {
  private readonly queue: CID[] = []
  private running = 0
  private readonly controller = new AbortController()
  /** Resolves when the queue has drained (for tests and `dht provide`). */
  private idle: Array<() => void> = []

  constructor(private readonly provide: ProvideFn, private readonly concurrency = 4, private readonly timeoutMs = 60_000) {}

  /** Queues a CID; `urgent` puts it before everything already waiting. */
  announce(cid: CID, urgent = false): void {
    if (this.controller.signal.aborted) return
    if (urgent) this.queue.unshift(cid)
    else this.queue.push(cid)
    this.pump()
  }

  /** Provides now and waits for the result (used by `dht provide`). */
  async provideNow(cid: CID, signal: AbortSignal): Promise<void> {
    await this.provide(cid, { signal: AbortSignal.any([signal, this.controller.signal, AbortSignal.timeout(this.timeoutMs)]) })
  }

  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve()
    return new Promise(resolve => this.idle.push(resolve))
  }

  stop(): void {
    this.controller.abort()
    this.queue.length = 0
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const cid = this.queue.shift()!
      this.running++
      this.provideNow(cid, this.controller.signal)
        .catch(err => { if (!this.controller.signal.aborted) log.debug(`provide ${cid}: ${err?.message ?? err}`) })
        .finally(() => {
          this.running--
          this.pump()
          if (this.queue.length === 0 && this.running === 0) this.idle.splice(0).forEach(fn => fn())
        })
    }
  }
}
