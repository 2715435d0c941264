import { describe, expect, it } from 'vitest';
import { pinHost } from '../../src/security/pin-host.js';
import { classifyIp, literalIp, OutboundPolicy, outboundPolicies, parseLegacyIpv4, type AddressKind } from '../../src/security/outbound-policy.js';

describe('classifyIp', () => {
  it.each<[string, AddressKind]>([
    ['8.8.8.8', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.10', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.128.0.1', 'public'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ])('%s is %s', (ip, kind) => {
    expect(classifyIp(ip)).toBe(kind);
  });

  it.each<[string, AddressKind]>([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:a9fe:a9fe::', 'link-local'],
    ['::127.0.0.1', 'reserved'],
  ])('judges IPv6 %s by the IPv4 address it carries: %s', (ip, kind) => {
    expect(classifyIp(ip)).toBe(kind);
  });
});

describe('legacy IPv4 spellings', () => {
  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0x0', '0.0.0.0'],
    ['2852039166', '169.254.169.254'],
  ])('reads %s as %s', (host, ip) => {
    expect(parseLegacyIpv4(host)).toBe(ip);
  });

  it.each(['camera.local', '1.2.3.4.5', '256.1.1.1', '4294967296', '08', '1..2', '', 'x7f'])('%s is no IPv4 address', (host) => {
    expect(parseLegacyIpv4(host)).toBeNull();
  });

  it('finds the address inside brackets, zones and trailing dots', () => {
    expect(literalIp('[::1]')).toBe('::1');
    expect(literalIp('[fe80::1%25eth0]')).toBe('fe80::1');
    expect(literalIp('127.0.0.1.')).toBe('127.0.0.1');
    expect(literalIp('example.com')).toBeNull();
  });
});

describe('contact policy (only public addresses)', () => {
  const { contacts } = outboundPolicies({ allowPrivate: false, allow: [] });
  it.each(['169.254.169.254', '127.0.0.1', '[::1]', '0.0.0.0', '[::]', '2130706433', '0x7f.1', 'localhost', 'LOCALHOST.', 'app.localhost', '[::ffff:127.0.0.1]', '10.0.0.5', '192.168.1.1', '100.64.1.1', '[fd00::1]', '[fe80::1]', '224.0.0.1', '[ff02::1]'])(
    'refuses %s',
    (host) => {
      expect(contacts.checkHost(host)).toMatch(/not allowed here/);
    },
  );
  it.each(['hooks.example.com', '8.8.8.8', '[2001:4860:4860::8888]'])('accepts %s', (host) => {
    expect(contacts.checkHost(host)).toBeNull();
  });

  it('allows private ranges only when configured, and never loopback or metadata', () => {
    const open = outboundPolicies({ allowPrivate: true, allow: [] }).contacts;
    expect(open.checkHost('10.0.0.5')).toBeNull();
    expect(open.checkHost('100.64.0.1')).toBeNull();
    expect(open.checkHost('127.0.0.1')).toMatch(/loopback/);
    expect(open.checkHost('169.254.169.254')).toMatch(/link-local/);
  });

  it('lets an admin allow CIDRs and host names', () => {
    const p = new OutboundPolicy({ refuse: ['loopback', 'private'], allow: ['127.0.0.1/32', 'relay.internal', 'fd00::/8'] });
    expect(p.checkHost('127.0.0.1')).toBeNull();
    expect(p.checkHost('127.0.0.2')).toMatch(/loopback/);
    expect(p.checkHost('[fd00::5]')).toBeNull();
    expect(p.checkAddress('10.0.0.1', 'relay.internal')).toBeNull();
    expect(p.checkAddress('10.0.0.1', 'other.internal')).toMatch(/other\.internal \(10\.0\.0\.1\)/);
    expect(() => new OutboundPolicy({ refuse: [], allow: ['10.0.0.0/33'] })).toThrow(/prefix/);
    expect(() => new OutboundPolicy({ refuse: [], allow: ['http://x/'] })).toThrow(/CIDR/);
  });
});

describe('camera policy (LAN addresses are fine)', () => {
  const { cameras } = outboundPolicies({ allowPrivate: false, allow: [] });
  it.each(['192.168.1.64', '10.20.30.40', '172.16.5.5', '100.70.1.1', 'cam.example.com'])('accepts %s', (host) => {
    expect(cameras.checkHost(host)).toBeNull();
  });
  it.each(['127.0.0.1', 'localhost', '169.254.169.254', '0.0.0.0', '[::]', '[::1]', '2130706433', '[::ffff:127.0.0.1]', '[fe80::1]'])('refuses %s', (host) => {
    expect(cameras.checkHost(host)).toMatch(/not allowed here/);
  });
});

describe('lookup at connect time', () => {
  const lookup = (p: OutboundPolicy, host: string, all: boolean) =>
    new Promise<unknown>((resolve, reject) => {
      p.lookup(host, { all }, (err: Error | null, address: unknown) => (err ? reject(err) : resolve(address)));
    });
  const { contacts } = outboundPolicies({ allowPrivate: false, allow: [] });

  it('refuses a name that resolves to a refused address', async () => {
    await expect(lookup(contacts, 'localhost', false)).rejects.toMatchObject({ code: 'EPANTAU_REFUSED' });
    await expect(lookup(contacts, 'localhost', true)).rejects.toMatchObject({ code: 'EPANTAU_REFUSED' });
    // Users read this (a broken contact): it must not tell them what a name resolves to.
    await expect(lookup(contacts, 'localhost', false)).rejects.toThrow(/^localhost resolves to an address that is not allowed here$/);
  });

  it('resolves as dns.lookup does when allowed', async () => {
    const open = new OutboundPolicy({ refuse: ['private'] });
    expect(await lookup(open, 'localhost', false)).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(await lookup(open, 'localhost', true)).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.any(String) })]));
  });
});

describe('pinHost', () => {
  const { contacts } = outboundPolicies({ allowPrivate: false, allow: [] });
  const open = new OutboundPolicy({ refuse: [] });
  it('puts the checked address in place of the name, and leaves IP literals alone', async () => {
    expect(await pinHost('rtsp://user:pw@localhost:554/live?x=1', open.lookup)).toMatch(/^rtsp:\/\/user:pw@(127\.0\.0\.1|\[::1\]):554\/live\?x=1$/);
    expect(await pinHost('rtsp://10.0.0.5/live', contacts.lookup)).toBe('rtsp://10.0.0.5/live');
  });
  it('rejects a name the policy refuses', async () => {
    await expect(pinHost('rtsp://localhost/live', contacts.lookup)).rejects.toMatchObject({ code: 'EPANTAU_REFUSED' });
  });
});
