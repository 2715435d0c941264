/**
 * The media half of the pure-Node RTSP simulators: SETUP, PLAY and TEARDOWN on one connection,
 * then RTP of the video track — interleaved on the connection or as UDP datagrams to the
 * client's `client_port` — until TEARDOWN or hang-up. The packets are well-formed RTP headers
 * with a few bytes of payload (nothing decodes them: the media check only wants the first).
 * Ways a camera fails here: no RTP at all after PLAY (a hung encoder), and 461 to RTP over TCP
 * (a VLC-style server that streams over UDP only).
 */
import dgram from 'node:dgram';
import type net from 'node:net';

export interface RtspMediaBehaviour {
  /** Answer PLAY but never send a packet. */
  silentAfterPlay?: boolean;
  /** Answer 461 Unsupported Transport to RTP/AVP/TCP (UDP still works). */
  refuseTcp?: boolean;
  /** Answer 461 to UDP (RTP/AVP without /TCP). */
  refuseUdp?: boolean;
  /** Between packets, ms. @defaultValue 40 (25 fps) */
  packetEveryMs?: number;
}

/** A request for the media methods: the request head's method and its header lookup. */
export interface MediaRequest {
  method: string;
  header: (name: string) => string | undefined;
}

/** What one connection has set up. One per RTSP connection; `close()` it when the connection ends. */
export class RtspMediaConnection {
  private readonly id = Math.floor(Math.random() * 0xffffffff).toString(16).toUpperCase();
  private transport: { kind: 'tcp'; channel: number } | { kind: 'udp'; port: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seq = Math.floor(Math.random() * 0xffff);
  private udp: dgram.Socket | undefined;
  /** Packets sent so far on this connection. */
  sent = 0;

  constructor(
    private readonly socket: net.Socket,
    private readonly behaviour: RtspMediaBehaviour,
  ) {
    socket.once('close', () => this.close());
  }

  /**
   * The status line and extra headers for SETUP, PLAY or TEARDOWN (`undefined` for other
   * methods), and what to start once the reply is written.
   */
  answer(req: MediaRequest): { status: string; headers: string[]; after?: () => void } | undefined {
    if (req.method === 'SETUP') return this.setup(req.header('Transport') ?? '');
    if (req.method === 'PLAY') {
      if (!this.transport) return { status: '455 Method Not Valid in This State', headers: [] };
      if (req.header('Session')?.split(';')[0]?.trim() !== this.id) return { status: '454 Session Not Found', headers: [] };
      return { status: '200 OK', headers: [`Session: ${this.id}`, 'RTP-Info: url=trackID=1;seq=0;rtptime=0'], after: () => this.play() };
    }
    if (req.method === 'TEARDOWN') {
      this.stop();
      this.transport = undefined;
      return { status: '200 OK', headers: [`Session: ${this.id}`] };
    }
    return undefined;
  }

  close(): void {
    this.stop();
    this.udp?.close();
    this.udp = undefined;
  }

  private setup(transport: string): { status: string; headers: string[] } {
    const tcp = /RTP\/AVP\/TCP/i.test(transport);
    if ((tcp && this.behaviour.refuseTcp) || (!tcp && this.behaviour.refuseUdp)) return { status: '461 Unsupported Transport', headers: [] };
    this.stop();
    if (tcp) {
      const channel = Number(/interleaved=(\d+)/i.exec(transport)?.[1] ?? 0);
      this.transport = { kind: 'tcp', channel };
      return { status: '200 OK', headers: [`Session: ${this.id};timeout=60`, `Transport: RTP/AVP/TCP;unicast;interleaved=${channel}-${channel + 1};ssrc=1234ABCD`] };
    }
    const ports = /client_port=(\d+)(?:-(\d+))?/i.exec(transport);
    if (!ports) return { status: '461 Unsupported Transport', headers: [] };
    const port = Number(ports[1]);
    this.transport = { kind: 'udp', port };
    return {
      status: '200 OK',
      headers: [`Session: ${this.id};timeout=60`, `Transport: RTP/AVP;unicast;client_port=${port}-${port + 1};server_port=6970-6971;ssrc=1234ABCD`],
    };
  }

  private play(): void {
    if (this.behaviour.silentAfterPlay) return;
    this.stop();
    this.send();
    this.timer = setInterval(() => this.send(), this.behaviour.packetEveryMs ?? 40);
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private send(): void {
    const t = this.transport;
    if (!t || this.socket.destroyed) return this.stop();
    const packet = rtpPacket(96, (this.seq = (this.seq + 1) & 0xffff), this.sent * 3600);
    this.sent++;
    if (t.kind === 'tcp') {
      const head = Buffer.from([0x24, t.channel, packet.length >> 8, packet.length & 0xff]);
      this.socket.write(Buffer.concat([head, packet]));
      return;
    }
    const address = this.socket.remoteAddress;
    if (!address) return;
    if (!this.udp) {
      // From the camera's own address, as a camera sends: clients may drop datagrams from elsewhere.
      this.udp = dgram.createSocket(this.socket.remoteFamily === 'IPv6' ? 'udp6' : 'udp4').on('error', () => undefined);
      this.udp.bind({ address: this.socket.localAddress, port: 0 });
    }
    this.udp.send(packet, t.port, address);
  }
}

/** An RTP packet (RFC 3550 header, SSRC 0x1234ABCD) carrying an H.264 IDR slice's first bytes. */
export function rtpPacket(payloadType: number, seq: number, timestamp: number): Buffer {
  const packet = Buffer.alloc(12 + 8);
  packet[0] = 0x80;
  packet[1] = 0x80 | payloadType; // marker set: one NAL per packet here
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(0x1234abcd, 8);
  Buffer.from([0x65, 0x88, 0x84, 0x00, 0x33, 0xff, 0xfe, 0xf6]).copy(packet, 12);
  return packet;
}
