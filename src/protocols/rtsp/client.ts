/**
 * A minimal RTSP client for health checks: DESCRIBE on one TCP (or TLS) connection (OPTIONS
 * first only for cameras that insist), answering Basic or Digest challenges, and returning
 * what the SDP offers; when asked (`media`), it then sets up and plays the video track until
 * its first RTP packet arrives (media.ts), on the same connection and within the same budget.
 * The connection, its bounds and the TCP layer's hand-over live in session.ts.
 */
import { RtspError } from './errors.js';
import { checkMedia, type MediaOptions, type MediaResult } from './media.js';
import { header, type RtspResponse } from './response.js';
import { parseSdp, videoMedia, type SdpSummary } from './sdp.js';
import { RtspSession, type SessionOptions } from './session.js';
import { parseRtspUrl } from './url.js';

export interface DescribeOptions extends SessionOptions {
  /** Overrides credentials embedded in the URL. */
  username?: string | undefined;
  password?: string | undefined;
  /** Also check that media flows (SETUP, PLAY, first RTP packet, TEARDOWN). @defaultValue undefined: DESCRIBE only */
  media?: MediaOptions | undefined;
}

export interface DescribeResult {
  /** Status of the DESCRIBE reply (2xx). */
  statusCode: number;
  sdp: SdpSummary;
  hasVideo: boolean;
  videoCodec?: string | undefined;
  /** The camera's Server header, when it sent one. */
  server?: string | undefined;
  /** Which challenge was answered, if any. */
  auth?: 'basic' | 'digest' | undefined;
  /** How media flowed, when it was checked (`media`). */
  media?: MediaResult | undefined;
}

/**
 * Answers to DESCRIBE from firmware that wants OPTIONS first (the way players open a session):
 * 455 Method Not Valid in This State, and the 400/405/501 some send instead.
 */
const WANTS_OPTIONS_FIRST: ReadonlySet<number> = new Set([400, 405, 455, 501]);
const ACCEPT_SDP = { headers: ['Accept: application/sdp'] };

/**
 * DESCRIBE, with OPTIONS before it only when the camera asks for it, then the media check when
 * asked and the SDP has video. Resolves with the SDP's offer; rejects with RtspError. Going
 * straight to DESCRIBE spares every other camera a request and a round trip per check: at
 * 10 000 cameras the OPTIONS writes alone cost ~2 % of a core.
 */
export async function describeRtsp(url: string, opts: DescribeOptions): Promise<DescribeResult> {
  const endpoint = parseRtspUrl(url);
  if (!endpoint) throw new RtspError('bad_url', 'not an rtsp:// or rtsps:// URL', false);
  const username = opts.username ?? endpoint.username;
  const creds = username !== undefined ? { username, password: opts.password ?? endpoint.password ?? '' } : undefined;
  const session = new RtspSession(endpoint, creds, opts);
  try {
    let describe = await session.request('DESCRIBE', ACCEPT_SDP);
    let options: RtspResponse | undefined;
    if (WANTS_OPTIONS_FIRST.has(describe.statusCode)) {
      // A camera that rejects OPTIONS may still DESCRIBE: only DESCRIBE decides.
      options = await session.request('OPTIONS');
      describe = await session.request('DESCRIBE', ACCEPT_SDP);
    }
    if (describe.statusCode < 200 || describe.statusCode > 299) {
      const where = describe.statusCode >= 300 && describe.statusCode < 400 ? ` to ${header(describe, 'location') ?? '?'}` : '';
      throw new RtspError('no_stream', `DESCRIBE answered ${describe.statusCode} ${describe.statusText}${where}`, true, describe.statusCode);
    }
    const sdp = parseSdp(describe.body.toString('utf8'));
    if (!sdp) throw new RtspError('bad_response', 'DESCRIBE answered with a body that is not an SDP', true, describe.statusCode);
    const video = videoMedia(sdp);
    const media = opts.media && video ? await checkMedia(session, describe, sdp, video, opts.media) : undefined;
    return {
      statusCode: describe.statusCode,
      sdp,
      hasVideo: video !== undefined,
      videoCodec: video?.codec,
      server: header(describe, 'server') ?? (options && header(options, 'server')),
      auth: session.authScheme,
      ...(media ? { media } : {}),
    };
  } finally {
    session.close();
  }
}
