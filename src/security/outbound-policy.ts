/**
 * The outbound-address policy: which addresses Pantau may connect to on behalf of someone who
 * is not an admin. Two uses share it: contact addresses owners and viewers set (webhooks, Web
 * Push endpoints: only public addresses) and camera addresses owners edit (cameras live on
 * private LANs, so only loopback, link-local, unspecified and multicast are refused).
 *
 * The guard that counts runs where the connection is made, after DNS resolution: `lookup` is
 * given to the socket, so a name that resolves (or re-resolves, DNS rebinding) to a refused
 * address never gets a connection. `checkHost` is the same rule for what can be decided
 * without DNS (IP literals in every spelling, `localhost`), used to refuse at save time with a
 * clear message. Pure except for `lookup`, which calls `dns.lookup`.
 */
import dns from 'node:dns';
import net from 'node:net';

/** What an IP address is, as far as reaching it from Pantau goes. */
export type AddressKind =
  | 'public'
  | 'private'
  /** 100.64.0.0/10, carrier-grade NAT (and overlay networks such as Tailscale). */
  | 'shared'
  | 'loopback'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  /** Broadcast, documentation, benchmarking, discard and other special-purpose ranges. */
  | 'reserved';

const RANGES: Record<Exclude<AddressKind, 'public'>, Array<[string, number, 'ipv4' | 'ipv6']>> = {
  unspecified: [
    ['0.0.0.0', 8, 'ipv4'],
    ['::', 128, 'ipv6'],
  ],
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  'link-local': [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  multicast: [
    ['224.0.0.0', 4, 'ipv4'],
    ['ff00::', 8, 'ipv6'],
  ],
  private: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
    // Site-local, deprecated but still routed inside some networks.
    ['fec0::', 10, 'ipv6'],
  ],
  shared: [['100.64.0.0', 10, 'ipv4']],
  reserved: [
    ['192.0.0.0', 24, 'ipv4'],
    ['192.0.2.0', 24, 'ipv4'],
    ['198.18.0.0', 15, 'ipv4'],
    ['198.51.100.0', 24, 'ipv4'],
    ['203.0.113.0', 24, 'ipv4'],
    ['240.0.0.0', 4, 'ipv4'],
    // IPv4-compatible (deprecated) addresses; mapped, NAT64 and 6to4 are unwrapped first.
    ['::', 96, 'ipv6'],
    ['100::', 64, 'ipv6'],
    ['2001:db8::', 32, 'ipv6'],
  ],
};

const LISTS = Object.entries(RANGES).map(([kind, ranges]) => {
  const list = new net.BlockList();
  for (const [address, prefix, type] of ranges) list.addSubnet(address, prefix, type);
  return [kind as AddressKind, list] as const;
});

/** Every kind but `public`: what contacts may not reach. */
export const NON_PUBLIC: readonly AddressKind[] = ['private', 'shared', 'loopback', 'link-local', 'unspecified', 'multicast', 'reserved'];
/** What a camera an owner edits may not point at: the server itself, metadata services, nowhere. */
export const NOT_A_CAMERA: readonly AddressKind[] = ['loopback', 'link-local', 'unspecified', 'multicast'];

/**
 * The kind of an IP address (as `net.isIP` accepts it). IPv6 forms that carry an IPv4 address
 * (`::ffff:127.0.0.1`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by that address.
 */
export function classifyIp(ip: string): AddressKind {
  const bare = ip.replace(/%.*$/, '');
  const family = net.isIP(bare);
  if (family === 0) throw new Error(`not an IP address: ${ip}`);
  const embedded = family === 6 ? embeddedIpv4(bare) : null;
  const address = embedded ?? bare;
  const type = embedded || family === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of LISTS) if (list.check(address, type)) return kind;
  return 'public';
}

/** The IPv4 address inside an IPv4-mapped, NAT64 or 6to4 IPv6 address, else null. */
function embeddedIpv4(ipv6: string): string | null {
  const words = ipv6Words(ipv6);
  const v4 = (hi: number, lo: number): string => [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  const zeros = (from: number, to: number): boolean => words.slice(from, to).every((w) => w === 0);
  if (zeros(0, 5) && words[5] === 0xffff) return v4(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!);
  return null;
}

/** The eight 16-bit words of a valid IPv6 address (dotted IPv4 tails included). */
function ipv6Words(ipv6: string): number[] {
  let text = ipv6.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const part = (s: string): number[] => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const front = part(head);
  const back = rest === undefined ? [] : part(rest);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * A host as the C resolver (`inet_aton`) would read it when it spells an IPv4 address in a
 * legacy form: one to four parts, each decimal, octal (leading 0) or hex (0x), the last part
 * filling the remaining bytes — `2130706433`, `0x7f000001`, `017700000001`, `127.1`. Null
 * when it is not such a form. WHATWG URL parsing normalises these for http(s) URLs but not for
 * rtsp:// ones, and `net.connect` hands them to the resolver, which accepts them.
 */
export function parseLegacyIpv4(host: string): string | null {
  const parts = host.split('.');
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) value = parseInt(part, 8);
    else if (/^[1-9]\d*$/.test(part)) value = parseInt(part, 10);
    else return null;
    if (!Number.isSafeInteger(value)) return null;
    values.push(value);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255) || last >= 256 ** (4 - values.length)) return null;
  const bytes = [...values];
  for (let i = 3 - values.length; i >= 0; i--) bytes.push(Math.floor(last / 256 ** i) % 256);
  return bytes.join('.');
}

/** The IP address a host names without DNS (any spelling, brackets and zone dropped), else null. */
export function literalIp(host: string): string | null {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '').replace(/\.$/, '');
  if (net.isIP(bare)) return bare;
  return parseLegacyIpv4(bare);
}

/** `localhost` and its subdomains always mean the loopback interface (RFC 6761). */
function isLocalhostName(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || name === 'localhost.localdomain';
}

const KIND_WORDS: Record<AddressKind, string> = {
  public: 'a public address',
  private: 'a private-network address',
  shared: 'a carrier-grade NAT address (100.64.0.0/10)',
  loopback: 'a loopback address (this server itself)',
  'link-local': 'a link-local address (169.254.0.0/16, fe80::/10, cloud metadata)',
  unspecified: 'an unspecified address (0.0.0.0, ::)',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

/** Thrown (through the socket) when a connection would go to a refused address. */
export class OutboundRefusedError extends Error {
  readonly code = 'EPANTAU_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}

export interface OutboundPolicyOptions {
  /** Address kinds refused. */
  refuse: readonly AddressKind[];
  /** Always allowed, whatever their kind: CIDRs (`10.0.5.0/24`), IP addresses or host names. */
  allow?: readonly string[];
}

export type LookupFunction = NonNullable<net.TcpSocketConnectOpts['lookup']>;

export class OutboundPolicy {
  private readonly refused: ReadonlySet<AddressKind>;
  private readonly allowedNets = new net.BlockList();
  private readonly allowedHosts = new Set<string>();

  constructor(options: OutboundPolicyOptions) {
    this.refused = new Set(options.refuse);
    for (const entry of options.allow ?? []) {
      const problem = addAllowed(entry, this.allowedNets, this.allowedHosts);
      if (problem) throw new Error(`outbound allow entry "${entry}": ${problem}`);
    }
  }

  /** Allows everything: what admins' own addresses get. */
  static readonly open = new OutboundPolicy({ refuse: [] });

  /**
   * Why a host may not be used, as far as can be told without DNS, or null. Host names other
   * than `localhost` pass here; `lookup` judges what they resolve to when connecting.
   */
  checkHost(host: string): string | null {
    const name = normaliseHost(host);
    if (this.allowedHosts.has(name)) return null;
    const ip = literalIp(name);
    if (ip) return this.checkAddress(ip, host);
    if (isLocalhostName(name) && this.refused.has('loopback')) return `${host} is ${KIND_WORDS.loopback}, which is not allowed here`;
    return null;
  }

  /** Why `ip`, which `host` resolved to, may not be connected to, or null. */
  checkAddress(ip: string, host: string = ip): string | null {
    if (this.allowedHosts.has(normaliseHost(host))) return null;
    const bare = ip.replace(/%.*$/, '');
    const type = net.isIP(bare) === 6 ? 'ipv6' : 'ipv4';
    if (this.allowedNets.check(bare, type)) return null;
    const kind = classifyIp(bare);
    if (!this.refused.has(kind)) return null;
    const spelled = host === ip ? host : `${host} (${ip})`;
    return `${spelled} is ${KIND_WORDS[kind]}, which is not allowed here`;
  }

  /** True when this policy refuses nothing: no lookup needs to be wrapped. */
  get isOpen(): boolean {
    return this.refused.size === 0;
  }

  /**
   * A `lookup` for sockets and agents: resolves as `dns.lookup` does and fails with an
   * `OutboundRefusedError` when any address the name resolves to is refused (one refused
   * answer is enough to distrust the name). Node skips `lookup` for IP literals, so callers
   * check those with `checkHost` before connecting.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return (callback as (e: Error) => void)(err);
      // The message names no resolved address: it reaches the user (a contact marked broken),
      // who should not learn what internal names resolve to.
      if (addresses.some(({ address }) => this.checkAddress(address, hostname) !== null)) {
        return (callback as (e: Error) => void)(new OutboundRefusedError(`${hostname} resolves to an address that is not allowed here`));
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return (callback as (e: Error) => void)(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }));
      callback(null, first.address, first.family);
    });
  };
}

function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

function addAllowed(entry: string, nets: net.BlockList, hosts: Set<string>): string | null {
  const [address = '', prefix, extra] = entry.trim().split('/');
  if (extra !== undefined) return 'expected a CIDR, an IP address or a host name';
  const family = net.isIP(address);
  if (family === 0) {
    if (prefix !== undefined) return 'the network part of a CIDR must be an IP address';
    if (!/^[a-z0-9.-]+$/i.test(address)) return 'expected a CIDR, an IP address or a host name';
    hosts.add(normaliseHost(address));
    return null;
  }
  const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
  if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) return 'the prefix length is out of range';
  nets.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
  return null;
}

/** The `outbound` section of the configuration. */
export interface OutboundSettings {
  allowPrivate: boolean;
  allow: readonly string[];
}

/** The two policies Pantau applies to what non-admins point it at. */
export interface OutboundPolicies {
  /** Webhook URLs and Web Push endpoints. */
  contacts: OutboundPolicy;
  /** Camera addresses that owners edit. */
  cameras: OutboundPolicy;
}

export function outboundPolicies(settings: OutboundSettings): OutboundPolicies {
  const contactRefuse = settings.allowPrivate ? NON_PUBLIC.filter((k) => k !== 'private' && k !== 'shared') : NON_PUBLIC;
  return {
    contacts: new OutboundPolicy({ refuse: contactRefuse, allow: settings.allow }),
    cameras: new OutboundPolicy({ refuse: NOT_A_CAMERA, allow: settings.allow }),
  };
}

/** The strict default for addresses users set, when nothing is configured: public addresses only. */
export const PUBLIC_ONLY = outboundPolicies({ allowPrivate: false, allow: [] }).contacts;

/** Checks one allow entry, for the configuration schema. */
export function allowEntryProblem(entry: string): string | null {
  return addAllowed(entry, new net.BlockList(), new Set());
}
