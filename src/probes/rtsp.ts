/**
 * RTSP layer: does the camera describe a video stream to us, and (when the caller asks for the
 * media check) does that stream send video. DESCRIBE (OPTIONS first only for cameras that
 * insist) with the camera's credentials; passes only when the SDP has an `m=video` section.
 * With `media`, the video track is then set up and played until its first RTP packet, over the
 * transport that worked last time first (`target.rtspTransport`); the transport that carried it
 * is reported in `detail.transport`. Nothing is decoded. Must not throw for camera faults and
 * must not report credentials.
 *
 * Its connection doubles as the TCP layer's evidence when both go to the same host:port
 * (`onConnecting`, wired by the prober): a round then opens one connection, not two.
 */
import type { LayerResult, RtspDetail } from '../domain/status.js';
import { describeRtsp, RtspError, type ConnectOutcome, type RtspErrorCode } from '../protocols/rtsp/index.js';
import { elapsedSince, failed, PROBE_REASONS, type Probe, type ProbeContext, type ProbeReason, type ProbeTarget } from './types.js';

export interface RtspProbeContext extends ProbeContext {
  /** Budget for each step (connect, each reply), ms. @defaultValue half of deadlineMs */
  stepTimeoutMs?: number | undefined;
  /** Largest RTSP reply accepted. @defaultValue 64 KiB */
  maxResponseBytes?: number | undefined;
  /** Verify rtsps certificates. @defaultValue false */
  tlsVerify?: boolean | undefined;
  /** Handed the TCP connect outcome of the first connection as it is opened (see describeRtsp). */
  onConnecting?: ((outcome: Promise<ConnectOutcome>) => void) | undefined;
  /** Check that media flows this round (the prober decides the cadence). @defaultValue false */
  media?: boolean | undefined;
}

const REASON_OF: Record<RtspErrorCode, ProbeReason> = {
  bad_url: PROBE_REASONS.notConfigured,
  refused: PROBE_REASONS.refused,
  unreachable: PROBE_REASONS.unreachable,
  timeout: PROBE_REASONS.timeout,
  aborted: PROBE_REASONS.aborted,
  auth_failed: PROBE_REASONS.authFailed,
  no_stream: PROBE_REASONS.noStream,
  no_media: PROBE_REASONS.noMedia,
  bad_response: PROBE_REASONS.badResponse,
  too_large: PROBE_REASONS.tooLarge,
};

export const rtspProbe: Probe<'rtsp', RtspProbeContext> = {
  layer: 'rtsp',
  applies: (target) => Boolean(target.rtspUrl),
  check: checkRtsp,
};

export async function checkRtsp(target: ProbeTarget, ctx: RtspProbeContext): Promise<LayerResult<RtspDetail>> {
  if (!target.rtspUrl) return failed(PROBE_REASONS.notConfigured, 'camera has no RTSP URL', false);
  const started = performance.now();
  try {
    const res = await describeRtsp(target.rtspUrl, {
      username: target.rtspUsername,
      password: target.rtspPassword,
      timeoutMs: ctx.deadlineMs,
      // Leaves room for a second connection when a camera hangs up after its 401.
      stepTimeoutMs: ctx.stepTimeoutMs ?? Math.max(1, Math.floor(ctx.deadlineMs / 2)),
      signal: ctx.signal,
      userAgent: ctx.userAgent,
      maxResponseBytes: ctx.maxResponseBytes,
      tlsVerify: ctx.tlsVerify,
      onConnecting: ctx.onConnecting,
      lookup: target.lookup,
      media: ctx.media ? { prefer: target.rtspTransport } : undefined,
    });
    const latencyMs = elapsedSince(started);
    const detail: RtspDetail = {
      hasVideo: res.hasVideo,
      statusCode: res.statusCode,
      ...(res.videoCodec ? { videoCodec: res.videoCodec } : {}),
      ...(res.media ? { transport: res.media.transport } : {}),
    };
    if (!res.hasVideo) {
      const kinds = res.sdp.media.map((m) => m.type).join(', ') || 'nothing';
      return failed(PROBE_REASONS.noVideo, `stream offers no video (SDP has ${kinds})`, true, { latencyMs, detail });
    }
    const flowing = res.media ? `, flowing over ${res.media.transport.toUpperCase()} (first packet after ${res.media.firstPacketMs} ms)` : '';
    return { ok: true, reached: true, latencyMs, message: `video ${res.videoCodec ?? 'of unknown codec'}${flowing}`, detail };
  } catch (err) {
    if (!(err instanceof RtspError)) throw err;
    const detail: RtspDetail = err.statusCode !== undefined ? { statusCode: err.statusCode } : {};
    return failed(REASON_OF[err.code], err.message, err.reached || err.code === 'auth_failed', { latencyMs: elapsedSince(started), detail });
  }
}
