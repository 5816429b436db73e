/**
 * Clients parked by a blocking command (BLPOP, BRPOP, BLMOVE…): the engine
 * answered `{t:'wait', keys, timeoutMs}`. A write to one of those keys (the
 * keyspace's onWrite) marks the key ready; the server then re-runs the
 * parked commands in the order the clients blocked (first blocked, first
 * served) until one still has to wait. A timer answers the ones whose timeout
 * passes. The registry listens to a keyspace's writes only while someone
 * waits on it, so writes cost nothing extra otherwise.
 */
import type { Keyspace } from './keyspace.ts'
import { nameOf } from './pubsub.ts'

/** One parked command. */
export interface Block {
  readonly ks: Keyspace
  readonly keys: string[]
  readonly args: Uint8Array[]
  /** unix ms, 0 = never */
  readonly deadline: number
  timer: ReturnType<typeof setTimeout> | null
}

export interface BlockingHooks<W> {
  /** Re-runs the parked command; true when it got its answer (the registry then forgets it). */
  retry(waiter: W, block: Block): boolean
  /** The timeout passed (the registry has already forgotten it). */
  timedOut(waiter: W, block: Block): void
  /** A watched key was written: serve soon. */
  signalled(): void
}

interface Watched {
  readonly ks: Keyspace
  readonly waiters: Map<string, object[]>
  readonly ready: Set<string>
  unsubscribe: () => void
}

/** setTimeout's limit; longer waits re-arm */
const MAX_TIMER_MS = 2 ** 31 - 1

export class BlockingRegistry<W extends object> {
  private readonly watched = new Map<Keyspace, Watched>()
  private readonly blocks = new Map<W, Block>()
  private ready: Array<[Watched, string]> = []

  constructor(private readonly hooks: BlockingHooks<W>) {}

  /** Clients parked now. */
  get size(): number {
    return this.blocks.size
  }

  /** Whether a written key has clients to serve. */
  get hasReady(): boolean {
    return this.ready.length > 0
  }

  blockOf(waiter: W): Block | undefined {
    return this.blocks.get(waiter)
  }

  /** Parks `waiter` until one of `keys` is written or `timeoutMs` (0 = forever) passes. */
  block(waiter: W, ks: Keyspace, args: Uint8Array[], keys: Uint8Array[], timeoutMs: number, now: number): void {
    this.unblock(waiter)
    let w = this.watched.get(ks)
    if (w == null) {
      const entry: Watched = { ks, waiters: new Map(), ready: new Set(), unsubscribe: () => {} }
      entry.unsubscribe = ks.onWrite(written => this.signal(entry, written))
      this.watched.set(ks, w = entry)
    }
    const names = [...new Set(keys.map(nameOf))]
    for (const k of names) {
      const queue = w.waiters.get(k)
      if (queue == null) w.waiters.set(k, [waiter])
      else queue.push(waiter)
    }
    const block: Block = { ks, keys: names, args, deadline: timeoutMs > 0 ? now + timeoutMs : 0, timer: null }
    this.blocks.set(waiter, block)
    if (block.deadline > 0) this.arm(waiter, block)
  }

  private arm(waiter: W, block: Block): void {
    const ms = Math.max(0, block.deadline - Date.now())
    block.timer = setTimeout(() => {
      block.timer = null
      if (this.blocks.get(waiter) !== block) return
      if (block.deadline > Date.now() + 1) return this.arm(waiter, block) // beyond setTimeout's reach
      this.unblock(waiter)
      this.hooks.timedOut(waiter, block)
    }, Math.min(ms, MAX_TIMER_MS))
  }

  /** Forgets a parked client (served, timed out, reset or gone). */
  unblock(waiter: W): void {
    const block = this.blocks.get(waiter)
    if (block == null) return
    this.blocks.delete(waiter)
    if (block.timer != null) clearTimeout(block.timer)
    const w = this.watched.get(block.ks)
    if (w == null) return
    for (const k of block.keys) {
      const queue = w.waiters.get(k)
      if (queue == null) continue
      const i = queue.indexOf(waiter)
      if (i >= 0) queue.splice(i, 1)
      if (queue.length === 0) w.waiters.delete(k)
    }
  }

  private signal(w: Watched, written: Uint8Array[]): void {
    if (w.waiters.size === 0) return
    let any = false
    for (const key of written) {
      const k = nameOf(key)
      if (!w.waiters.has(k) || w.ready.has(k)) continue
      w.ready.add(k)
      this.ready.push([w, k])
      any = true
    }
    if (any) this.hooks.signalled()
  }

  /**
   * Serves the clients parked on keys written since the last call, in the
   * order they blocked, until one still has to wait. Writes made while
   * serving (BLMOVE pushes) are served too.
   */
  serveReady(): void {
    while (this.ready.length > 0) {
      const batch = this.ready
      this.ready = []
      for (const [w, key] of batch) {
        w.ready.delete(key)
        const queue = w.waiters.get(key)
        if (queue == null) continue
        for (const waiter of [...queue] as W[]) {
          const block = this.blocks.get(waiter)
          if (block == null || block.ks !== w.ks) continue
          if (!this.hooks.retry(waiter, block)) break
          this.unblock(waiter)
        }
      }
    }
  }

  /** Stops listening to keyspaces nobody waits on (outside the engine's write callbacks). */
  prune(): void {
    for (const [ks, w] of this.watched) {
      if (w.waiters.size > 0 || w.ready.size > 0) continue
      w.unsubscribe()
      this.watched.delete(ks)
    }
  }

  /** Forgets everyone (server stop). */
  clear(): void {
    for (const waiter of [...this.blocks.keys()]) this.unblock(waiter)
    this.ready = []
    this.prune()
  }
}
