/**
 * The camera side of WS-Discovery for tests: a UDP socket on loopback that
 * answers a Probe with a ProbeMatches. It is bound to 127.0.0.1 and never joins
 * the multicast group, so probes reach it only when sent to it directly and
 * nothing it sends leaves the machine.
 */
import dgram from 'node:dgram';
import { LOOPBACK } from './net.js';

/** Builds the reply for a probe whose MessageID is `relatesTo`. */
export type ProbeReply = (relatesTo: string) => string;

export class WsDiscoveryResponder {
  private socket: dgram.Socket | undefined;
  private boundPort = 0;
  /** Probes received, answered or not. */
  probes = 0;

  constructor(private readonly reply: ProbeReply) {}

  get port(): number {
    return this.boundPort;
  }

  async start(port = 0): Promise<void> {
    if (this.socket) return;
    const socket = dgram.createSocket('udp4');
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      const text = msg.toString('utf8');
      if (!/<(?:[\w-]+:)?Probe\b/.test(text)) return;
      this.probes++;
      // A camera ignores probes for device types it is not.
      const types = /<(?:[\w-]+:)?Types\b[^>]*>([^<]*)</.exec(text)?.[1]?.trim() ?? '';
      if (types && !/NetworkVideoTransmitter|Device\b/.test(types)) return;
      const relatesTo = /<(?:[\w-]+:)?MessageID\b[^>]*>([^<]*)</.exec(text)?.[1]?.trim() ?? '';
      const out = Buffer.from(this.reply(relatesTo));
      if (rinfo.address.startsWith('127.')) socket.send(out, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, LOOPBACK, () => {
        socket.off('error', reject);
        this.boundPort = socket.address().port;
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
