/**
 * Live video of cameras only a site worker can reach, the worker's side. A live request job
 * (site-live.ts) names a pull; the worker joins its own stream relay (one ffmpeg per camera
 * whatever the number of requests, with the relay's remux and watchdog rules, the worker's
 * outbound-address policy and credentials opened here) and writes each part to the pull's Redis
 * stream, binary, with a sequence number. Each second it writes "alive" and checks the server's
 * lease; a lease gone (the server stopped, or vanished and let it expire) ends its part of the
 * pull, and the relay stops ffmpeg when no pull of that camera is left. A request for frames
 * (the live fallback, camera pages of RTSP-only cameras) gets JPEGs from one persistent decoder
 * (services/frame-stream.ts) instead, written to the stream the same way.
 *
 * Bounded: the stream keeps about `maxEntries` entries (Redis trims older ones) and expires when
 * nobody writes it; while more than `maxInFlightBytes` are still on their way to Redis, fragments
 * are dropped up to the next key frame instead of queueing in this process.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { CapturedFrame } from '../probes/index.js';
import type { InitSegment, MediaFragment } from '../protocols/stream/index.js';
import type { FrameStreamHandle, OpenFrameStream } from '../services/frame-stream.js';
import type { LiveEndReason, LiveRelay, LiveSink, StreamChoice } from '../services/live-relay.js';
import { encodeEntry, liveKeys, type WireEntry } from './live-wire.js';
import type { LiveRequest, ProbeCamera } from './probe-jobs.js';

export interface SiteLiveWorkerOptions {
  /** A connection of its own: video bytes must not hold up the queue's locks and heartbeats. */
  redis: Redis;
  prefix: string;
  relay: LiveRelay;
  /** JPEG frames from one decoder per request (undefined: frames are not served). */
  openFrames?: OpenFrameStream | undefined;
  /** Where the relay's locate finds the cameras asked for (filled here, read by the locator). */
  cameras: Map<string, ProbeCamera>;
  log: Logger;
  /** @defaultValue 1000 */
  tickMs?: number;
  /** @defaultValue 600 */
  maxEntries?: number;
  /** @defaultValue 8 MiB */
  maxInFlightBytes?: number;
  /** How long a stream outlives its last write, ms. @defaultValue 15000 */
  streamTtlMs?: number;
}

/** One pull's writer: a viewer of the worker's relay whose screen is a Redis stream. */
class StreamWriter implements LiveSink {
  private seq = 0;
  private inFlight = 0;
  private waitKey = false;
  ended = false;
  confirmedAt = Date.now();

  constructor(
    readonly key: string,
    private readonly redis: Redis,
    private readonly limits: { maxEntries: number; maxInFlightBytes: number },
    private readonly onEnd: () => void,
  ) {}

  init(init: InitSegment, stream: StreamChoice): void {
    this.add({ kind: 'init', seq: this.seq, init, stream });
  }

  fragment(fragment: MediaFragment): void {
    if (this.inFlight > this.limits.maxInFlightBytes) this.waitKey = true;
    if (this.waitKey && (!fragment.keyframe || this.inFlight > this.limits.maxInFlightBytes)) return;
    this.waitKey = false;
    this.add({ kind: 'fragment', seq: this.seq, fragment });
  }

  end(reason: LiveEndReason, detail?: string): void {
    if (this.ended) return;
    this.add({ kind: 'end', seq: this.seq, reason, detail });
    this.ended = true;
    this.onEnd();
  }

  jpeg(frame: CapturedFrame): void {
    // A frame stream has no key frames: a frame that cannot go now is simply not sent.
    if (this.inFlight <= this.limits.maxInFlightBytes) this.add({ kind: 'jpeg', seq: this.seq, frame });
  }

  alive(): void {
    this.add({ kind: 'alive', seq: this.seq });
  }

  private add(entry: WireEntry): void {
    if (this.ended) return;
    this.seq++;
    const fields = encodeEntry(entry);
    const bytes = fields.reduce((n, f) => n + f.length, 0);
    this.inFlight += bytes;
    this.redis
      .xadd(this.key, 'MAXLEN', '~', String(this.limits.maxEntries), '*', ...fields)
      .catch(() => undefined)
      .finally(() => (this.inFlight -= bytes));
  }
}

export class SiteLiveWorker {
  private readonly pulls = new Map<string, { cameraId: string; writer: StreamWriter; lease: string; frames?: FrameStreamHandle | undefined }>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: SiteLiveWorkerOptions) {
    this.timer = setInterval(() => void this.tick(), options.tickMs ?? 1000);
    this.timer.unref();
  }

  /** Starts relaying one pull; called by the worker's job handler, which returns at once. */
  async serve(request: LiveRequest['liveRequest']): Promise<void> {
    const { redis, prefix, relay, cameras, log } = this.options;
    const keys = liveKeys(prefix, request.id);
    // Nobody waits any more (the request sat in the queue, or the server stopped): the camera is not bothered.
    if (request.deadline < Date.now() || !(await redis.exists(keys.lease)) || this.pulls.has(request.id)) return;
    const writer = new StreamWriter(keys.stream, redis, { maxEntries: this.options.maxEntries ?? 600, maxInFlightBytes: this.options.maxInFlightBytes ?? 8 * 1024 * 1024 }, () => this.drop(request.id));
    const pull: { cameraId: string; writer: StreamWriter; lease: string; frames?: FrameStreamHandle | undefined } = { cameraId: request.camera.id, writer, lease: keys.lease };
    this.pulls.set(request.id, pull);
    cameras.set(request.camera.id, request.camera);
    log.info({ cameraId: request.camera.id, stream: request.stream, frames: request.frames, pull: request.id }, 'site live pull started');
    writer.alive();
    if (!request.frames) return relay.join(request.camera.id, request.stream, writer);
    const fps = Math.min(10, Math.max(0.1, request.frames.fps));
    pull.frames = this.options.openFrames?.(request.camera, fps, (frame) => writer.jpeg(frame), (err) => writer.end('unavailable', err?.message ?? 'the frame stream ended'));
    if (!pull.frames) writer.end('unavailable', 'no frame stream for this camera');
  }

  private drop(id: string): void {
    const pull = this.pulls.get(id);
    if (!pull) return;
    this.pulls.delete(id);
    pull.frames?.stop();
    if (!pull.frames && !pull.writer.ended) this.options.relay.leave(pull.cameraId, pull.writer);
    pull.writer.ended = true;
    if (![...this.pulls.values()].some((p) => p.cameraId === pull.cameraId)) this.options.cameras.delete(pull.cameraId);
    this.options.log.info({ cameraId: pull.cameraId, pull: id }, 'site live pull ended');
  }

  private async tick(): Promise<void> {
    const { redis } = this.options;
    const ttl = this.options.streamTtlMs ?? 15_000;
    const leaseMs = 5000;
    await Promise.all(
      [...this.pulls].map(async ([id, pull]) => {
        pull.writer.alive();
        try {
          const [, leased] = (await redis.multi().pexpire(pull.writer.key, ttl).exists(pull.lease).exec()) ?? [];
          if (leased?.[1] === 1) pull.writer.confirmedAt = Date.now();
          else return this.drop(id);
        } catch {
          // Redis away: the server hears nothing either; give up once the lease would have lapsed.
          if (Date.now() - pull.writer.confirmedAt > leaseMs) this.drop(id);
        }
      }),
    );
  }

  /** Ends every pull (the worker is stopping); the server hears `stopped`. */
  stop(): void {
    clearInterval(this.timer);
    for (const pull of [...this.pulls.values()]) pull.writer.end('stopped');
  }
}
