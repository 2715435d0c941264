/**
 * RTSP cameras that break frame grabs, in pure Node on loopback:
 * - `drip`: accepts, and answers the first request one byte every `dripMs` for ever — never
 *   idle long enough for a socket timeout, never done (a wedged firmware, a congested link);
 * - `drip-setup`: answers OPTIONS and DESCRIBE at once (an RTSP check passes), then drips its
 *   answer to SETUP the same way: only a frame grab meets the fault;
 * - `endless`: answers OPTIONS/DESCRIBE/SETUP (interleaved TCP only)/PLAY, then sends
 *   undecodable H.264 as fast as the client reads, for ever (a broken encoder);
 * - `no-media`: answers SETUP over TCP or UDP and PLAY, then sends nothing (a hung encoder);
 * - `reset`: accepts and resets the connection at once.
 * Each accepted connection is counted, so tests can see a client really came.
 */
import net from 'node:net';
import { closeServer, listen, LOOPBACK, trackSockets } from './net.js';
import { answerRtsp, readRtspRequests } from './rtsp-responder.js';

export type RtspFaultMode = 'drip' | 'drip-setup' | 'endless' | 'no-media' | 'reset';

export interface RtspFaultCameraOptions {
  mode: RtspFaultMode;
  /** @defaultValue 0 (a free port) */
  port?: number;
  /** Gap between dripped bytes, ms. @defaultValue 200 */
  dripMs?: number;
}

const PATH = '/stream1';
const SESSION = '5A1B2C3D';

export class RtspFaultCamera {
  private readonly server: net.Server;
  private readonly sockets: Set<net.Socket>;
  private readonly timers = new Set<NodeJS.Timeout>();
  private boundPort: number;
  /** Connections accepted. */
  connections = 0;

  constructor(private readonly opts: RtspFaultCameraOptions) {
    this.boundPort = opts.port ?? 0;
    this.server = net.createServer((s) => this.onConnection(s));
    this.sockets = trackSockets(this.server);
  }

  get port(): number {
    return this.boundPort;
  }
  get url(): string {
    return `rtsp://${LOOPBACK}:${this.boundPort}${PATH}`;
  }

  async start(): Promise<void> {
    this.boundPort = await listen(this.server, this.boundPort);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    await closeServer(this.server, this.sockets);
  }

  private onConnection(socket: net.Socket): void {
    this.connections++;
    socket.on('error', () => socket.destroy());
    if (this.opts.mode === 'reset') {
      socket.resetAndDestroy();
      return;
    }
    if (this.opts.mode === 'drip') {
      socket.once('data', () => this.drip(socket));
      return;
    }
    readRtspRequests(socket, (head) => this.answer(socket, head));
  }

  private drip(socket: net.Socket): void {
    const text = 'RTSP/1.0 200 OK\r\nCSeq: 1\r\nX-Padding: ';
    let i = 0;
    const timer = setInterval(() => {
      if (socket.destroyed) {
        clearInterval(timer);
        this.timers.delete(timer);
        return;
      }
      socket.write(i < text.length ? text[i]! : 'a');
      i++;
    }, this.opts.dripMs ?? 200);
    this.timers.add(timer);
  }

  private answer(socket: net.Socket, head: string): string | null {
    const lines = head.split('\r\n');
    const method = (lines[0] ?? '').split(' ')[0] ?? '';
    const header = (name: string): string =>
      lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.replace(/^[^:]*:\s*/, '') ?? '';
    const ok = (extra: string[]): string => ['RTSP/1.0 200 OK', `CSeq: ${header('CSeq') || '0'}`, ...extra, '', ''].join('\r\n');
    if (method === 'SETUP' && this.opts.mode === 'drip-setup') {
      this.drip(socket);
      return null;
    }
    if (method === 'SETUP') {
      const transport = header('Transport');
      if (/RTP\/AVP\/TCP/i.test(transport)) return ok([`Session: ${SESSION};timeout=60`, 'Transport: RTP/AVP/TCP;unicast;interleaved=0-1']);
      if (this.opts.mode === 'endless') return `RTSP/1.0 461 Unsupported Transport\r\nCSeq: ${header('CSeq') || '0'}\r\n\r\n`;
      const ports = /client_port=(\d+)-(\d+)/.exec(transport);
      return ok([`Session: ${SESSION};timeout=60`, `Transport: RTP/AVP;unicast;client_port=${ports?.[1]}-${ports?.[2]};server_port=50000-50001`]);
    }
    if (method === 'PLAY') {
      if (this.opts.mode === 'endless') setImmediate(() => flood(socket));
      return ok([`Session: ${SESSION}`, 'Range: npt=0.000-']);
    }
    if (method === 'TEARDOWN') return ok([`Session: ${SESSION}`]);
    return answerRtsp(head, { path: PATH, mode: 'ok' }).reply;
  }
}

/**
 * Interleaved RTP (channel 0) carrying H.264 non-IDR slices of noise, written whenever the
 * socket drains: the client decodes garbage for as long as it keeps reading.
 */
function flood(socket: net.Socket): void {
  const payload = Buffer.alloc(1400);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 2654435761) >>> 24;
  payload[0] = 0x41; // NAL type 1: a non-IDR slice
  let seq = 0;
  const packet = (): Buffer => {
    const rtp = Buffer.alloc(12);
    rtp[0] = 0x80;
    rtp[1] = 0x80 | 96; // marker: one slice per frame
    rtp.writeUInt16BE(seq & 0xffff, 2);
    rtp.writeUInt32BE((seq * 3000) >>> 0, 4);
    rtp.writeUInt32BE(0x1234abcd, 8);
    seq++;
    const frame = Buffer.alloc(4);
    frame[0] = 0x24;
    frame[1] = 0;
    frame.writeUInt16BE(rtp.length + payload.length, 2);
    return Buffer.concat([frame, rtp, payload]);
  };
  const pump = (): void => {
    while (!socket.destroyed && socket.write(packet()));
    if (!socket.destroyed) socket.once('drain', pump);
  };
  pump();
}
