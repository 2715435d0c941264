/**
 * WS-Discovery for ONVIF cameras: send one Probe (multicast on the local
 * segment by default, or unicast to a given address) and collect ProbeMatches
 * until the time is up. Written on dgram rather than the `onvif` package's
 * Discovery, which is a process-wide EventEmitter and opens connections to what
 * it finds. Replies are parsed defensively: anything may arrive on that port.
 */
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { OnvifError } from './errors.js';
import { blocks, leafText } from './xml.js';

export interface DiscoveredDevice {
  /** Address the reply came from. */
  address: string;
  /** Device service URLs the device advertises (often its LAN address). */
  xaddrs: string[];
  /** From the onvif://www.onvif.org/name/ scope, decoded. */
  name?: string;
  /** From the onvif://www.onvif.org/hardware/ scope, decoded. */
  hardware?: string;
  scopes: string[];
  /** Endpoint reference, stable per device (urn:uuid:...). */
  urn?: string;
}

export interface DiscoveryOptions {
  /** How long to listen for replies. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Send the probe here instead of the multicast group (tests, or a known subnet host). */
  target?: { address: string; port: number } | undefined;
}

export const WS_DISCOVERY_GROUP = { address: '239.255.255.250', port: 3702 } as const;
const MAX_DEVICES = 2048;

export function buildProbe(messageId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" ' +
    'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" ' +
    'xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
    '<s:Header>' +
    `<a:MessageID>${messageId}</a:MessageID>` +
    '<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>' +
    '<a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>' +
    '</s:Header>' +
    '<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body>' +
    '</s:Envelope>'
  );
}

/**
 * The ProbeMatch entries of one reply. Replies to someone else's probe (their
 * RelatesTo is not ours) are ignored when `relatesTo` is given.
 */
export function parseProbeMatches(xml: string, relatesTo?: string): Array<Omit<DiscoveredDevice, 'address'>> {
  const replyTo = leafText(xml, 'RelatesTo');
  if (relatesTo !== undefined && replyTo !== undefined && replyTo !== relatesTo) return [];
  return blocks(xml, 'ProbeMatch').flatMap((match) => {
    const xaddrs = splitList(leafText(match, 'XAddrs')).filter((u) => /^https?:\/\//i.test(u));
    if (xaddrs.length === 0) return [];
    const scopes = splitList(leafText(match, 'Scopes'));
    const urn = leafText(match, 'Address');
    const name = scopeValue(scopes, 'name');
    const hardware = scopeValue(scopes, 'hardware');
    return [{ xaddrs, scopes, ...(urn ? { urn } : {}), ...(name ? { name } : {}), ...(hardware ? { hardware } : {}) }];
  });
}

function splitList(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter((s) => s.length > 0);
}

function scopeValue(scopes: string[], kind: string): string | undefined {
  const prefix = `onvif://www.onvif.org/${kind}/`;
  const hit = scopes.find((s) => s.toLowerCase().startsWith(prefix));
  if (!hit) return undefined;
  const raw = hit.slice(prefix.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Probes and collects replies for `timeoutMs`; rejects only on abort or when the probe cannot be sent. */
export function discoverOnvifDevices(opts: DiscoveryOptions): Promise<DiscoveredDevice[]> {
  const messageId = `urn:uuid:${randomUUID()}`;
  const probe = Buffer.from(buildProbe(messageId));
  const to = opts.target ?? WS_DISCOVERY_GROUP;
  const found = new Map<string, DiscoveredDevice>();
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });

  return new Promise<DiscoveredDevice[]>((resolve, reject) => {
    let done = false;
    const finish = (err?: unknown): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.close();
      if (err !== undefined) reject(err);
      else resolve([...found.values()]);
    };
    const onAbort = (): void => finish(opts.signal?.reason ?? new DOMException('The operation was aborted', 'AbortError'));
    if (opts.signal?.aborted) {
      onAbort();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish(), Math.max(0, opts.timeoutMs));

    socket.on('message', (msg, rinfo) => {
      if (found.size >= MAX_DEVICES) return;
      for (const d of parseProbeMatches(msg.toString('utf8'), messageId)) {
        const key = d.urn ?? d.xaddrs.join(' ');
        if (!found.has(key)) found.set(key, { address: rinfo.address, ...d });
      }
    });
    socket.on('error', (err) => finish(new OnvifError('unreachable', `WS-Discovery failed: ${err.message}`, { cause: err })));
    socket.bind(0, () => {
      // Discovery is for the local segment only: never let the probe be routed further.
      if (!opts.target) socket.setMulticastTTL(1);
      socket.send(probe, to.port, to.address, (err) => {
        if (err) finish(new OnvifError('unreachable', `Cannot send a WS-Discovery probe to ${to.address}:${to.port}: ${err.message}`, { cause: err }));
      });
    });
  });
}
