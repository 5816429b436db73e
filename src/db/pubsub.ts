/**
 * Redis pub/sub: channels and glob patterns, global across databases (as in
 * Redis, where SELECT does not scope pub/sub). Names are latin1 strings, one
 * char per byte, so binary channel names work. Delivery goes through each
 * subscriber's `deliver`, which encodes a RESP3 push or, in RESP2, an array.
 */
import { Buffer } from 'node:buffer'
import { bulk, type Reply } from './reply.ts'
import { globMatch } from './glob.ts'

/** A connection that can receive messages. */
export interface Subscriber {
  deliver(message: Reply): void
}

const MESSAGE = bulk('message')
const PMESSAGE = bulk('pmessage')

/** Bytes → the latin1 string pub/sub uses as a name (and back with `nameBytes`). */
export const nameOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1')
export const nameBytes = (s: string): Uint8Array => Buffer.from(s, 'latin1')

export class PubSub {
  private readonly channels = new Map<string, Set<Subscriber>>()
  private readonly patterns = new Map<string, Set<Subscriber>>()
  /** each pattern's bytes, for matching */
  private readonly patternBytes = new Map<string, Uint8Array>()

  /** Adds `s` to a channel (or pattern); false when it was already there. */
  subscribe(s: Subscriber, name: string, pattern = false): boolean {
    const map = pattern ? this.patterns : this.channels
    let set = map.get(name)
    if (set == null) {
      map.set(name, set = new Set())
      if (pattern) this.patternBytes.set(name, nameBytes(name))
    }
    if (set.has(s)) return false
    set.add(s)
    return true
  }

  /** Removes `s` from a channel (or pattern); false when it was not there. */
  unsubscribe(s: Subscriber, name: string, pattern = false): boolean {
    const map = pattern ? this.patterns : this.channels
    const set = map.get(name)
    if (set == null || !set.delete(s)) return false
    if (set.size === 0) {
      map.delete(name)
      this.patternBytes.delete(name)
    }
    return true
  }

  /** Sends `message` to every subscriber of `channel` and of each matching pattern; returns how many got it. */
  publish(channel: Uint8Array, message: Uint8Array): number {
    const name = nameOf(channel)
    let receivers = 0
    const direct = this.channels.get(name)
    if (direct != null) {
      const reply: Reply = { t: 'push', v: [MESSAGE, bulk(channel), bulk(message)] }
      for (const s of direct) s.deliver(reply)
      receivers += direct.size
    }
    for (const [pattern, subs] of this.patterns) {
      const bytes = this.patternBytes.get(pattern)!
      if (!globMatch(bytes, channel)) continue
      const reply: Reply = { t: 'push', v: [PMESSAGE, bulk(bytes), bulk(channel), bulk(message)] }
      for (const s of subs) s.deliver(reply)
      receivers += subs.size
    }
    return receivers
  }

  /** Channels with at least one subscriber, optionally only those matching a glob (PUBSUB CHANNELS). */
  activeChannels(pattern?: Uint8Array): string[] {
    const all = [...this.channels.keys()]
    return pattern == null ? all : all.filter(c => globMatch(pattern, nameBytes(c)))
  }

  /** Subscribers of one channel, patterns not counted (PUBSUB NUMSUB). */
  subscriberCount(channel: string): number {
    return this.channels.get(channel)?.size ?? 0
  }

  /** Distinct patterns subscribed to (PUBSUB NUMPAT). */
  get patternCount(): number {
    return this.patterns.size
  }
}
