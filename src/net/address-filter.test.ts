import { describe, expect, test } from 'bun:test'
import { multiaddr } from '@multiformats/multiaddr'
import { AddressFilter } from './address-filter.ts'

describe('the address filter', () => {
  test('denies addresses inside a listed CIDR, in both families', () => {
    const f = new AddressFilter(['10.0.0.0/8', 'fd00::/8'])
    expect(f.denies(multiaddr('/ip4/10.1.2.3/tcp/4001'))).toBe(true)
    expect(f.denies(multiaddr('/ip4/11.1.2.3/tcp/4001'))).toBe(false)
    expect(f.denies(multiaddr('/ip6/fd00::1/tcp/4001'))).toBe(true)
    expect(f.denies(multiaddr('/ip6/::1/tcp/4001'))).toBe(false)
    expect(f.denies(multiaddr('/dns4/example.com/tcp/4001'))).toBe(false)
  })

  test('accepts kubo\'s multiaddr form and removes what it added', () => {
    const f = new AddressFilter()
    const text = f.add('/ip4/127.0.0.2/ipcidr/32')
    expect(text).toBe('127.0.0.2/32')
    expect(f.deniesIp('127.0.0.2')).toBe(true)
    expect(f.deniesIp('127.0.0.1')).toBe(false)
    expect(f.remove('127.0.0.2/32')).toBe(true)
    expect(f.remove('127.0.0.2/32')).toBe(false)
    expect(f.list()).toEqual([])
  })

  test('rejects strings that are not CIDRs, naming them', () => {
    const f = new AddressFilter()
    for (const bad of ['10.0.0.0', '10.0.0.0/33', 'banana/8', '/ip4/1.2.3.4/tcp/1', '::1/129']) {
      expect(() => f.add(bad)).toThrow(`invalid CIDR "${bad}"`)
    }
  })
})
