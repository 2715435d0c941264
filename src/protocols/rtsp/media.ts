/**
 * The media check: after DESCRIBE, SETUP the video track, PLAY, wait for its first RTP packet,
 * TEARDOWN. Nothing is decoded and one packet is enough: the question is only whether the
 * encoder sends anything (a hung encoder answers every request and sends nothing).
 *
 * Transports: the remembered one first, else interleaved TCP (one connection, passes NAT and
 * firewalls). A 461 (Unsupported Transport) to one is answered with the other; UDP that carries
 * nothing is followed by TCP when TCP was not tried yet (a camera behind NAT whose datagrams
 * never reach us). A TCP stream that plays and sends nothing is not retried over UDP: that is
 * the hung encoder, and a second wait would only double the cost of finding it.
 */
import dgram from 'node:dgram';
import { RtspError } from './errors.js';
import { header, type RtspResponse } from './response.js';
import type { SdpMedia, SdpSummary } from './sdp.js';
import type { RtspSession } from './session.js';
import { contentBase, controlUrl, isRtpOf, parseSessionHeader, parseTransportReply, transportRequest, type RtpTransport } from './transport.js';

export interface MediaOptions {
  /** The transport that carried media last time: tried first. @defaultValue 'tcp' */
  prefer?: RtpTransport | undefined;
  /** Bytes accepted after PLAY before the first video packet (other tracks, RTCP). @defaultValue 256 KiB */
  maxBytes?: number | undefined;
}

export interface MediaResult {
  /** The transport that carried the first packet. */
  transport: RtpTransport;
  /** From PLAY sent to the first packet, ms. */
  firstPacketMs: number;
}

export const DEFAULT_MAX_MEDIA_BYTES = 256 * 1024;
const TEARDOWN_BUDGET_MS = 500;
/**
 * Less than this left for the first packet, and silence is blamed on the deadline (`timeout`),
 * not on the encoder: a camera sends its first packet within a frame of PLAY (200 ms at 5 fps),
 * but one whose replies used up the budget has not been given that chance.
 */
const MIN_FAIR_WAIT_MS = 400;

type Attempt = { outcome: 'ok'; firstPacketMs: number } | { outcome: 'refused'; statusText: string } | { outcome: 'silent'; error: RtspError };

/** Runs the check on a session that has just DESCRIBEd `sdp`; rejects with RtspError (`no_media` when nothing flowed). */
export async function checkMedia(session: RtspSession, describe: RtspResponse, sdp: SdpSummary, video: SdpMedia, opts: MediaOptions = {}): Promise<MediaResult> {
  const base = contentBase(session.endpoint.requestUrl, { contentBase: header(describe, 'content-base'), contentLocation: header(describe, 'content-location') }, sdp.control);
  const urls = { track: controlUrl(base, video.control), play: controlUrl(base, sdp.control) };
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_MEDIA_BYTES;
  const accept = (packet: Buffer): boolean => isRtpOf(packet, video.formats);
  const first: RtpTransport = opts.prefer ?? 'tcp';
  const other: RtpTransport = first === 'tcp' ? 'udp' : 'tcp';

  // UDP that may still be followed by TCP gets half of what is left, so TCP keeps a fair wait.
  const a = await attempt(session, first, urls, accept, maxBytes, first === 'udp' ? 0.5 : 1);
  if (a.outcome === 'ok') return { transport: first, firstPacketMs: a.firstPacketMs };
  if (a.outcome === 'silent' && first === 'tcp') throw a.error;
  const b = await attempt(session, other, urls, accept, maxBytes, 1);
  if (b.outcome === 'ok') return { transport: other, firstPacketMs: b.firstPacketMs };
  if (b.outcome === 'silent') throw b.error;
  if (a.outcome === 'silent') throw a.error;
  throw new RtspError('no_stream', `camera refused RTP over both TCP and UDP (SETUP answered ${a.statusText}, then ${b.statusText})`, true, 461);
}

async function attempt(
  session: RtspSession,
  transport: RtpTransport,
  urls: { track: string; play: string },
  accept: (packet: Buffer) => boolean,
  maxBytes: number,
  share: number,
): Promise<Attempt> {
  const udp = transport === 'udp' ? await UdpReceiver.open(session.peer?.family ?? 'IPv4') : undefined;
  try {
    const setup = await session.request('SETUP', { uri: urls.track, headers: [`Transport: ${transportRequest(transport, udp?.ports)}`] });
    if (setup.statusCode === 461) return { outcome: 'refused', statusText: `461 ${setup.statusText}`.trim() };
    if (setup.statusCode < 200 || setup.statusCode > 299) {
      throw new RtspError('no_stream', `SETUP of the video track answered ${setup.statusCode} ${setup.statusText}`, true, setup.statusCode);
    }
    const id = parseSessionHeader(header(setup, 'session'))?.id;
    if (!id) throw new RtspError('bad_response', 'SETUP reply carries no Session header', true, setup.statusCode);
    const agreed = parseTransportReply(header(setup, 'transport')) ?? { transport };
    // Asked for TCP, offered UDP: without ports of ours it cannot arrive. Treated as a refusal.
    if (agreed.transport === 'udp' && !udp) {
      await teardown(session, urls.play, id);
      return { outcome: 'refused', statusText: `${setup.statusCode} with UDP instead` };
    }
    session.pin();
    const channel = agreed.transport === 'tcp' ? (agreed.rtpChannel ?? 0) : undefined;
    if (channel !== undefined) session.watchChannel(channel, accept, maxBytes);
    else udp?.arm(accept, session.peer?.address, maxBytes);
    const played = performance.now();
    const play = await session.request('PLAY', { uri: urls.play, headers: [`Session: ${id}`, 'Range: npt=0.000-'] });
    if (play.statusCode < 200 || play.statusCode > 299) {
      throw new RtspError('no_stream', `PLAY answered ${play.statusCode} ${play.statusText}`, true, play.statusCode);
    }
    const budget = Math.floor(session.remainingMs * share);
    try {
      if (channel !== undefined) await session.waitForInterleaved(channel, accept, budget, maxBytes);
      else await udp?.waitFor(budget, session.signal);
    } catch (err) {
      if (!(err instanceof RtspError) || err.code !== 'no_media') throw err;
      await teardown(session, urls.play, id);
      const over = agreed.transport.toUpperCase();
      if (budget < MIN_FAIR_WAIT_MS) {
        return { outcome: 'silent', error: new RtspError('timeout', `no RTP packet within the ${budget} ms left of the deadline after PLAY over ${over}`, true) };
      }
      return { outcome: 'silent', error: new RtspError('no_media', `stream sends no video: no RTP packet within ${budget} ms of PLAY over ${over}`, true) };
    }
    const firstPacketMs = Math.round(performance.now() - played);
    await teardown(session, urls.play, id);
    return { outcome: 'ok', firstPacketMs };
  } finally {
    udp?.close();
  }
}

/** Ends the session politely; a camera that does not answer in time is not waited for. */
async function teardown(session: RtspSession, uri: string, id: string): Promise<void> {
  await session.request('TEARDOWN', { uri, headers: [`Session: ${id}`], budgetMs: Math.min(TEARDOWN_BUDGET_MS, session.remainingMs) }).catch(() => undefined);
}

/** Two ephemeral UDP ports on our side (RTP, and RTCP next to it when free), for one SETUP. */
class UdpReceiver {
  private outcome: 'seen' | RtspError | undefined;
  private onOutcome: (() => void) | undefined;

  private constructor(
    private readonly rtp: dgram.Socket,
    private readonly rtcp: dgram.Socket | undefined,
  ) {}

  static async open(family: 'IPv4' | 'IPv6'): Promise<UdpReceiver> {
    const type = family === 'IPv6' ? 'udp6' : 'udp4';
    const rtp = await bound(type, 0);
    if (!rtp) throw new RtspError('bad_response', 'no local UDP port for RTP', true);
    // RTCP's port is the RTP port + 1 by convention; when it is taken the camera's reports go
    // nowhere, which costs nothing: they are not needed to know that video flows.
    const rtcp = await bound(type, rtp.address().port + 1);
    return new UdpReceiver(rtp, rtcp);
  }

  get ports(): [number, number] {
    const port = this.rtp.address().port;
    return [port, port + 1];
  }

  /**
   * Starts taking datagrams before PLAY is sent, so a packet that arrives with the PLAY reply
   * is not lost: only RTP of the track from `from` counts, anything else from there counts
   * against `maxBytes`, and datagrams from anyone else are ignored.
   */
  arm(accept: (packet: Buffer) => boolean, from: string | undefined, maxBytes: number): void {
    let bytes = 0;
    this.rtp.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => {
      if (this.outcome !== undefined || (from !== undefined && rinfo.address !== from)) return;
      if (accept(msg)) this.settle('seen');
      else if ((bytes += msg.length) > maxBytes) {
        this.settle(new RtspError('too_large', `more than ${maxBytes} bytes after PLAY without an RTP packet of the video track`, true));
      }
    });
  }

  /** Resolves once the track's first packet came (before this call too), within `budgetMs`; rejects with `no_media`. */
  waitFor(budgetMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.onOutcome = undefined;
        if (this.outcome === 'seen') resolve();
        else reject(this.outcome ?? new RtspError('no_media', `no RTP packet within ${budgetMs} ms`, true));
      };
      const onAbort = (): void => this.settle(new RtspError('aborted', 'cancelled', true));
      const timer = setTimeout(() => this.settle(new RtspError('no_media', `no RTP packet within ${budgetMs} ms`, true)), budgetMs);
      this.onOutcome = finish;
      if (this.outcome !== undefined) return finish();
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private settle(outcome: 'seen' | RtspError): void {
    if (this.outcome !== undefined) return;
    this.outcome = outcome;
    this.onOutcome?.();
  }

  close(): void {
    this.rtp.close();
    this.rtcp?.close();
  }
}

function bound(type: 'udp4' | 'udp6', port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(type);
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}
