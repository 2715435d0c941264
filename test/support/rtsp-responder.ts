/**
 * An RTSP camera in pure Node: answers OPTIONS and DESCRIBE (an SDP with an H.264 track) like
 * a real camera, with optional Digest/Basic auth, and SETUP/PLAY/TEARDOWN with RTP packets of
 * the video track over interleaved TCP or UDP (rtsp-media.ts; nothing that decodes). A few
 * kilobytes per instance, so a test (or a fleet simulator) can run thousands of them in one
 * process where GStreamer and ffmpeg are absent. The wire half (`readRtspRequests`,
 * `answerRtsp`) is exported on its own, so a fleet simulator can answer for many cameras from a
 * few servers without one object each.
 */
import net from 'node:net';
import { AuthGate, type AuthScheme, type DigestAlgorithm } from './auth-gate.js';
import { closeServer, listen, LOOPBACK, onRequests, trackSockets } from './net.js';
import { RtspMediaConnection } from './rtsp-media.js';

/**
 * - `ok`: a camera with a 1080p H.264 stream whose RTP flows after PLAY
 * - `no-video`: DESCRIBE works but the SDP has only audio (encoder disabled)
 * - `bad-sdp`: DESCRIBE says application/sdp but the body is not an SDP
 * - `no-media`: everything answers, PLAY too, but no RTP packet ever comes (hung encoder)
 * - `tcp-refused`: 461 Unsupported Transport to RTP over TCP; RTP flows over UDP
 * - `cseq-mismatch`: every reply carries a CSeq other than the request's
 * - `reset`: accepts TCP, then resets the connection (RST) at once
 * - `garbage`: answers every request with binary noise
 * - `silent`: accepts TCP but never answers (hung firmware)
 * - `refuse`: not listening (camera or its RTSP service down)
 */
export type RtspResponderMode = 'ok' | 'no-video' | 'bad-sdp' | 'no-media' | 'tcp-refused' | 'cseq-mismatch' | 'reset' | 'garbage' | 'silent' | 'refuse';

export interface RtspResponderOptions {
  /** @defaultValue 0 (a free port, kept across mode switches) */
  port?: number;
  /** @defaultValue '/Streaming/Channels/101' */
  path?: string;
  /** @defaultValue 'ok' */
  mode?: RtspResponderMode;
  username?: string;
  password?: string;
  /** @defaultValue 'digest' */
  auth?: AuthScheme;
  /** @defaultValue 'MD5' */
  algorithm?: DigestAlgorithm;
  /** Server header, for vendor-flavoured answers. @defaultValue 'Hikvision-Webs' */
  server?: string;
  /** Answer DESCRIBE with 455 until OPTIONS was asked on the connection, as some old firmware does. */
  optionsFirst?: boolean;
  /** How reply headers spell CSeq (`Cseq`, `CSEQ` as some servers write it). @defaultValue 'CSeq' */
  cseqHeader?: string;
  /** Between RTP packets after PLAY, ms; the first goes right after the PLAY reply. @defaultValue 40 */
  packetEveryMs?: number;
}

const MAX_REQUEST_BYTES = 16 * 1024;
// SPS/PPS of a real 1920x1080 baseline x264 stream, so probes that read sprop get true dimensions.
const SPROP = 'Z0LAKNoB4AiflwFqAgICgAAAAwCAAAAZR4wZUA==,aM48gA==';

export class RtspResponderSimulator {
  private readonly server: net.Server;
  private readonly sockets: Set<net.Socket>;
  private readonly gate: AuthGate | undefined;
  private currentMode: RtspResponderMode;
  private boundPort: number;
  private started = false;
  /** Requests answered, by method: lets tests see what a probe actually sent. */
  readonly requests: Record<string, number> = {};
  private accepted = 0;

  constructor(private readonly opts: RtspResponderOptions = {}) {
    this.currentMode = opts.mode ?? 'ok';
    this.boundPort = opts.port ?? 0;
    if (opts.username !== undefined) {
      this.gate = new AuthGate({
        username: opts.username,
        password: opts.password ?? '',
        scheme: opts.auth ?? 'digest',
        algorithm: opts.algorithm ?? 'MD5',
        qop: false, // RTSP cameras almost never send qop
      });
    }
    this.server = net.createServer((s) => this.onConnection(s));
    this.sockets = trackSockets(this.server);
  }

  get port(): number {
    return this.boundPort;
  }
  get path(): string {
    return this.opts.path ?? '/Streaming/Channels/101';
  }
  /** TCP connections accepted, whatever came over them: lets tests see how often a probe connects. */
  get connections(): number {
    return this.accepted;
  }
  get mode(): RtspResponderMode {
    return this.currentMode;
  }
  get url(): string {
    return `rtsp://${LOOPBACK}:${this.boundPort}${this.path}`;
  }

  async start(): Promise<void> {
    this.started = true;
    await this.sync();
  }

  async stop(): Promise<void> {
    this.started = false;
    await closeServer(this.server, this.sockets);
  }

  /** Switches behaviour at once; `refuse` closes the port and any other mode reopens it. */
  async setMode(mode: RtspResponderMode): Promise<void> {
    this.currentMode = mode;
    if (mode !== 'refuse') for (const s of this.sockets) s.destroy(); // a restarted camera drops sessions
    await this.sync();
  }

  private async sync(): Promise<void> {
    const wantOpen = this.started && this.currentMode !== 'refuse';
    if (wantOpen && !this.server.listening) this.boundPort = await listen(this.server, this.boundPort);
    if (!wantOpen && this.server.listening) await closeServer(this.server, this.sockets);
  }

  private onConnection(socket: net.Socket): void {
    this.accepted++;
    if (this.currentMode === 'reset') {
      socket.resetAndDestroy();
      return;
    }
    socket.setNoDelay(true); // the first RTP packet follows the PLAY reply at once, as a camera's does
    let optionsAsked = false;
    const mode = this.currentMode;
    const media = new RtspMediaConnection(socket, { silentAfterPlay: mode === 'no-media', refuseTcp: mode === 'tcp-refused', packetEveryMs: this.opts.packetEveryMs });
    readRtspRequests(socket, (head) => {
      if (this.currentMode === 'silent') return null;
      if (this.currentMode === 'garbage') return GARBAGE;
      const { method, reply, after } = answerRtsp(head, { path: this.path, mode: this.currentMode, gate: this.gate, server: this.opts.server, media, cseqHeader: this.opts.cseqHeader });
      if (after) setImmediate(after);
      this.requests[method] = (this.requests[method] ?? 0) + 1;
      if (method === 'OPTIONS') optionsAsked = true;
      if (method === 'DESCRIBE' && this.opts.optionsFirst && !optionsAsked) {
        const cseq = /\r\nCSeq:\s*(\d+)/i.exec(head)?.[1] ?? '0';
        return `RTSP/1.0 455 Method Not Valid in This State\r\nCSeq: ${cseq}\r\n\r\n`;
      }
      return reply;
    });
  }
}

/** How one camera answers, for `answerRtsp`. */
export interface RtspAnswerContext {
  /** The stream path DESCRIBE must name. */
  path: string;
  /** `ok`, `no-video` or `bad-sdp` shape the answer; other modes are the caller's business. */
  mode: RtspResponderMode;
  gate?: AuthGate | undefined;
  /** @defaultValue 'Hikvision-Webs' */
  server?: string | undefined;
  /** The connection's media state; without it SETUP, PLAY and TEARDOWN are not allowed (405). */
  media?: RtspMediaConnection | undefined;
  /** @defaultValue 'CSeq' */
  cseqHeader?: string | undefined;
}

/** What a babbling camera sends: not RTSP, not text. */
const GARBAGE = Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42, 0x00, 0x99, 0x10, 0x0d, 0x0a]).toString('latin1');

/**
 * Reads RTSP requests off a socket (pipelined or split across packets, bounded in size) and
 * writes whatever `answer` returns for each; `null` means stay silent, as hung firmware does.
 * Anything that is not RTSP gets a 400 and a hang-up, as camera RTSP servers do.
 */
export function readRtspRequests(socket: net.Socket, answer: (head: string) => string | null): void {
  socket.on('error', () => socket.destroy());
  onRequests(socket, MAX_REQUEST_BYTES, (head) => {
    if (!/^[A-Z_]+ \S+ RTSP\/1\.0$/.test(head.split('\r\n')[0] ?? '')) {
      socket.end('RTSP/1.0 400 Bad Request\r\nCSeq: 0\r\n\r\n');
      return false;
    }
    const reply = answer(head);
    if (reply === null) return false;
    socket.write(reply);
    return true;
  });
}

/**
 * One request head in, the camera's reply out (status line, headers and SDP body), and for
 * PLAY what starts the packets once the reply is written.
 */
export function answerRtsp(head: string, ctx: RtspAnswerContext): { method: string; reply: string; after?: (() => void) | undefined } {
  const lines = head.split('\r\n');
  const [method = '', uri = ''] = (lines[0] ?? '').split(' ');
  const header = (name: string): string | undefined =>
    lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.replace(/^[^:]*:\s*/, '');
  const asked = header('CSeq') ?? '0';
  const cseq = ctx.mode === 'cseq-mismatch' ? String(Number(asked) + 7) : asked;
  const base = [`${ctx.cseqHeader ?? 'CSeq'}: ${cseq}`, `Server: ${ctx.server ?? 'Hikvision-Webs'}`, `Date: ${new Date().toUTCString()}`];
  const reply = (status: string, extra: string[] = [], body = ''): string =>
    [`RTSP/1.0 ${status}`, ...base, ...extra, ...(body ? [`Content-Length: ${Buffer.byteLength(body)}`] : []), '', body].join('\r\n');

  if (method === 'OPTIONS') {
    return { method, reply: reply('200 OK', ['Public: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER']) };
  }
  const media = method === 'DESCRIBE' ? undefined : ctx.media;
  if (method !== 'DESCRIBE' && !media) return { method, reply: reply('405 Method Not Allowed', ['Allow: OPTIONS, DESCRIBE']) };
  if (ctx.gate && !ctx.gate.check(method, header('Authorization'), uri)) {
    return { method, reply: reply('401 Unauthorized', ctx.gate.challenges().map((c) => `WWW-Authenticate: ${c}`)) };
  }
  if (media) {
    const answer = media.answer({ method, header });
    if (!answer) return { method, reply: reply('405 Method Not Allowed', ['Allow: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN']) };
    return { method, reply: reply(answer.status, answer.headers), after: answer.after };
  }
  if (pathOf(uri) !== ctx.path.replace(/\/$/, '')) return { method, reply: reply('404 Not Found') };
  return { method, reply: reply('200 OK', [`Content-Base: ${uri}/`, 'Content-Type: application/sdp'], sdp(uri, ctx.mode)) };
}

function sdp(uri: string, mode: RtspResponderMode): string {
  if (mode === 'bad-sdp') return '<html><body>500 Internal Error</body></html>\r\nm=vid';
  const session = ['v=0', `o=- ${Date.now()} 1 IN IP4 ${LOOPBACK}`, 's=Media Presentation', 'e=NONE', 't=0 0', `a=control:${uri}/`];
  const video = [
    'm=video 0 RTP/AVP 96',
    'c=IN IP4 0.0.0.0',
    'b=AS:4096',
    'a=recvonly',
    'a=x-dimensions:1920,1080',
    `a=control:${uri}/trackID=1`,
    'a=rtpmap:96 H264/90000',
    `a=fmtp:96 profile-level-id=42C028;packetization-mode=1;sprop-parameter-sets=${SPROP}`,
  ];
  const audio = ['m=audio 0 RTP/AVP 0', 'c=IN IP4 0.0.0.0', 'a=recvonly', `a=control:${uri}/trackID=2`, 'a=rtpmap:0 PCMU/8000'];
  const media = mode === 'no-video' ? audio : [...video, ...audio];
  return [...session, ...media, ''].join('\r\n');
}

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('rtsp://')) return undefined;
  try {
    return new URL(uri).pathname.replace(/\/$/, '');
  } catch {
    return undefined;
  }
}
