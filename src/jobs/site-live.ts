/**
 * Live video of cameras only a site worker can reach (behind NAT), the server's side. The
 * server never connects to such a camera: it sets a lease key, asks with a one-off request job
 * on the camera's site lane, and reads the pull's Redis stream (site-live-worker.ts writes it)
 * on a connection of its own, handing init segments and fragments to the stream relay like a
 * local pull would. It keeps the lease alive while the relay wants the pull, and deletes it (and
 * the stream) to stop; a worker that took no request in time, or went silent (it writes an
 * "alive" entry every second), ends the pull with `unavailable`, so viewers are told, not left
 * waiting. Entries lost to the stream's cap (a server that fell behind) are skipped up to the
 * next key frame. `frames` asks for JPEG frames at a rate instead (the live fallback, camera
 * pages of RTSP-only cameras), from one decoder on the worker.
 * Must not decide who may watch, nor fan out to viewers: services/live-relay.ts does.
 */
import { randomUUID } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from '../log.js';
import type { CapturedFrame } from '../probes/index.js';
import type { FrameStreamHandle } from '../services/frame-stream.js';
import type { LiveEndReason, LiveSink, StreamChoice } from '../services/live-relay.js';
import type { JobQueue } from './job-queue.js';
import { decodeEntry, liveKeys, type WireEntry } from './live-wire.js';
import type { LiveRequest, ProbeCamera, QueueJobData } from './probe-jobs.js';

export interface SiteLiveOptions {
  log: Logger;
  /** A request no site worker answered in this long ends the pull, ms. @defaultValue 15000 */
  startTimeoutMs?: number;
  /** A worker silent this long (no entry, not even "alive") is taken for gone, ms. @defaultValue 5000 */
  silenceMs?: number;
  /** How long the lease lives without a refresh (the worker stops after it), ms. @defaultValue 5000 */
  leaseMs?: number;
}

export interface SitePull {
  stop(): void;
}

type Connections = Pick<JobQueue<QueueJobData>, 'add'> & { readonly prefix: string; readonly commands: Redis; client(extra?: RedisOptions): Redis };

export class SiteLive {
  private readonly running = new Set<SitePull>();

  constructor(
    private readonly queue: Connections,
    private readonly options: SiteLiveOptions,
  ) {}

  /** Asks the site worker on `lane` to pull `camera`'s stream; the sink hears it as from a local pull. */
  pull(lane: string, camera: ProbeCamera, stream: StreamChoice, sink: LiveSink): SitePull {
    let expected = 0;
    let waitKey = false;
    return this.open(lane, camera, { stream }, {
      entry: (entry) => {
        // A gap: the stream's cap trimmed entries this server had not read yet.
        if (entry.seq !== expected) waitKey = true;
        expected = entry.seq + 1;
        if (entry.kind === 'init') sink.init(entry.init, entry.stream);
        else if (entry.kind === 'fragment') {
          if (waitKey && !entry.fragment.keyframe) return;
          waitKey = false;
          sink.fragment(entry.fragment);
        }
      },
      end: (reason, detail) => sink.end(reason, detail),
    });
  }

  /** Asks the site worker for JPEG frames of `camera` at `fps` from one decoder. */
  frames(lane: string, camera: ProbeCamera, fps: number, onFrame: (frame: CapturedFrame) => void, onEnd: (err: Error | undefined) => void): FrameStreamHandle {
    return this.open(lane, camera, { stream: 'main', frames: { fps } }, {
      entry: (entry) => entry.kind === 'jpeg' && onFrame(entry.frame),
      end: (reason, detail) => onEnd(reason === 'stopped' ? undefined : new Error(detail ?? reason)),
    });
  }

  private open(
    lane: string,
    camera: ProbeCamera,
    what: Pick<LiveRequest['liveRequest'], 'stream' | 'frames'>,
    handlers: { entry(entry: WireEntry): void; end(reason: LiveEndReason, detail: string | undefined): void },
  ): SitePull {
    const { log } = this.options;
    const startTimeoutMs = this.options.startTimeoutMs ?? 15_000;
    const silenceMs = this.options.silenceMs ?? 5000;
    const leaseMs = this.options.leaseMs ?? 5000;
    const id = randomUUID();
    const keys = liveKeys(this.queue.prefix, id);
    const commands = this.queue.commands;
    const reader = this.queue.client({ maxRetriesPerRequest: null });
    const openedAt = Date.now();
    let lastSeen = 0;
    let stopped = false;

    const finish = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      this.running.delete(handle);
      reader.disconnect();
      commands.del(keys.lease, keys.stream).catch(() => undefined);
    };
    const end = (entry: Extract<WireEntry, { kind: 'end' }> | { reason: 'unavailable'; detail: string }) => {
      if (stopped) return;
      finish();
      handlers.end(entry.reason, entry.detail);
    };
    const take = (entry: WireEntry | undefined) => {
      if (!entry || stopped) return;
      lastSeen = Date.now();
      if (entry.kind === 'end') end(entry);
      else handlers.entry(entry);
    };
    const refresh = () => {
      const now = Date.now();
      if (!lastSeen && now - openedAt > startTimeoutMs) return end({ reason: 'unavailable', detail: 'no site worker took the request' });
      if (lastSeen && now - lastSeen > silenceMs) return end({ reason: 'unavailable', detail: 'the site worker stopped answering' });
      commands.set(keys.lease, '1', 'PX', leaseMs).catch(() => undefined);
    };
    const timer = setInterval(refresh, 1000);
    timer.unref();
    const handle: SitePull = { stop: finish };
    this.running.add(handle);

    void (async () => {
      await commands.set(keys.lease, '1', 'PX', leaseMs);
      const request: LiveRequest = { liveRequest: { id, camera, ...what, deadline: openedAt + startTimeoutMs } };
      await this.queue.add({ lane, name: 'live', data: request });
      let last = '0-0';
      while (!stopped) {
        let answer: Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
        try {
          answer = (await reader.xreadBuffer('COUNT', 64, 'BLOCK', 1000, 'STREAMS', keys.stream, last)) as typeof answer;
        } catch {
          if (stopped) return;
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        for (const [, entries] of answer ?? []) {
          for (const [entryId, fields] of entries) {
            last = entryId.toString('latin1');
            take(decodeEntry(fields));
          }
        }
      }
    })().catch((err: unknown) => {
      log.warn({ cameraId: camera.id, err: { message: err instanceof Error ? err.message : String(err) } }, 'could not ask the site worker for live video');
      end({ reason: 'unavailable', detail: 'Redis is unreachable' });
    });
    return handle;
  }

  /** Ends every pull (the server is stopping); viewers are ended by the relay's own stop. */
  close(): void {
    for (const pull of [...this.running]) pull.stop();
  }
}
