import { describe, expect, it } from 'vitest';
import { clientAddress, parseCidrs, parseIp, rateLimitKey } from './client-address.js';

const key = (text: string): string => rateLimitKey(parseIp(text)!);

describe('parseIp', () => {
  it.each([
    ['192.0.2.7', [192, 0, 2, 7]],
    ['::ffff:192.0.2.7', [192, 0, 2, 7]],
    ['::FFFF:c000:0207', [192, 0, 2, 7]],
  ])('reads %s as IPv4', (text, bytes) => {
    expect([...parseIp(text)!]).toEqual(bytes);
  });

  it('reads IPv6 with compression, an embedded IPv4 tail and a zone id', () => {
    expect(Buffer.from(parseIp('2001:db8::1')!).toString('hex')).toBe('20010db8000000000000000000000001');
    expect(Buffer.from(parseIp('::')!).toString('hex')).toBe('0'.repeat(32));
    expect(Buffer.from(parseIp('1::')!).toString('hex')).toBe(`0001${'0'.repeat(28)}`);
    expect(Buffer.from(parseIp('64:ff9b::192.0.2.33')!).toString('hex')).toBe('0064ff9b0000000000000000c0000221');
    expect(Buffer.from(parseIp('fe80::1%eth0')!).toString('hex')).toBe('fe800000000000000000000000000001');
  });

  it.each(['', 'localhost', '1.2.3', '256.1.1.1', '1.2.3.4.5', '2001:db8:::1', '[::1]', '1.2.3.4:80', ' 1.2.3.4'])('rejects %j', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe('rateLimitKey', () => {
  it('groups IPv6 by /64 and keeps IPv4 whole; IPv4-mapped IPv6 is the IPv4 address', () => {
    expect(key('2001:db8:1:2:aaaa::1')).toBe(key('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(key('2001:db8:1:2::1')).not.toBe(key('2001:db8:1:3::1'));
    expect(key('192.0.2.1')).not.toBe(key('192.0.2.2'));
    expect(key('::ffff:192.0.2.1')).toBe(key('192.0.2.1'));
  });
});

describe('parseCidrs', () => {
  it('matches addresses inside each block only', () => {
    const set = parseCidrs(['10.0.0.0/8', '192.0.2.1', 'fd00::/8', '2001:db8::/127']);
    expect(set.has(parseIp('10.255.1.2')!)).toBe(true);
    expect(set.has(parseIp('::ffff:10.1.1.1')!)).toBe(true);
    expect(set.has(parseIp('11.0.0.1')!)).toBe(false);
    expect(set.has(parseIp('192.0.2.1')!)).toBe(true);
    expect(set.has(parseIp('192.0.2.2')!)).toBe(false);
    expect(set.has(parseIp('fdab::1')!)).toBe(true);
    expect(set.has(parseIp('fe00::1')!)).toBe(false);
    expect(set.has(parseIp('2001:db8::1')!)).toBe(true);
    expect(set.has(parseIp('2001:db8::2')!)).toBe(false);
  });

  it('reads IPv4-mapped blocks as IPv4 blocks', () => {
    expect(parseCidrs(['::ffff:10.0.0.0/104']).has(parseIp('10.9.9.9')!)).toBe(true);
  });

  it.each(['10.0.0.0/33', 'fd00::/129', 'nope', '10.0.0.0/x'])('refuses %j', (entry) => {
    expect(() => parseCidrs([entry])).toThrow(RangeError);
  });
});

describe('clientAddress', () => {
  const proxies = parseCidrs(['10.0.0.0/8', '2001:db8:ffff::/48']);
  const at = (peer: string, xff?: string | string[]): string | null => {
    const address = clientAddress(peer, xff, proxies);
    return address === null ? null : rateLimitKey(address);
  };

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(at('198.51.100.9', '203.0.113.5')).toBe(key('198.51.100.9'));
  });

  it('takes the right-most untrusted address from a trusted proxy', () => {
    expect(at('10.0.0.1', '203.0.113.5')).toBe(key('203.0.113.5'));
    // The client forged the first element; the proxy appended the real peer.
    expect(at('10.0.0.1', '1.1.1.1, 203.0.113.5')).toBe(key('203.0.113.5'));
    // Two trusted hops.
    expect(at('10.0.0.1', '1.1.1.1, 203.0.113.5, 10.0.0.2')).toBe(key('203.0.113.5'));
    expect(at('10.0.0.1', ['1.1.1.1', '203.0.113.5'])).toBe(key('203.0.113.5'));
    expect(at('::ffff:10.0.0.1', '[2001:db8:1::7]:443')).toBe(key('2001:db8:1::7'));
    expect(at('2001:db8:ffff::1', '203.0.113.5:5678')).toBe(key('203.0.113.5'));
  });

  it('stops at the last trusted hop on garbage, and uses the first hop when all are trusted', () => {
    expect(at('10.0.0.1', '203.0.113.5, garbage')).toBe(key('10.0.0.1'));
    expect(at('10.0.0.1', '203.0.113.5, garbage, 10.0.0.3')).toBe(key('10.0.0.3'));
    expect(at('10.0.0.1', '10.0.0.7')).toBe(key('10.0.0.7'));
    expect(at('10.0.0.1', '')).toBe(key('10.0.0.1'));
  });

  it('has no address without a readable peer', () => {
    expect(at('not an ip', '203.0.113.5')).toBeNull();
    expect(clientAddress(undefined, undefined, proxies)).toBeNull();
  });
});
