/**
 * The pure pieces of setting up a stream: which URL a track's SETUP goes to, the Transport
 * header we ask with and what the camera answers in it, the Session header, and whether some
 * bytes are an RTP packet of the track we set up. No I/O: the media check (media.ts) uses them.
 */

/** How RTP reaches us: interleaved in the RTSP connection, or as UDP datagrams. */
export type RtpTransport = 'tcp' | 'udp';

/**
 * The URL a track's SETUP goes to. An absolute `a=control` is used as it is; `*` or none means
 * the base itself; a relative one is appended to the base with one `/` between, which is what
 * cameras mean (ffmpeg and live555 resolve it the same way, not by RFC 3986 rules, which would
 * drop the base's last path segment: `…/Channels/101` + `trackID=1`).
 */
export function controlUrl(base: string, control: string | undefined): string {
  if (control === undefined || control === '' || control === '*') return base;
  if (/^rtsps?:\/\//i.test(control)) return control;
  return `${base.replace(/\/+$/, '')}/${control.replace(/^\/+/, '')}`;
}

/**
 * The base of relative control URLs: the session-level `a=control` when absolute, else the
 * DESCRIBE reply's Content-Base, else its Content-Location, else the URL that was described.
 */
export function contentBase(requestUrl: string, headers: { contentBase?: string | undefined; contentLocation?: string | undefined }, sessionControl?: string): string {
  if (sessionControl && /^rtsps?:\/\//i.test(sessionControl)) return sessionControl;
  return headers.contentBase?.trim() || headers.contentLocation?.trim() || requestUrl;
}

/** The Transport header of a SETUP: interleaved channels 0-1, or our two UDP ports. */
export function transportRequest(transport: RtpTransport, clientPorts?: readonly [number, number]): string {
  if (transport === 'tcp') return 'RTP/AVP/TCP;unicast;interleaved=0-1';
  const [rtp, rtcp] = clientPorts ?? [0, 0];
  return `RTP/AVP;unicast;client_port=${rtp}-${rtcp}`;
}

export interface TransportReply {
  transport: RtpTransport;
  /** The interleaved channel RTP comes on (TCP). */
  rtpChannel?: number;
}

/**
 * What the camera agreed to in its SETUP reply's Transport header; undefined when the header
 * is missing or names no RTP profile. A camera may answer a TCP request with UDP or the
 * other way round; what it says is what it will do.
 */
export function parseTransportReply(value: string | undefined): TransportReply | undefined {
  if (!value) return undefined;
  // Several comma-separated choices are allowed in a request; a reply carries the one chosen.
  const first = value.split(',')[0] ?? '';
  const [spec = '', ...params] = first.split(';').map((p) => p.trim());
  const profile = spec.toUpperCase();
  if (!profile.startsWith('RTP/AVP')) return undefined;
  const interleaved = params.map((p) => /^interleaved=(\d+)(?:-(\d+))?$/i.exec(p)).find((m) => m !== null);
  const tcp = profile.endsWith('/TCP') || interleaved !== undefined;
  if (!tcp) return { transport: 'udp' };
  return { transport: 'tcp', rtpChannel: interleaved ? Number(interleaved[1]) : 0 };
}

export interface SessionHeader {
  id: string;
  /** Seconds the camera keeps the session without a keep-alive. @defaultValue 60 (RFC 2326) */
  timeoutSec: number;
}

/** `Session: 1234ABCD;timeout=60` → the id to send back, and the timeout. */
export function parseSessionHeader(value: string | undefined): SessionHeader | undefined {
  if (!value) return undefined;
  const [id = '', ...params] = value.split(';').map((p) => p.trim());
  if (!id) return undefined;
  const timeout = params.map((p) => /^timeout\s*=\s*(\d+)$/i.exec(p)).find((m) => m !== null);
  return { id, timeoutSec: timeout ? Number(timeout[1]) : 60 };
}

/**
 * Whether `packet` is an RTP packet (version 2, a whole header) whose payload type is one of
 * the track's formats. RTCP shares the version bits but uses types 200–204, which no video
 * format number reaches, so a sender report is never taken for video.
 */
export function isRtpOf(packet: Buffer, formats: readonly string[]): boolean {
  if (packet.length < 12 || (packet[0]! & 0xc0) !== 0x80) return false;
  const payloadType = packet[1]! & 0x7f;
  const numeric = formats.map(Number).filter((n) => Number.isInteger(n));
  // An SDP whose formats are not numbers cannot say which type to expect: any RTP will do.
  return numeric.length === 0 || numeric.includes(payloadType);
}
