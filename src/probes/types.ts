/**
 * What every probe shares: the target it checks (with plaintext credentials the caller
 * decrypted for this one check), the context it runs in, the one interface each layer
 * implements, and the reason codes a failed check can carry. Probes must not throw for
 * anything a camera does; they resolve with `{ ok: false, reason, reached, message }`.
 */
import type { LookupFunction } from 'node:net';
import type { Layer, LayerDetails, LayerResult, MediaTransport } from '../domain/status.js';

/** One camera as a probe sees it. Never log it: it carries passwords. */
export interface ProbeTarget {
  cameraId: string;
  onvif?: { host: string; port: number; username?: string | undefined; password?: string | undefined } | undefined;
  rtspUrl?: string | undefined;
  rtspUsername?: string | undefined;
  rtspPassword?: string | undefined;
  /**
   * The RTP transport that last carried this camera's media (remembered by the prober): try it
   * first. Cameras differ: some answer 461 to TCP, some only get UDP through behind NAT.
   */
  rtspTransport?: MediaTransport | undefined;
  snapshotUrl?: string | undefined;
  snapshotUsername?: string | undefined;
  snapshotPassword?: string | undefined;
  /** Resolves host names when connecting; the outbound-address policy refuses some answers. */
  lookup?: LookupFunction | undefined;
}

export interface ProbeContext {
  /**
   * The caller's cancellation (shutdown, a superseded round). A cancelled check resolves with
   * reason `aborted` at once; callers should drop such results rather than record them.
   */
  signal: AbortSignal;
  /** Budget for this check, in ms from the call. Past it the check resolves with `timeout`. */
  deadlineMs: number;
  /** Sent as User-Agent (RTSP and HTTP); some cameras answer 401 without one. @defaultValue 'Pantau' */
  userAgent?: string | undefined;
}

export interface Probe<L extends Layer = Layer, C extends ProbeContext = ProbeContext, R = LayerResult<LayerDetails[L]>> {
  readonly layer: L;
  /** Whether the target has what this layer needs (an RTSP URL, a snapshot URL…). */
  applies(target: ProbeTarget): boolean;
  check(target: ProbeTarget, ctx: C): Promise<R>;
}

/**
 * Reason codes of failed checks. `classify()` in domain/status.ts reads only `auth_failed`
 * (AUTH_FAILED) and `reached`; the rest are for people and dashboards, and stay stable.
 */
export const PROBE_REASONS = {
  /** The port actively refused the connection. */
  refused: 'refused',
  /** No route, no such host, DNS failure. */
  unreachable: 'unreachable',
  /** No (complete) answer within the deadline. */
  timeout: 'timeout',
  /** The caller cancelled the check. */
  aborted: 'aborted',
  /** The camera refused our credentials, or wants some and none are configured. */
  authFailed: 'auth_failed',
  /** DESCRIBE answered, but the SDP carries no video track. */
  noVideo: 'no_video',
  /** The stream is not there: DESCRIBE answered 404/454/5xx, or ffmpeg got no frame. */
  noStream: 'no_stream',
  /** The stream was set up and played, but its video track sent nothing (a hung encoder, or UDP blocked). */
  noMedia: 'no_media',
  /** The camera answered with something that is not the protocol (garbage, a broken SDP). */
  badResponse: 'bad_response',
  /** The answer was larger than allowed: an endless reply, a 50 MB "JPEG", a decompression bomb. */
  tooLarge: 'too_large',
  /** The snapshot URL answered with an HTTP error status. */
  httpError: 'http_error',
  /** The bytes arrived but are not a picture that decodes. */
  undecodable: 'undecodable',
  /** The connection was accepted, then closed or reset before any answer. */
  reset: 'reset',
  /** The camera answered 461 to every RTP transport tried (frame grabs try TCP, then UDP). */
  transportRefused: 'transport_refused',
  /** Media flowed but no key frame (no complete picture) came before the deadline. */
  noKeyframe: 'no_keyframe',
  /** The snapshot URL answered with a web page (text/html, typically a login page), not a picture. */
  notAPicture: 'not_a_picture',
  /** ffmpeg could not run or failed for a reason of its own. */
  ffmpegFailed: 'ffmpeg_failed',
  /** The target lacks what the layer needs (no URL, a malformed URL, no ffmpeg configured). */
  notConfigured: 'not_configured',
} as const;
export type ProbeReason = (typeof PROBE_REASONS)[keyof typeof PROBE_REASONS];

/** A failed check. `reached` says whether the camera answered at all: it separates down from degraded. */
export function failed<D>(reason: string, message: string, reached: boolean, extra: Partial<LayerResult<D>> = {}): LayerResult<D> {
  return { ok: false, reason, reached, message, ...extra };
}

/** A check that started at `startedAt` (performance.now()) took this long, in whole ms. */
export function elapsedSince(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
