/** One camera frame: fetched (HTTP snapshot or ffmpeg over RTSP), decoded safely and judged. */
export {
  decodeFrame,
  decodeThumbnail,
  DEFAULT_DECODE_LIMITS,
  fingerprintFrame,
  FrameDecodeError,
  renderFrame,
  renderThumbnail,
  type DecodedFrame,
  type DecodeLimits,
  type FrameFingerprintResult,
  type FramePictures,
} from './decode.js';
export { classifyDeadline, classifyFailure, FrameGrabError, type GrabErrorCode } from './ffmpeg-errors.js';
export { grabRtspFrame, KILL_GRACE_MS, type GrabbedFrame, type GrabOptions, type RtpTransport } from './ffmpeg-grab.js';
export {
  DEFAULT_SNAPSHOT_MAX_BYTES,
  fetchSnapshot,
  SnapshotError,
  type Snapshot,
  type SnapshotErrorCode,
  type SnapshotOptions,
} from './http-snapshot.js';
export {
  DEFAULT_IMAGE_THRESHOLDS,
  FINGERPRINT_HEIGHT,
  FINGERPRINT_WIDTH,
  frameDifference,
  judgeFrame,
  lumaStats,
  smearedFraction,
  type FrameDifference,
  type FrameFingerprint,
  type FrameJudgement,
  type ImageThresholds,
  type LumaStats,
} from './stats.js';
