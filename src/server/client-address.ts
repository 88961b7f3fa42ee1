// Who is asking, for rate limits: the socket peer, or the forwarded client when the peer is a trusted proxy;
// IPv6 grouped by /64 (one subscriber usually holds a whole /64), IPv4-mapped IPv6 treated as IPv4.

import { isIP } from 'node:net';

/** An address as bytes: 4 for IPv4 (IPv4-mapped IPv6 included), 16 for IPv6. */
export type IpBytes = Uint8Array;

/** Parses an IPv4 or IPv6 address (zone id dropped); IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes 4 bytes. Null if invalid. */
export function parseIp(text: string): IpBytes | null {
  const address = text.includes('%') ? text.slice(0, text.indexOf('%')) : text;
  const family = isIP(address);
  if (family === 4) return Uint8Array.from(address.split('.').map(Number));
  if (family !== 6) return null;
  let head = address;
  let v4Tail: number[] = [];
  const lastColon = head.lastIndexOf(':');
  if (head.slice(lastColon + 1).includes('.')) {
    v4Tail = head.slice(lastColon + 1).split('.').map(Number);
    // The dotted quad stands for two groups; keep one placeholder colon so '::' handling stays uniform.
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const groupsOf = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const l = groupsOf(left);
  const r = right === undefined ? [] : groupsOf(right);
  const groups = right === undefined ? l : [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >>> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  if (v4Tail.length === 4) bytes.set(v4Tail, 12);
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** A set of CIDR blocks (VIGIE_TRUSTED_PROXIES); IPv4 blocks also match IPv4-mapped IPv6 peers. */
export interface AddressSet {
  has(address: IpBytes): boolean;
}

export function parseCidrs(entries: readonly string[]): AddressSet {
  const blocks = entries.map((entry) => {
    const [addressText = '', prefixText] = entry.split('/');
    const network = parseIp(addressText);
    if (network === null) throw new RangeError(`"trustedProxies" expected IP addresses or CIDRs, got "${entry}"`);
    // An IPv4-mapped block written in IPv6 (::ffff:10.0.0.0/104) is an IPv4 block of prefix - 96.
    const mappedOffset = network.length === 4 && addressText.includes(':') ? 96 : 0;
    const prefix = prefixText === undefined ? network.length * 8 : Number(prefixText) - mappedOffset;
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > network.length * 8) {
      throw new RangeError(`"trustedProxies" has an invalid prefix length in "${entry}"`);
    }
    return { network, prefix };
  });
  return {
    has(address) {
      return blocks.some(({ network, prefix }) => network.length === address.length && samePrefix(network, address, prefix));
    },
  };
}

function samePrefix(a: IpBytes, b: IpBytes, bits: number): boolean {
  const whole = bits >>> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[whole]! & mask) === (b[whole]! & mask);
}

/** The rate-limit key of an address: IPv4 whole, IPv6 by its /64 (RFC 6177 / RFC 7421 assign a /64 or more per site). */
export function rateLimitKey(address: IpBytes): string {
  if (address.length === 4) return `4:${address.join('.')}`;
  let hex = '';
  for (let i = 0; i < 8; i++) hex += address[i]!.toString(16).padStart(2, '0');
  return `6:${hex}/64`;
}

/** One X-Forwarded-For element: an address, optionally bracketed (IPv6) and with a port, as some proxies write it. */
function parseForwardedElement(text: string): IpBytes | null {
  let s = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed !== null) s = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(s)) s = s.slice(0, s.indexOf(':'));
  return parseIp(s);
}

/**
 * The client address of a request. X-Forwarded-For is believed only when the socket peer is a trusted proxy;
 * then the list is walked from the right (each proxy appends its own peer) and the right-most address that is
 * not a trusted proxy is the client: everything to its left was written by the client and may be forged.
 * An unreadable element stops the walk at the last trusted hop, which shares a budget with all its clients
 * (failing towards more limiting, never less). Returns null when the peer address is unknown.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: AddressSet,
): IpBytes | null {
  const peerBytes = peer === undefined ? null : parseIp(peer);
  if (peerBytes === null) return null;
  if (forwardedFor === undefined || !trusted.has(peerBytes)) return peerBytes;
  const elements = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  let current = peerBytes;
  for (let i = elements.length - 1; i >= 0; i--) {
    const hop = parseForwardedElement(elements[i]!);
    if (hop === null) return current;
    if (!trusted.has(hop)) return hop;
    current = hop;
  }
  return current;
}
