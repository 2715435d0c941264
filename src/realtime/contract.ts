/**
 * The socket.io contract between the server and the dashboard, as types only (no imports, no
 * code), so web/ can import it and the two sides cannot drift. Times in events are ISO strings,
 * except a frame's capture time, which is epoch ms for cheap age arithmetic on the phone.
 */

export type FrameSize = 'thumb' | 'full';
export type StatusName = 'up' | 'degraded' | 'down' | 'unknown' | 'paused';

/** Client → server: the cameras on screen. Replaces the socket's previous watch set. */
export interface WatchRequest {
  cameraIds: string[];
  size: FrameSize;
  /** Frames per second wanted; clamped per size (thumb ≤ 0.2, full ≤ 2). */
  fps?: number;
}

export interface WatchAnswer {
  ok: boolean;
  /** Cameras now watched; a camera you may not see is listed in `denied`, never watched. */
  watching: string[];
  denied: string[];
  /** The cadence granted, ms between frames. */
  intervalMs: number;
  error?: string;
}

export interface StatusEvent {
  cameraId: string;
  status: StatusName;
  since: string;
  /** Machine code: ok, unreachable, black, frozen, … (the dashboard words it). */
  reason: string;
  flapping: boolean;
}

/** An outage opened (a camera left up) or closed (it came back, or was paused). */
export interface OutageEvent {
  /** `${cameraId}:${startMs}`, the same id the alerts API uses. */
  id: string;
  cameraId: string;
  state: 'opened' | 'closed';
  start: string;
  end: string | null;
  cause: string;
}

/** Someone took on an outage (acknowledged it, in the dashboard or from a message's link). */
export interface AckEvent {
  /** The outage's id, as in OutageEvent. */
  outageId: string;
  cameraId: string;
  /** The username of who acknowledged it. */
  by: string;
  at: string;
}

export interface FrameMeta {
  cameraId: string;
  /** When the camera took the picture, epoch ms. */
  at: number;
  size: FrameSize;
  width: number;
  height: number;
  bytes: number;
}

/** Binary JPEG: a Buffer in Node, an ArrayBuffer in the browser. */
export type FrameData = ArrayBuffer | Uint8Array;

/** Which of a camera's streams live video pulls: its lighter sub-stream (default) or the main one. */
export type LiveStream = 'main' | 'sub';

/** Client → server: start live video of one camera (replaces this socket's earlier live view). */
export interface LiveStartRequest {
  cameraId: string;
  /** @defaultValue 'sub' (the main stream when the camera has no sub-stream) */
  stream?: LiveStream;
}

export interface LiveStartAnswer {
  ok: boolean;
  /**
   * `denied`, `bad_request`: nothing was started. `masked`: the camera has a privacy mask, so
   * its live view is JPEG frames (watch it at `fallbackFps`), never video.
   */
  error?: 'denied' | 'bad_request' | 'masked';
  /** The live view ends by itself this long after starting or the last renewal, ms. */
  maxMs: number;
  /** Frames per second of the JPEG fallback, for the `watch` that replaces live video when it ends. */
  fallbackFps: number;
}

/** The init segment (ftyp + moov) follows as binary; feed it to a SourceBuffer of `mime`. */
export interface LiveInitMeta {
  cameraId: string;
  /** e.g. `video/mp4; codecs="avc1.4D401F"` */
  mime: string;
  stream: LiveStream;
  width: number;
  height: number;
  bytes: number;
}

/** One media fragment (moof + mdat) follows as binary; ack it once appended. */
export interface LiveFragmentMeta {
  cameraId: string;
  keyframe: boolean;
  /** Fragments dropped just before this one because the link was slower than the stream. */
  skipped: number;
  bytes: number;
}

/**
 * Why live video ended. `unplayable` (a codec phones cannot play: H.265, MJPEG), `unavailable`
 * (the camera could not be pulled) and `no_ffmpeg`: fall back to JPEG frames; `expired`: the
 * time limit passed without a renewal; `denied`: the user lost the right; `stopped`: the server
 * is stopping or the camera was removed; `masked`: the camera was given a privacy mask, so its
 * live view goes on as masked JPEG frames.
 */
export interface LiveEndEvent {
  cameraId: string;
  reason: 'unplayable' | 'unavailable' | 'no_ffmpeg' | 'expired' | 'denied' | 'stopped' | 'masked';
}

export interface ServerToClientEvents {
  /** Every visible camera's status, once per connection (and so after every reconnect). */
  statuses: (all: StatusEvent[]) => void;
  status: (event: StatusEvent) => void;
  outage: (event: OutageEvent) => void;
  ack: (event: AckEvent) => void;
  /** Call `ack` once the picture is taken in: the next frame waits for it (no backlog). */
  frame: (meta: FrameMeta, jpeg: FrameData, ack: () => void) => void;
  'live:init': (meta: LiveInitMeta, init: FrameData) => void;
  /** Call `ack` once the fragment is appended: how the server tells a slow link. */
  'live:fragment': (meta: LiveFragmentMeta, fragment: FrameData, ack: () => void) => void;
  'live:end': (event: LiveEndEvent) => void;
}

export interface ClientToServerEvents {
  watch: (request: WatchRequest, ack?: (answer: WatchAnswer) => void) => void;
  /** Stop all frames (hidden tab, leaving the page). Statuses keep coming. */
  unwatch: (ack?: () => void) => void;
  'live:start': (request: LiveStartRequest, ack?: (answer: LiveStartAnswer) => void) => void;
  /** Keeps the live view going for another `maxMs`. */
  'live:renew': (ack?: (answer: { ok: boolean; maxMs: number }) => void) => void;
  'live:stop': (ack?: () => void) => void;
}
