import { BlockList, isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import { promises as dns } from 'node:dns';

/**
 * Loopback, private, link-local, carrier-grade NAT, multicast and reserved ranges: a webhook must not reach into
 * the server's own network (SSRF) unless WEBHOOK_ALLOW_PRIVATE=1.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    return mapped ? PRIVATE.check(mapped[1], 'ipv4') : PRIVATE.check(address, 'ipv6');
  }
  return false;
}

/** The URL's host without IPv6 brackets. */
const hostOf = (url: string) => new URL(url).hostname.replace(/^\[|\]$/g, '');

/**
 * The private address a URL's host is or resolves to, if any. A host that does not resolve now is let through:
 * it is checked again, by the connection's own lookup, at every send.
 */
export async function privateAddressOf(url: string): Promise<string | null> {
  const host = hostOf(url);
  if (isIP(host)) return isPrivateAddress(host) ? host : null;
  try {
    const addresses = await dns.lookup(host, { all: true, verbatim: true });
    return addresses.find((entry) => isPrivateAddress(entry.address))?.address ?? null;
  } catch {
    return null;
  }
}

export class PrivateAddressError extends Error {
  readonly code = 'private_address';
}

/** A connection lookup that refuses private addresses: the check happens on the address actually connected to. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as Array<{ address: string; family: number }>;
    const bad = list.find((entry) => isPrivateAddress(entry.address));
    if (bad) return callback(new PrivateAddressError(`private_address: ${hostname} is ${bad.address}`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
    callback(null, list[0].address, list[0].family);
  });
};
