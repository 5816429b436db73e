import { describe, expect, test } from 'bun:test'
import { contentRoutingSymbol, peerRoutingSymbol } from '@libp2p/interface'
import { recordsOnly } from './libp2p-options.ts'

describe('recordsOnly', () => {
  test('hides a service\'s content routing from libp2p and keeps its peer routing and the rest', () => {
    const routing = { findProviders: () => {} }
    const peers = { findPeer: () => {} }
    class FakeDht {
      get [contentRoutingSymbol]() { return routing }
      get [peerRoutingSymbol]() { return peers }
      put() { return 'put' }
    }
    const plain = (() => new FakeDht()) as (c: unknown) => FakeDht
    expect((plain({}) as any)[contentRoutingSymbol]).toBe(routing)
    const dht = recordsOnly(plain)({}) as any
    expect(dht[contentRoutingSymbol]).toBeUndefined()
    expect(dht[peerRoutingSymbol]).toBe(peers)
    expect(dht.put()).toBe('put')
  })
})
