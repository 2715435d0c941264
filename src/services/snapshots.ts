/**
 * Snapshots for viewers: the newest frame of each camera (phone-sized JPEG and thumbnail, with
 * the time it was captured), and fetching driven by who watches. A camera nobody watches is
 * never fetched here; the prober's slower image-health rounds still offer their frames through
 * `offer`. Each watched camera has one fetch in flight at most, at the fastest cadence any
 * watcher asked for, under one global concurrency cap, and fetching stops when the last watcher
 * leaves. A camera with only an RTSP URL watched at a camera page's rate (every 2 s or faster)
 * gets its frames from one persistent ffmpeg decoding at that rate (frame-stream.ts) instead of
 * a new ffmpeg per frame; if that stream fails, frames are fetched one by one for a while.
 * A camera with a privacy mask has each frame masked before it is kept (`mask`), so everything
 * this cache hands out (socket frames, thumbnails, REST snapshots, live view's frames) is masked,
 * once per frame however many watch.
 * Must not judge pictures or record anything: frames here are for people's eyes only.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { LookupFunction } from 'node:net';
import type { Logger } from '../log.js';
import type { CheckedPicture, PictureSize, ViewerFrame } from '../probes/index.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Camera } from '../store/cameras.js';
import type { FrameStreamHandle, OpenFrameStream } from './frame-stream.js';
import { Prober, type ProbedCamera } from './prober.js';

export type FrameSize = PictureSize;

/** A one-off request's demand: long enough that it never asks for a second fetch. */
const ONCE_INTERVAL_MS = 60_000;

/** What a viewer receives: the newest picture and when the camera took it. */
export interface CachedFrame {
  cameraId: string;
  /** Absent when nobody wanted more than thumbnails when it was taken. */
  jpeg?: Buffer | undefined;
  thumbJpeg: Buffer;
  width: number;
  height: number;
  /** Capture time, epoch ms. */
  at: number;
}

/**
 * Takes one frame of a camera now, at least of `size` (a capture may give both sizes when asked
 * for a thumbnail); undefined when the camera gave none.
 */
export type CaptureFrame = (camera: Camera, signal: AbortSignal, size: FrameSize) => Promise<ViewerFrame | undefined>;

/** The same for any process that can reach the camera (a site worker has no stored Camera, only its endpoints). */
export type CaptureEndpoints = (camera: ProbedCamera, signal: AbortSignal, size?: FrameSize) => Promise<ViewerFrame | undefined>;

export interface SnapshotOptions {
  capture: CaptureFrame;
  /** The stored camera, or undefined when it was deleted. */
  camera: (id: string) => Camera | undefined;
  log: Logger;
  /** Fetches in flight at once across all cameras. @defaultValue 4 */
  concurrency?: number;
  /** Longest pause after failed fetches (the pause doubles per failure). @defaultValue 30_000 */
  maxBackoffMs?: number;
  /**
   * Cameras whose newest frame is kept (about 45 KB each); beyond it the least recently
   * updated unwatched camera's frame is dropped, so memory stays flat as the fleet grows.
   * @defaultValue 1000
   */
  maxCached?: number;
  now?: () => number;
  /** Opens a persistent frame stream (RTSP-only cameras); without it every frame is fetched alone. */
  openStream?: OpenFrameStream | undefined;
  /** Cameras watched this often or more get a frame stream. @defaultValue 2000 */
  streamMaxIntervalMs?: number;
  /**
   * The privacy mask: a frame's masked copy, or undefined when the camera has none (then the
   * frame is kept at once). A frame whose masking fails is dropped, never kept unmasked.
   */
  mask?: ((cameraId: string, frame: ViewerFrame) => Promise<ViewerFrame> | undefined) | undefined;
}

/** After a frame stream failed, frames are fetched one by one this long before a stream is tried again. */
const STREAM_RETRY_MS = 60_000;

interface Watched {
  /** Wanted interval and size per watcher key (a socket, a request); the smallest interval wins, and `full` if anyone wants it. */
  demands: Map<string, { intervalMs: number; size: FrameSize }>;
  timer: NodeJS.Timeout | undefined;
  inFlight: boolean;
  lastStart: number;
  failures: number;
  stream: { handle: FrameStreamHandle; intervalMs: number } | undefined;
  streamFailedAt: number;
}

export interface SnapshotEvents {
  frame: [CachedFrame];
}

export class Snapshots extends EventEmitter<SnapshotEvents> {
  private readonly frames = new Map<string, CachedFrame>();
  private readonly watched = new Map<string, Watched>();
  private readonly queue: (() => void)[] = [];
  private running = 0;
  private readonly stopper = new AbortController();
  private readonly now: () => number;

  constructor(private readonly options: SnapshotOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  latest(cameraId: string): CachedFrame | undefined {
    return this.frames.get(cameraId);
  }

  /** A frame from anywhere (the prober's image round, our own fetch). Older frames never replace newer. */
  offer(cameraId: string, frame: ViewerFrame): void {
    const current = this.frames.get(cameraId);
    if (current && current.at >= frame.at) return;
    const masking = this.options.mask?.(cameraId, frame);
    if (!masking) return this.keep(cameraId, frame);
    masking.then(
      (masked) => this.keep(cameraId, masked),
      (err: unknown) => this.options.log.warn({ cameraId, err: err instanceof Error ? err.message : String(err) }, 'a frame could not be masked: dropped'),
    );
  }

  /**
   * Drops a camera's newest frame (its privacy mask changed: it was masked otherwise); watchers
   * get the next one, masked as the mask now says.
   */
  dropFrame(cameraId: string): void {
    this.frames.delete(cameraId);
  }

  private keep(cameraId: string, frame: ViewerFrame): void {
    // Masking takes a moment: a newer frame may have been kept meanwhile.
    const current = this.frames.get(cameraId);
    if (current && current.at >= frame.at) return;
    const cached: CachedFrame = { cameraId, jpeg: frame.jpeg, thumbJpeg: frame.thumbJpeg, width: frame.width, height: frame.height, at: frame.at };
    // Re-inserting keeps the map in update order, oldest first, for eviction.
    this.frames.delete(cameraId);
    this.frames.set(cameraId, cached);
    this.evict();
    this.emit('frame', cached);
  }

  private evict(): void {
    const max = this.options.maxCached ?? 1000;
    if (this.frames.size <= max) return;
    for (const id of this.frames.keys()) {
      if (this.frames.size <= max) return;
      if (!this.watched.has(id)) this.frames.delete(id);
    }
  }

  /**
   * A picture of `size` for one request: the newest if at most `maxAgeMs` old, else the next one
   * fetched (or offered) within `timeoutMs`; failing that the newest there is, whatever its age
   * (its capture time says how old), or undefined when there is none.
   */
  current(cameraId: string, maxAgeMs: number, timeoutMs: number, size: FrameSize = 'full'): Promise<CachedFrame | undefined> {
    const fits = (frame: CachedFrame | undefined) => (frame && hasSize(frame, size) ? frame : undefined);
    const cached = fits(this.frames.get(cameraId));
    if (cached && this.now() - cached.at <= maxAgeMs) return Promise.resolve(cached);
    const key = `once:${randomUUID()}`;
    return new Promise((resolve) => {
      const done = (frame: CachedFrame | undefined) => {
        clearTimeout(timer);
        this.off('frame', onFrame);
        this.release(cameraId, key);
        resolve(frame);
      };
      const onFrame = (frame: CachedFrame) => {
        if (frame.cameraId === cameraId && hasSize(frame, size)) done(frame);
      };
      const timer = setTimeout(() => done(fits(this.frames.get(cameraId))), timeoutMs);
      this.on('frame', onFrame);
      this.demand(cameraId, key, ONCE_INTERVAL_MS, size);
    });
  }

  /**
   * Someone (`key`) wants frames of this camera every `intervalMs`, at least of `size`; replaces
   * that key's earlier wish. While nobody wants `full`, frames are decoded at thumbnail size only.
   */
  demand(cameraId: string, key: string, intervalMs: number, size: FrameSize = 'full'): void {
    if (this.stopper.signal.aborted) return;
    let w = this.watched.get(cameraId);
    if (!w) {
      w = { demands: new Map(), timer: undefined, inFlight: false, lastStart: 0, failures: 0, stream: undefined, streamFailedAt: -Infinity };
      this.watched.set(cameraId, w);
    }
    const before = this.intervalOf(w);
    const grows = size === 'full' && this.sizeOf(w) === 'thumb';
    w.demands.set(key, { intervalMs, size });
    // A faster wish (a camera page opening over a grid) should not wait out the slow timer, nor
    // a wish for the full picture where only thumbnails were taken.
    if (w.timer === undefined || this.intervalOf(w) < before || grows) this.schedule(cameraId, w, grows);
  }

  release(cameraId: string, key: string): void {
    const w = this.watched.get(cameraId);
    if (!w) return;
    w.demands.delete(key);
    if (w.demands.size === 0) {
      clearTimeout(w.timer);
      this.closeStream(w);
      this.watched.delete(cameraId);
    } else if (w.stream) this.schedule(cameraId, w); // the fastest watcher may have left: a slower cadence may not need the stream
  }

  /** Cameras whose frames come from a persistent stream now, for tests and metrics. */
  streamedCameras(): string[] {
    return [...this.watched].filter(([, w]) => w.stream).map(([id]) => id);
  }

  /** The size this camera's frames are wanted at now (`full` covers thumbnails too), or undefined when nobody watches. */
  wantedSize(cameraId: string): FrameSize | undefined {
    const w = this.watched.get(cameraId);
    return w ? this.sizeOf(w) : undefined;
  }

  /** Cameras being fetched for viewers now, for tests and metrics. */
  watchedCameras(): string[] {
    return [...this.watched.keys()];
  }

  forget(cameraId: string): void {
    const w = this.watched.get(cameraId);
    if (w) {
      clearTimeout(w.timer);
      this.closeStream(w);
    }
    this.watched.delete(cameraId);
    this.frames.delete(cameraId);
  }

  stop(): void {
    this.stopper.abort();
    for (const w of this.watched.values()) {
      clearTimeout(w.timer);
      this.closeStream(w);
    }
    this.watched.clear();
    this.queue.length = 0;
  }

  private intervalOf(w: Watched): number {
    let min = Infinity;
    for (const d of w.demands.values()) min = Math.min(min, d.intervalMs);
    return min;
  }

  private sizeOf(w: Watched): FrameSize {
    for (const d of w.demands.values()) if (d.size === 'full') return 'full';
    return 'thumb';
  }

  /** `now`: fetch at once (within backoff), not at the cadence: the frame kept lacks the size now wanted. */
  private schedule(cameraId: string, w: Watched, now = false): void {
    clearTimeout(w.timer);
    w.timer = undefined;
    if (this.streamed(cameraId, w)) return;
    if (w.inFlight) return; // the fetch in flight schedules the next one when it ends
    const backoff = w.failures ? Math.min(this.options.maxBackoffMs ?? 30_000, 1000 * 2 ** w.failures) : 0;
    const wait = Math.max(0, w.lastStart + Math.max(now ? 0 : this.intervalOf(w), backoff) - this.now());
    w.timer = setTimeout(() => this.enqueue(cameraId), wait);
    w.timer.unref();
  }

  /** Whether this camera's frames come from a stream (opened now if needed); closes one no longer wanted. */
  private streamed(cameraId: string, w: Watched): boolean {
    const open = this.options.openStream;
    const interval = this.intervalOf(w);
    if (!open || interval > (this.options.streamMaxIntervalMs ?? 2000) || this.now() - w.streamFailedAt < STREAM_RETRY_MS) {
      this.closeStream(w);
      return false;
    }
    if (w.stream?.intervalMs === interval) return true;
    this.closeStream(w);
    const camera = this.options.camera(cameraId);
    if (!camera || !camera.enabled) return false;
    const handle = open(camera, 1000 / interval, (frame) => this.offer(cameraId, frame), (err) => {
      if (w.stream?.handle !== handle) return;
      w.stream = undefined;
      if (err) {
        w.streamFailedAt = this.now();
        this.options.log.info({ cameraId, err: err.message }, 'frame stream ended; fetching frames one by one for a while');
      }
      if (this.watched.get(cameraId) === w && !this.stopper.signal.aborted) this.schedule(cameraId, w);
    });
    if (!handle) return false;
    w.stream = { handle, intervalMs: interval };
    return true;
  }

  private closeStream(w: Watched): void {
    const stream = w.stream;
    w.stream = undefined;
    stream?.handle.stop();
  }

  private enqueue(cameraId: string): void {
    const w = this.watched.get(cameraId);
    if (!w || w.inFlight) return;
    w.inFlight = true;
    const run = () => void this.fetch(cameraId);
    if (this.running < (this.options.concurrency ?? 4)) run();
    else this.queue.push(run);
  }

  private async fetch(cameraId: string): Promise<void> {
    this.running++;
    const started = this.now();
    let size: FrameSize = 'full';
    try {
      const w = this.watched.get(cameraId);
      const camera = this.options.camera(cameraId);
      if (!camera) this.forget(cameraId);
      if (!w || !camera || !camera.enabled) return;
      w.lastStart = started;
      size = this.sizeOf(w);
      const frame = await this.options.capture(camera, this.stopper.signal, size);
      if (frame) {
        w.failures = 0;
        this.offer(cameraId, frame);
      } else w.failures++;
    } catch (err) {
      this.options.log.warn({ err, cameraId }, 'fetching a frame for viewers failed');
    } finally {
      this.running--;
      this.queue.shift()?.();
      const w = this.watched.get(cameraId);
      if (w) {
        w.inFlight = false;
        // Someone wanted the full picture while a thumbnail was being taken: it should not wait a whole cadence.
        if (!this.stopper.signal.aborted) this.schedule(cameraId, w, size === 'thumb' && this.sizeOf(w) === 'full');
      }
    }
  }
}

export interface CaptureOptions {
  box: SecretBox;
  log: Logger;
  imageTimeoutMs: number;
  ffmpegPath?: string | undefined;
  /** The camera outbound-address policy's lookup (see ProberOptions.cameraLookup). */
  cameraLookup?: LookupFunction | undefined;
}

/**
 * Frame capture through a Prober of its own: the same fetch, credentials and scaling as the
 * image checks, but its own frame fingerprints, so fetching for viewers at 2 fps never moves
 * the reference that the frozen-picture check compares against.
 */
export function frameCapture(options: CaptureOptions): CaptureEndpoints {
  const caught = new Map<string, CheckedPicture>();
  const prober = new Prober({
    box: options.box,
    log: options.log,
    livenessTimeoutMs: options.imageTimeoutMs,
    imageTimeoutMs: options.imageTimeoutMs,
    ffmpegPath: options.ffmpegPath,
    cameraLookup: options.cameraLookup,
    onPicture: (cameraId, picture) => caught.set(cameraId, picture),
  });
  return async (camera, signal, size = 'full') => {
    try {
      await prober.image(camera, signal, size);
      const picture = caught.get(camera.id);
      return await (size === 'thumb' ? picture?.renderThumbnail() : picture?.render());
    } finally {
      caught.delete(camera.id);
      prober.forget(camera.id);
    }
  };
}

/**
 * Everything the server wires: the frame cache with its fetcher. `remote` takes the pictures of
 * cameras another process must fetch (a site worker's, behind NAT): when it answers for a camera,
 * this process never connects to that camera itself. `openStream` gives RTSP-only cameras
 * watched at a camera page's rate one persistent decoder each.
 */
export function createSnapshots(
  options: CaptureOptions & {
    camera: (id: string) => Camera | undefined;
    remote?: (camera: Camera) => CaptureFrame | undefined;
    openStream?: OpenFrameStream | undefined;
    mask?: SnapshotOptions['mask'];
  },
): Snapshots {
  const local = frameCapture(options);
  const capture: CaptureFrame = (camera, signal, size) => (options.remote?.(camera) ?? local)(camera, signal, size);
  return new Snapshots({ capture, camera: options.camera, log: options.log, openStream: options.openStream, mask: options.mask });
}

/** Whether a frame holds the picture of `size`. */
function hasSize(frame: CachedFrame, size: FrameSize): boolean {
  return size === 'thumb' || frame.jpeg !== undefined;
}
