/**
 * What went wrong in an ffmpeg frame grab, from what ffmpeg printed (at `-loglevel verbose`)
 * and how it ended. ffmpeg's last line is usually a generic summary ("Protocol not supported"
 * after a 461, "Invalid data found" after a reset or a silence); the cause is the first
 * meaningful line, so that is the one read. Codes are stable (dashboards and translations key
 * on them); messages are for camera owners and never carry a URL (they hold credentials).
 */

export type GrabErrorCode =
  | 'timeout'
  | 'aborted'
  | 'too_large'
  | 'auth_failed'
  | 'unreachable'
  | 'refused'
  | 'reset'
  | 'no_stream'
  | 'transport_refused'
  | 'no_media'
  | 'no_keyframe'
  | 'undecodable'
  | 'bad_response'
  | 'ffmpeg_failed';

export class FrameGrabError extends Error {
  constructor(
    readonly code: GrabErrorCode,
    message: string,
    /** Whether ffmpeg got any answer from the camera. */
    readonly reached: boolean,
  ) {
    super(message);
    this.name = 'FrameGrabError';
  }
}

/** How far a grab got, read off ffmpeg's verbose output as it runs. */
export interface GrabProgress {
  /** The TCP connection to the camera was made. */
  connected: boolean;
  /** The camera answered DESCRIBE with an SDP. */
  described: boolean;
  /** The camera answered SETUP (ffmpeg then sizes its jitter buffer for the transport). */
  setUp: boolean;
  /** Video reached the decoder (it learnt the picture size from the stream). */
  media: boolean;
}

export function progressOf(stderr: string): GrabProgress {
  return {
    connected: /Successfully connected to|^\[rtsp @[^\]]*\] SDP:/m.test(stderr),
    described: /^\[rtsp @[^\]]*\] SDP:|^Input #\d/m.test(stderr),
    setUp: /setting jitter buffer size to|^Input #\d/m.test(stderr),
    media: /Reinit context to|^\[h264 @[^\]]*\]/m.test(stderr),
  };
}

/** The grab ran out of time: how far it got says why. */
export function classifyDeadline(stderr: string, timeoutMs: number): FrameGrabError {
  const seconds = formatSeconds(timeoutMs);
  const { connected, described, setUp, media } = progressOf(stderr);
  if (media && /decode_slice_header error|no frame!|error while decoding/i.test(stderr)) {
    return new FrameGrabError('undecodable', `the stream sends data, but no picture decoded from it within ${seconds}: the camera's encoder may be failing`, true);
  }
  if (setUp) {
    return new FrameGrabError(
      'no_keyframe',
      `the stream was set up but no complete picture (key frame) arrived within ${seconds}; the camera's key frame interval (GOP) may be longer than that`,
      true,
    );
  }
  if (described) return new FrameGrabError('timeout', `the camera answered DESCRIBE, but its answer to SETUP did not complete within ${seconds}`, true);
  if (connected) return new FrameGrabError('timeout', `the camera accepted the connection but its RTSP answer did not complete within ${seconds}`, true);
  return new FrameGrabError('timeout', `no answer from the camera within ${seconds}`, false);
}

const STATUS_LINE = /method (\w+) failed: (\d{3})\s*(.*)$/;

/**
 * Maps ffmpeg's output of a grab that ended by itself to a cause. `idleTimeoutMs` is ffmpeg's
 * own socket timeout, `elapsedMs` how long it ran: "Invalid data found" is what ffmpeg says
 * both for a connection reset at once and for a camera that never answered.
 */
export function classifyFailure(stderr: string, { elapsedMs = 0, idleTimeoutMs = Infinity }: { elapsedMs?: number; idleTimeoutMs?: number } = {}): FrameGrabError {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const { connected, described } = progressOf(stderr);
  if (lines.some((l) => /cannot find ffmpeg|spawn \S+ ENOENT|EACCES/i.test(l))) {
    return new FrameGrabError('ffmpeg_failed', `ffmpeg could not run: ${clean(lines.at(-1) ?? '')}`, false);
  }
  for (const line of lines) {
    const status = STATUS_LINE.exec(line);
    if (status) return fromStatus(status[1]!, Number(status[2]), clean(status[3] ?? ''));
    const connect = /Connection to tcp:\/\/\S+ failed: (.*)$/.exec(line);
    if (connect) return fromConnect(connect[1]!);
    if (/Could not find codec parameters|does not contain any stream/.test(line) && described) {
      return new FrameGrabError('no_media', `the camera answered and accepted PLAY but sent no video for ${formatSeconds(idleTimeoutMs)}`, true);
    }
    if (/Connection reset by peer|End of file/i.test(line)) return reset();
  }
  const last = lines.filter((l) => !/^ffmpeg exited with code/i.test(l)).at(-1) ?? 'ffmpeg failed';
  if (/Invalid data found when processing input/.test(last) && !described) {
    // ffmpeg gives up on a silent camera after its socket timeout; sooner means it was cut off.
    if (elapsedMs < idleTimeoutMs - 500) return reset();
    return new FrameGrabError('timeout', `the camera accepted the connection but did not answer within ${formatSeconds(idleTimeoutMs)}`, connected);
  }
  if (/401|unauthori[sz]ed/i.test(last)) return new FrameGrabError('auth_failed', `the camera refused the user name or password: ${clean(last)}`, true);
  return new FrameGrabError('ffmpeg_failed', `ffmpeg failed: ${clean(last)}`, connected);
}

function fromStatus(method: string, code: number, text: string): FrameGrabError {
  const answered = `the camera answered ${code} ${text} to ${method}`.trim();
  if (code === 461) return new FrameGrabError('transport_refused', `${answered}: it refuses this RTP transport`, true);
  if (code === 401 || code === 403) return new FrameGrabError('auth_failed', `${answered}: check the user name and password`, true);
  if (code === 404 || code === 454) return new FrameGrabError('no_stream', `${answered}: check the stream path in the RTSP URL`, true);
  return new FrameGrabError('bad_response', answered, true);
}

function fromConnect(cause: string): FrameGrabError {
  if (/refused/i.test(cause)) return new FrameGrabError('refused', 'connection refused: nothing listens on the RTSP port', false);
  if (/timed out/i.test(cause)) return new FrameGrabError('timeout', 'connecting to the camera timed out', false);
  return new FrameGrabError('unreachable', `camera unreachable: ${clean(cause)}`, false);
}

function reset(): FrameGrabError {
  return new FrameGrabError('reset', 'the camera accepted the connection, then closed or reset it without answering', true);
}

/** One line of ffmpeg's words, URLs (and their credentials) removed. */
function clean(line: string): string {
  return line
    .replace(/^\[[^\]]*\]\s*/, '')
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/^<url>:?\s*/, '')
    .slice(0, 200);
}

function formatSeconds(ms: number): string {
  return Number.isFinite(ms) ? `${Math.round(ms / 100) / 10} s` : 'its timeout';
}
