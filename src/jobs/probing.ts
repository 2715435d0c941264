/**
 * Probing as the server sees it, whatever the mode: cameras go in (registry edits), statuses
 * come out through the monitor. The embedded mode is here (scheduler → prober → monitor, one
 * process); the queue mode is queue-probing.ts, loaded only when REDIS_URL is set.
 */
import { defaultMaxListeners, EventEmitter, setMaxListeners } from 'node:events';
import type { Monitor } from '../services/monitor.js';
import type { Prober } from '../services/prober.js';
import { Scheduler } from './scheduler.js';
import type { Camera } from '../store/cameras.js';
import type { CaptureFrame } from '../services/snapshots.js';
import type { RemotePull } from '../services/live-relay.js';
import type { FrameStreamHandle } from '../services/frame-stream.js';
import type { CapturedFrame } from '../probes/index.js';
import type { ProbeKind } from '../store/probe-results.js';

/** One result stored, for metrics, tests and benchmarks. */
export interface StoredRound {
  cameraId: string;
  kind: ProbeKind;
  /** When the tick was due. */
  scheduledAt: number;
  /** When the monitor had stored it. */
  storedAt: number;
  /** Which worker probed it ('local' in the embedded mode). */
  worker: string;
}

export interface ProbingEvents {
  stored: [StoredRound];
  duplicate: [StoredRound];
}

export interface Probing {
  readonly mode: 'embedded' | 'queue';
  /**
   * `stored` after each result went through the monitor; `duplicate` for a tick reported again
   * (a job re-run after its worker died) and dropped.
   */
  readonly events: EventEmitter<ProbingEvents>;
  /** A camera was registered or edited (paused cameras are taken off the plan). */
  upsert(camera: Camera): void;
  remove(cameraId: string): void;
  /**
   * How viewers' pictures of this camera are taken when this process must not connect to it
   * itself (queue mode: a camera on a site lane, fetched by that site's worker); undefined when
   * the server fetches them.
   */
  siteCapture?(camera: Camera): CaptureFrame | undefined;
  /** The same for live video: the pull is made by the camera's site worker and relayed here. */
  siteLive?(camera: Camera): RemotePull | undefined;
  /** And for JPEG frames from one decoder (the live fallback, camera pages of RTSP-only cameras). */
  siteFrames?(camera: Camera): ((fps: number, onFrame: (frame: CapturedFrame) => void, onEnd: (err: Error | undefined) => void) => FrameStreamHandle | undefined) | undefined;
  /** Stops taking work, finishes or hands back what runs, closes connections. */
  close(): Promise<void>;
}

export interface EmbeddedProbingOptions {
  /** Cameras to plan at start. */
  cameras: readonly Camera[];
  monitor: Monitor;
  prober: Prober;
  concurrency: number;
  onLag?: (kind: ProbeKind, lagMs: number) => void;
  onMissed?: (kind: ProbeKind) => void;
}

export function startEmbeddedProbing(options: EmbeddedProbingOptions): Probing {
  const { monitor, prober } = options;
  const events = new EventEmitter<ProbingEvents>();
  const shutdown = new AbortController();
  // Every round in flight listens on this one signal (the prober gives each round a signal of
  // its own that follows this one: one listener per round, removed when it ends), so up to
  // `concurrency` listeners are expected; past Node's default of 10 it would print a
  // MaxListenersExceededWarning for a healthy fleet. Bounded rather than unlimited, so a round
  // that leaks its listener still shows up.
  setMaxListeners(Math.max(options.concurrency, defaultMaxListeners), shutdown.signal);
  const scheduler = new Scheduler({
    concurrency: options.concurrency,
    onLag: options.onLag,
    onMissed: options.onMissed,
    run: async (camera, kind, scheduledAt) => {
      // A new or re-enabled camera waits in `unknown` for its picture's first verdict: take the
      // picture in its first liveness round rather than at its image tick, minutes away.
      const result =
        kind === 'liveness'
          ? await prober.liveness(camera, shutdown.signal, { withImage: monitor.awaitsPicture(camera.id) })
          : await prober.image(camera, shutdown.signal);
      // A round cut short by shutdown says nothing about the camera.
      if (shutdown.signal.aborted) return;
      monitor.record(result, kind);
      events.emit('stored', { cameraId: camera.id, kind, scheduledAt, storedAt: Date.now(), worker: 'local' });
    },
  });
  for (const camera of options.cameras) scheduler.upsert(camera);
  return {
    mode: 'embedded',
    events,
    upsert: (camera) => scheduler.upsert(camera),
    remove(cameraId) {
      scheduler.remove(cameraId);
      prober.forget(cameraId);
    },
    async close() {
      shutdown.abort();
      await scheduler.stop();
    },
  };
}
