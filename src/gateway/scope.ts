import { createWatchdog } from './watchdog.ts'
import type { BlockReader } from './block.ts'
import type { Watchdog } from './watchdog.ts'

/**
 * What one request reads through: blocks from this node first, then the network, under a
 * watchdog that starts the first time something may wait. An answer from memory or from local
 * blocks alone never sets a timer or touches the request's signal.
 */
export class RequestScope {
  private started: Watchdog | undefined

  constructor(readonly reader: BlockReader, private readonly request: Request, readonly timeoutMs: number) {}

  /** The request's watchdog, armed on first use. */
  watch(): Watchdog {
    this.started ??= createWatchdog(this.timeoutMs, this.request.signal)
    return this.started
  }

  /** The watchdog if one was started. */
  get current(): Watchdog | undefined { return this.started }
}
