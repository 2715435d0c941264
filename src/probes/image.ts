/**
 * Image layer: take one frame and judge the picture. The frame comes from the HTTP snapshot
 * URL when the camera has one (cheap for both sides), else from the RTSP stream through
 * ffmpeg. It is decoded defensively, only as far as the verdict needs (a fingerprint from a
 * shrunk decode), judged (ok, black, covered, frozen, corrupt) against the previous frame's
 * fingerprint that the caller passes in, and handed back with the new fingerprint for next time
 * and the picture, which is scaled for phones only if someone asks for it (`render`). Keeps no
 * state of its own and never throws for camera faults.
 */
import type { ImageDetail, LayerResult, MediaTransport } from '../domain/status.js';
import {
  decodeFrame,
  decodeThumbnail,
  DEFAULT_DECODE_LIMITS,
  fingerprintFrame,
  renderFrame,
  renderThumbnail,
  DEFAULT_IMAGE_THRESHOLDS,
  DEFAULT_SNAPSHOT_MAX_BYTES,
  fetchSnapshot,
  FrameDecodeError,
  FrameGrabError,
  grabRtspFrame,
  judgeFrame,
  SnapshotError,
  type DecodeLimits,
  type FrameFingerprint,
  type ImageThresholds,
} from '../protocols/image/index.js';
import { parseRtspUrl } from '../protocols/rtsp/index.js';
import { pinHost } from '../security/pin-host.js';
import { elapsedSince, failed, PROBE_REASONS, type Probe, type ProbeContext, type ProbeReason, type ProbeTarget } from './types.js';

export interface FrameLimits extends DecodeLimits {
  /** Largest picture accepted in bytes, from a snapshot URL or from ffmpeg. @defaultValue 8 MiB */
  maxBytes: number;
}

export interface ImageProbeContext extends ProbeContext {
  /** The fingerprint returned by this camera's previous image check, for the frozen test. */
  previous?: FrameFingerprint | undefined;
  /** ffmpeg binary (config); without it cameras that have no snapshot URL cannot be checked. */
  ffmpegPath?: string | undefined;
  thresholds?: Partial<ImageThresholds> | undefined;
  limits?: Partial<FrameLimits> | undefined;
  /** Verify https/rtsps certificates. @defaultValue false */
  tlsVerify?: boolean | undefined;
  /** Clock for the fingerprint's timestamp. @defaultValue Date.now */
  now?: (() => number) | undefined;
  /**
   * Scale the picture for viewers in the same decode as the verdict: for frames fetched for
   * viewers, who will see them (`thumb`: the thumbnail only, for a grid of tiles; `full`: both
   * sizes). Otherwise it is done by the first `render()` or `renderThumbnail()`, if any.
   */
  renderNow?: PictureSize | undefined;
}

/** What a viewer is sent: a grid's thumbnail, or the phone-sized picture of a camera page. */
export type PictureSize = 'thumb' | 'full';

/** The frame, ready to relay to viewers. */
export interface CapturedFrame {
  /** At most `frameWidth` (640) wide. */
  jpeg: Buffer;
  /** `thumbWidth` (160) wide. */
  thumbJpeg: Buffer;
  /** Size of the picture the camera sent. */
  width: number;
  height: number;
  source: 'snapshot' | 'rtsp';
  /** Epoch ms. */
  at: number;
}

/**
 * A frame for viewers: always the thumbnail; the phone-sized JPEG too unless only thumbnails
 * were wanted when it was taken (decoding at thumbnail size costs a quarter as much).
 */
export type ViewerFrame = Omit<CapturedFrame, 'jpeg'> & { jpeg?: Buffer | undefined };

/**
 * A judged picture, not yet scaled for phones: the camera's bytes are kept until `render()`
 * (once; later calls share its result) or until this is dropped. Scaling costs several times
 * the verdict, so only those who will show the picture call it.
 */
export interface CheckedPicture {
  width: number;
  height: number;
  source: 'snapshot' | 'rtsp';
  /** Epoch ms. */
  at: number;
  render(): Promise<CapturedFrame>;
  /** The thumbnail only (the full render's, if that ran or runs first): for a grid of tiles. */
  renderThumbnail(): Promise<ViewerFrame>;
}

export interface ImageLayerResult extends LayerResult<ImageDetail> {
  /** Present whenever a picture decoded, whatever the verdict. */
  picture?: CheckedPicture;
  /** Keep it and pass it back as `previous` on this camera's next image check. */
  fingerprint?: FrameFingerprint;
}

export const imageProbe: Probe<'image', ImageProbeContext, ImageLayerResult> = {
  layer: 'image',
  applies: (target) => Boolean(target.snapshotUrl || target.rtspUrl),
  check: checkImage,
};

export async function checkImage(target: ProbeTarget, ctx: ImageProbeContext): Promise<ImageLayerResult> {
  const limits: FrameLimits = { ...DEFAULT_DECODE_LIMITS, maxBytes: DEFAULT_SNAPSHOT_MAX_BYTES, ...ctx.limits };
  const thresholds: ImageThresholds = { ...DEFAULT_IMAGE_THRESHOLDS, ...ctx.thresholds };
  const now = ctx.now ?? Date.now;
  const started = performance.now();
  const source = target.snapshotUrl ? 'snapshot' : 'rtsp';

  let bytes: Buffer;
  let transport: MediaTransport | undefined;
  let contentType: string | undefined;
  try {
    const got = await fetchFrame(target, ctx, limits.maxBytes);
    if (!('bytes' in got)) return got;
    ({ bytes, transport, contentType } = got);
  } catch (err) {
    return fetchFailure(err, elapsedSince(started));
  }
  const latencyMs = elapsedSince(started);
  const at = now();

  const remaining = Math.max(0, ctx.deadlineMs - latencyMs);
  let decoded: { sourceWidth: number; sourceHeight: number; fingerprint: FrameFingerprint; rendered?: Rendered };
  try {
    if (ctx.renderNow === 'full') {
      const both = await withinDeadline(decodeFrame(bytes, at, limits), remaining, ctx.signal);
      const frame: CapturedFrame = { jpeg: both.jpeg, thumbJpeg: both.thumbJpeg, width: both.sourceWidth, height: both.sourceHeight, source, at };
      decoded = { ...both, rendered: { full: Promise.resolve(frame) } };
    } else if (ctx.renderNow === 'thumb') {
      const thumb = await withinDeadline(decodeThumbnail(bytes, at, limits), remaining, ctx.signal);
      const frame: ViewerFrame = { thumbJpeg: thumb.thumbJpeg, width: thumb.sourceWidth, height: thumb.sourceHeight, source, at };
      decoded = { ...thumb, rendered: { thumb: Promise.resolve(frame) } };
    } else decoded = await withinDeadline(fingerprintFrame(bytes, at, limits), remaining, ctx.signal);
  } catch (err) {
    if (err instanceof FrameDecodeError) {
      // The type is never trusted to accept a picture, only to say why bytes did not decode:
      // a web page is a login or error page, which an owner fixes differently from a bad picture.
      if (contentType && /^text\/html\b/i.test(contentType)) {
        return failed(PROBE_REASONS.notAPicture, 'not a picture: the camera returned a web page (text/html)', true, { latencyMs });
      }
      const reason = err.code === 'too_large' ? PROBE_REASONS.tooLarge : PROBE_REASONS.undecodable;
      return failed(reason, err.message, true, { latencyMs, detail: { verdict: 'corrupt' } });
    }
    if (err === DEADLINE) return failed(PROBE_REASONS.timeout, 'decoding the picture ran past the deadline', true, { latencyMs });
    if (err === ABORTED) return failed(PROBE_REASONS.aborted, 'check cancelled', true, { latencyMs });
    throw err;
  }

  const judgement = judgeFrame(decoded.fingerprint, ctx.previous, thresholds);
  const detail: ImageDetail = {
    verdict: judgement.verdict,
    brightness: round(judgement.stats.mean),
    variance: round(judgement.stats.stdev),
    ...(judgement.difference ? { diffFromLast: round(judgement.difference.mean) } : {}),
    ...(transport ? { transport } : {}),
  };
  const picture = checkedPicture(bytes, { width: decoded.sourceWidth, height: decoded.sourceHeight, source, at }, limits, decoded.rendered);
  const result = { latencyMs, reached: true, message: judgement.message, detail, picture, fingerprint: decoded.fingerprint };
  return judgement.verdict === 'ok' ? { ok: true, ...result } : { ok: false, reason: judgement.verdict, ...result };
}

/** Renders made with the verdict's decode. */
interface Rendered {
  full?: Promise<CapturedFrame>;
  thumb?: Promise<ViewerFrame>;
}

/**
 * The picture with its scaling deferred to the first render() or renderThumbnail(); the bytes
 * are let go once the full render has run (a thumbnail is then taken from it).
 */
function checkedPicture(bytes: Buffer, about: Omit<CheckedPicture, 'render' | 'renderThumbnail'>, limits: DecodeLimits, rendered: Rendered = {}): CheckedPicture {
  let kept: Buffer | undefined = bytes;
  let full = rendered.full;
  let thumb = rendered.thumb;
  return {
    ...about,
    render() {
      full ??= renderFrame(kept ?? Buffer.alloc(0), limits).then(({ jpeg, thumbJpeg }) => ({ ...about, jpeg, thumbJpeg }));
      kept = undefined;
      return full;
    },
    renderThumbnail() {
      thumb ??= full ?? renderThumbnail(kept ?? Buffer.alloc(0), limits).then(({ thumbJpeg }) => ({ ...about, thumbJpeg }));
      return thumb;
    },
  };
}

/** The raw bytes of one frame, or a failed result when the target cannot be checked at all. */
async function fetchFrame(
  target: ProbeTarget,
  ctx: ImageProbeContext,
  maxBytes: number,
): Promise<{ bytes: Buffer; transport?: MediaTransport; contentType?: string | undefined } | ImageLayerResult> {
  if (target.snapshotUrl) {
    const snap = await fetchSnapshot(target.snapshotUrl, {
      username: target.snapshotUsername,
      password: target.snapshotPassword,
      timeoutMs: ctx.deadlineMs,
      signal: ctx.signal,
      maxBytes,
      userAgent: ctx.userAgent,
      tlsVerify: ctx.tlsVerify,
      lookup: target.lookup,
    });
    return { bytes: snap.body, contentType: snap.contentType };
  }
  if (!target.rtspUrl) return failed(PROBE_REASONS.notConfigured, 'camera has neither a snapshot URL nor an RTSP URL', false);
  if (!ctx.ffmpegPath) return failed(PROBE_REASONS.notConfigured, 'no snapshot URL, and ffmpeg is not available for RTSP', false);
  // Only rtsp(s) reaches ffmpeg: it would otherwise open whatever the URL names.
  const url = parseRtspUrl(target.rtspUrl) ? withCredentials(target.rtspUrl, target.rtspUsername, target.rtspPassword) : undefined;
  if (!url) return failed(PROBE_REASONS.notConfigured, 'RTSP URL is not an rtsp:// or rtsps:// URL', false);
  // ffmpeg resolves names itself: it gets the address the policy checked instead.
  let pinned: string;
  try {
    pinned = target.lookup ? await pinHost(url, target.lookup) : url;
  } catch (err) {
    return failed(PROBE_REASONS.unreachable, `camera unreachable: ${(err as Error).message}`, false);
  }
  const grabbed = await grabRtspFrame(pinned, {
    ffmpegPath: ctx.ffmpegPath,
    timeoutMs: ctx.deadlineMs,
    signal: ctx.signal,
    transport: target.rtspTransport,
    maxBytes,
    userAgent: ctx.userAgent,
  });
  return { bytes: grabbed.jpeg, transport: grabbed.transport };
}

function fetchFailure(err: unknown, latencyMs: number): ImageLayerResult {
  if (err instanceof SnapshotError) {
    const reason: ProbeReason = err.code === 'bad_url' ? PROBE_REASONS.notConfigured : err.code;
    return failed(reason, err.message, err.reached || err.code === 'auth_failed', { latencyMs });
  }
  if (err instanceof FrameGrabError) return failed(err.code, err.message, err.reached || err.code === 'auth_failed', { latencyMs });
  throw err;
}

/** ffmpeg takes credentials only inside the URL; percent-encoded so `@`, `:` or `%` survive. */
export function withCredentials(url: string, username: string | undefined, password: string | undefined): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (username !== undefined) {
    u.username = encodeURIComponent(username);
    u.password = encodeURIComponent(password ?? '');
  }
  return u.toString();
}

const DEADLINE = Symbol('deadline');
const ABORTED = Symbol('aborted');

/** sharp cannot be cancelled; this stops waiting for it (the work is bounded by the pixel limit). */
function withinDeadline<T>(work: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(DEADLINE), ms);
    onAbort = () => reject(ABORTED);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, stop]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
