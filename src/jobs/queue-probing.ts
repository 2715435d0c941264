/**
 * The server's side of queue mode. It keeps one BullMQ job scheduler per camera and kind on
 * the camera's lane (fixed ids, so restarts and second servers never double them), re-asserts
 * them all at start and after every Redis reconnect (Redis may have lost them), takes probe
 * results back from the results lane and feeds them to the monitor — the server alone writes
 * the store — and watches probe coverage (coverage.ts). Workers do the probing (worker.ts).
 *
 * Loaded only through a dynamic import when REDIS_URL is set.
 */
import { EventEmitter } from 'node:events';
import { Histogram, type Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Monitor } from '../services/monitor.js';
import { ProbePlan } from './scheduler.js';
import type { Camera } from '../store/cameras.js';
import type { Store } from '../store/index.js';
import { BullmqQueue, RECONNECT_MAX_DELAY_MS } from './bullmq-queue.js';
import { noticeAdmins } from './admin-notice.js';
import { CoverageWatch, type CoverageEvent } from './coverage.js';
import { DEFAULT_LANE, laneRouter, probeCamera, RESULTS_LANE, stableOffset, type QueueJobData } from './probe-jobs.js';
import type { Probing, ProbingEvents } from './probing.js';
import { PictureRelay } from './picture-relay.js';
import { SiteLive } from './site-live.js';

export interface QueueProbingOptions {
  config: Config;
  store: Store;
  monitor: Monitor;
  log: Logger;
  registry?: Registry;
}

/** Results are applied this many at a time (the monitor's writes are synchronous anyway). */
const INTAKE_CONCURRENCY = 4;

export async function startQueueProbing(options: QueueProbingOptions): Promise<Probing> {
  const { config, store, monitor, log } = options;
  const redis = config.redis;
  if (!redis.url) throw new Error('queue mode needs redis.url (REDIS_URL)');
  const queue = await BullmqQueue.open<QueueJobData>({
    url: redis.url,
    prefix: redis.queuePrefix,
    log,
    lockMs: redis.lockMs,
    heartbeatMs: redis.heartbeatMs,
    consumerName: 'server',
  });
  const router = laneRouter(redis.siteQueues);
  const plan = new ProbePlan({
    queue,
    laneOf: router.laneOf,
    lanes: router.lanes,
    offset: (camera, kind, everyMs) => stableOffset(camera.id, kind, everyMs),
  });
  const events = new EventEmitter<ProbingEvents>();
  const lag = options.registry
    ? new Histogram({
        name: 'pantau_probe_result_lag_seconds',
        help: 'Time from a check being due to its result being stored, by kind (queue mode)',
        labelNames: ['kind'] as const,
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
        registers: [options.registry],
      })
    : undefined;

  const failed = (what: string) => (err: unknown) => log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, `queue: ${what} failed; it is re-asserted at the next reconnect`);
  const reconcile = async (why: string) => {
    const { upserted, removed } = await plan.reconcile(store.cameras.all());
    log.info({ why, upserted, removed, lanes: router.lanes }, 'queue: probe schedules in place');
  };
  // Not awaited: with Redis away at start, the plan waits for it instead of holding up the server.
  void reconcile('start').catch(failed('planning probe schedules'));
  queue.onReconnect(() => void reconcile('Redis reconnected').catch(failed('re-planning probe schedules')));

  // Each tick is applied once: a job re-run after its worker died may report it twice.
  const applied = new Map<string, number>();
  const intake = queue.consume(
    async (job) => {
      if (!('rounds' in job.data)) throw new Error(`a ${job.name} job on the results lane`);
      for (const data of job.data.rounds) {
        const tick = `${data.result.cameraId}\n${data.kind}`;
        const round = { cameraId: data.result.cameraId, kind: data.kind, scheduledAt: data.scheduledAt, storedAt: Date.now(), worker: data.worker };
        if ((applied.get(tick) ?? -Infinity) >= data.scheduledAt) {
          events.emit('duplicate', round);
          continue;
        }
        applied.set(tick, data.scheduledAt);
        monitor.record(data.result, data.kind);
        round.storedAt = Date.now();
        lag?.observe({ kind: data.kind }, (round.storedAt - data.scheduledAt) / 1000);
        events.emit('stored', round);
      }
    },
    { lanes: [RESULTS_LANE], concurrency: INTAKE_CONCURRENCY, onFailed: (_job, err) => failed('storing a probe result')(err) },
  );

  // Viewers' pictures of site-lane cameras come through the site's worker (behind NAT).
  const pictures = new PictureRelay(queue, { timeoutMs: config.probes.imageTimeoutMs, log });
  // …and so does their live video, relayed over Redis.
  const live = new SiteLive(queue, { log });

  const coverage = new CoverageWatch({
    coverage: () => queue.coverage(),
    cameraLanes: () => {
      const byLane = new Map<string, string[]>();
      for (const camera of store.cameras.all()) {
        if (!camera.enabled) continue;
        const lane = router.laneOf(camera);
        byLane.set(lane, [...(byLane.get(lane) ?? []), camera.id]);
      }
      return byLane;
    },
    suspend: (id, reason) => monitor.suspend(id, reason),
    knownLanes: router.lanes,
    graceMs: redis.coverageGraceMs,
    everyMs: redis.heartbeatMs,
    reconnectAllowanceMs: RECONNECT_MAX_DELAY_MS + redis.heartbeatMs,
    log,
    registry: options.registry,
    notify: (event) => noticeAdmins(store, coverageNotice(event)),
  });
  coverage.start();

  return {
    mode: 'queue',
    events,
    upsert(camera: Camera) {
      plan.upsert(camera).catch(failed(`scheduling camera ${camera.id}`));
      // A new or re-enabled camera stays unknown until its picture was judged: one full round
      // now rather than at its image tick, minutes away (the embedded mode does the same).
      if (camera.enabled && monitor.awaitsPicture(camera.id)) {
        const data = { camera: probeCamera(camera), kind: 'liveness' as const, withImage: true };
        queue.add({ lane: router.laneOf(camera), name: 'liveness', data }).catch(failed(`a first full round of camera ${camera.id}`));
      }
    },
    siteCapture(camera) {
      const lane = router.laneOf(camera);
      if (lane === DEFAULT_LANE) return undefined;
      return (c, signal) => pictures.capture(lane, probeCamera(c), signal);
    },
    siteLive(camera) {
      const lane = router.laneOf(camera);
      if (lane === DEFAULT_LANE) return undefined;
      return (stream, sink) => live.pull(lane, probeCamera(camera), stream, sink);
    },
    siteFrames(camera) {
      const lane = router.laneOf(camera);
      if (lane === DEFAULT_LANE) return undefined;
      // A snapshot URL gives pictures cheaper than a decoder: those come one by one (siteCapture).
      return (fps, onFrame, onEnd) => (camera.snapshot || !camera.rtsp ? undefined : live.frames(lane, probeCamera(camera), fps, onFrame, onEnd));
    },
    remove(cameraId: string) {
      applied.delete(`${cameraId}\nliveness`);
      applied.delete(`${cameraId}\nimage`);
      plan.remove(cameraId).catch(failed(`unscheduling camera ${cameraId}`));
    },
    async close() {
      // Schedules stay in Redis on purpose: workers go on probing, results wait for the next start.
      await coverage.stop();
      await pictures.close();
      live.close();
      await intake.stop({ graceMs: 5000 });
      await queue.close();
    },
  };
}

/** Admins read these on their own contacts, in both languages like the contact-broken notice. */
function coverageNotice(e: CoverageEvent): { key: string; title: string; lines: string[]; at: number } {
  const since = new Date(e.since).toISOString();
  const what = e.lane ? `no-worker:${e.lane}` : 'queue-offline';
  const key = `notice:${what}:${e.since}:${e.type}`;
  if (e.type === 'lost') {
    return e.lane
      ? { key, at: e.at, title: 'Pekerja antrean probe hilang / No worker for a probe queue', lines: [`${e.lane}: ${e.cameras} kamera tidak terpantau sejak ${since} / ${e.cameras} cameras unmonitored since ${since}`, 'Status: unknown (no_worker)'] }
      : { key, at: e.at, title: 'Redis tidak terjangkau / Redis unreachable', lines: [`Probe berhenti sejak ${since} / Probing stopped since ${since}`, 'Status: unknown (queue_offline)'] };
  }
  return {
    key,
    at: e.at,
    title: e.lane ? 'Pekerja antrean probe kembali / A probe queue has a worker again' : 'Redis terjangkau lagi / Redis reachable again',
    lines: [`${e.lane ?? 'Redis'}: ${since} → ${new Date(e.at).toISOString()}`],
  };
}
