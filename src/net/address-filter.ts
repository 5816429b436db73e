/**
 * The swarm address filter (`swarm filters`, SystemVars.json `Filters`): a
 * CIDR blacklist applied to every outbound dial and inbound connection.
 */
import { IpNet } from '@chainsafe/netmask'
import type { Multiaddr } from '@multiformats/multiaddr'
import { InvalidInputError } from '../utils/errors.ts'

/** Normalised CIDR text, or a clear error for anything that is not one. */
export function parseCidrText(text: string): { text: string, net: IpNet } {
  const trimmed = text.trim()
  // kubo writes filters as multiaddrs: /ip4/10.0.0.0/ipcidr/8
  const m = /^\/ip([46])\/([^/]+)\/ipcidr\/(\d+)$/.exec(trimmed)
  const cidr = m != null ? `${m[2]}/${m[3]}` : trimmed
  const slash = cidr.lastIndexOf('/')
  if (slash <= 0) throw new InvalidInputError(`invalid CIDR "${text}": expected e.g. 10.0.0.0/8 or fd00::/8`)
  const bits = Number(cidr.slice(slash + 1))
  const ip = cidr.slice(0, slash)
  const isV6 = ip.includes(':')
  if (!Number.isInteger(bits) || bits < 0 || bits > (isV6 ? 128 : 32) || !/^[0-9a-fA-F.:]+$/.test(ip)) {
    throw new InvalidInputError(`invalid CIDR "${text}": expected e.g. 10.0.0.0/8 or fd00::/8`)
  }
  let net: IpNet
  try {
    net = new IpNet(ip, bits)
  } catch {
    throw new InvalidInputError(`invalid CIDR "${text}": "${ip}" is not an IP address`)
  }
  // IPv4 prints as the network (10.1.2.3/8 → 10.0.0.0/8); IPv6 keeps the user's short form.
  return { text: isV6 ? `${ip.toLowerCase()}/${bits}` : net.toString(), net }
}

/** The IP address of a multiaddr, if it has one (dns and relay addresses have none). */
export function ipOf(ma: Multiaddr): string | undefined {
  return ma.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')?.value
}

export class AddressFilter {
  private readonly nets = new Map<string, IpNet>()

  constructor(cidrs: string[] = []) {
    for (const c of cidrs) this.add(c)
  }

  /** Adds a CIDR; returns its normalised text. */
  add(cidr: string): string {
    const { text, net } = parseCidrText(cidr)
    this.nets.set(text, net)
    return text
  }

  /** Removes a CIDR; false when it was not in the list. */
  remove(cidr: string): boolean {
    return this.nets.delete(parseCidrText(cidr).text)
  }

  list(): string[] {
    return [...this.nets.keys()]
  }

  deniesIp(ip: string): boolean {
    for (const net of this.nets.values()) {
      try {
        if (net.contains(ip)) return true
      } catch { /* other address family */ }
    }
    return false
  }

  denies(ma: Multiaddr): boolean {
    const ip = ipOf(ma)
    return ip != null && this.deniesIp(ip)
  }
}
