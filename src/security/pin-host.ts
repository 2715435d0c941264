/**
 * For connections Pantau does not make itself (ffmpeg reading an RTSP stream), where no `lookup`
 * can be handed to the socket: resolve the host once through the policy's lookup and give the
 * other program the address that was checked, so a name cannot resolve elsewhere a moment later
 * (DNS rebinding). IP literals are returned as they are; they were judged when saved.
 */
import net from 'node:net';
import type { LookupFunction } from './outbound-policy.js';

/** `url` with its host name replaced by the address `lookup` resolved it to; rejects when refused. */
export async function pinHost(url: string, lookup: LookupFunction): Promise<string> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host || net.isIP(host)) return url;
  const address = await new Promise<string>((resolve, reject) => {
    lookup(host, { all: false }, (err: Error | null, addr: string | unknown) => (err ? reject(err) : resolve(String(addr))));
  });
  u.hostname = net.isIP(address) === 6 ? `[${address}]` : address;
  return u.toString();
}
