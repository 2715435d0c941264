/**
 * One queue-mode worker: what `npm run worker` starts. It needs only Redis and the key that
 * opens camera credentials (PANTAU_SECRET, or the server's key file); it probes the cameras of
 * its lanes and sends results back, and never opens the store. A site worker
 * (PANTAU_WORKER_SITES) takes only its sites' lanes, so it can sit inside a site's LAN, behind
 * NAT, and reach cameras the server cannot: it also takes viewers' pictures and pulls live
 * video and frame streams for the server (picture-relay.ts, site-live-worker.ts).
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { siteSlug, type Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { locateFfmpeg } from '../protocols/ffmpeg-locate.js';
import { SecretBox } from '../security/secret-box.js';
import { Prober, proberSettings } from '../services/prober.js';
import { frameCapture } from '../services/snapshots.js';
import { outboundPolicies } from '../security/outbound-policy.js';
import { BullmqQueue } from './bullmq-queue.js';
import { DEFAULT_LANE, siteLane, type QueueJobData } from './probe-jobs.js';
import { startProbeWorker } from './probe-worker.js';
import { LiveRelay } from '../services/live-relay.js';
import { streamLocator } from '../services/stream-locator.js';
import { profilesOnDemand } from '../services/stream-profiles.js';
import { frameStreams } from '../services/frame-stream.js';
import { SiteLiveWorker } from './site-live-worker.js';
import type { ProbeCamera } from './probe-jobs.js';

export class WorkerSetupError extends Error {}

export interface RunningWorker {
  name: string;
  lanes: string[];
  /** Stops taking jobs, lets running rounds finish (or hands them back after `graceMs`), closes Redis. */
  stop(graceMs?: number): Promise<void>;
}

/** `lasusua, masjid-agung` → validated slugs; empty means "the default lane". */
export function parseWorkerSites(raw: string | undefined): string[] {
  const sites = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = sites.filter((s) => !siteSlug.safeParse(s).success);
  if (bad.length) throw new WorkerSetupError(`PANTAU_WORKER_SITES: ${bad.join(', ')}: expected site slugs (lowercase letters, digits and dashes, e.g. masjid-agung-lasusua)`);
  return [...new Set(sites)];
}

/** The key that opens camera credentials; a worker never makes one up (it could open nothing). */
export function workerSecretBox(config: Config): SecretBox {
  if (config.secret) return SecretBox.fromSecret(config.secret);
  const file = path.resolve(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    throw new WorkerSetupError(`a worker needs the server's key to open camera passwords: set PANTAU_SECRET, or give it the server's key file at ${file} (PANTAU_DATA_DIR)`);
  }
  return SecretBox.fromKeyFile(file);
}

export async function startWorker(config: Config, options: { sites: string[]; log: Logger; name?: string }): Promise<RunningWorker> {
  const { log } = options;
  if (!config.redis.url) throw new WorkerSetupError('a worker needs REDIS_URL (redis.url)');
  const box = workerSecretBox(config);
  const ffmpeg = await locateFfmpeg(config.ffmpeg.path);
  if (!ffmpeg.found) log.warn({ tried: ffmpeg.tried }, 'ffmpeg not found: frame checks over RTSP are disabled on this worker');
  const lanes = options.sites.length ? options.sites.map(siteLane) : [DEFAULT_LANE];
  const name = options.name ?? `${hostname()}-${process.pid}${options.sites.length ? `-${options.sites.join('+')}` : ''}`;
  const queue = await BullmqQueue.open<QueueJobData>({
    url: config.redis.url,
    prefix: config.redis.queuePrefix,
    log,
    lockMs: config.redis.lockMs,
    heartbeatMs: config.redis.heartbeatMs,
    consumerName: name,
  });
  const prober = new Prober({
    box,
    log,
    ...proberSettings(config, ffmpeg.found ? ffmpeg.ffmpeg.path : undefined),
  });
  // Pictures for viewers, taken from here for the server (which cannot reach a site's cameras):
  // the same fetch, deadline, size cap and outbound-address policy as this worker's probes.
  const capture = frameCapture({
    box,
    log,
    imageTimeoutMs: config.probes.imageTimeoutMs,
    ffmpegPath: ffmpeg.found ? ffmpeg.ffmpeg.path : undefined,
    cameraLookup: outboundPolicies(config.outbound).cameras.lookup,
  });
  // Live video for the server, pulled from here: one ffmpeg per camera however many ask, with
  // this worker's address policy; the server lingers after its last viewer, so nothing lingers here.
  const liveCameras = new Map<string, ProbeCamera>();
  const locate = streamLocator({
    camera: (id) => liveCameras.get(id),
    prober,
    // The site's cameras' ONVIF sub-streams are read from here: the server cannot reach them.
    profiles: profilesOnDemand((id) => liveCameras.get(id), (camera) => prober.onvifStreams(camera)),
    lookup: outboundPolicies(config.outbound).cameras.lookup,
  });
  const liveRelay = new LiveRelay({
    ffmpegPath: ffmpeg.found ? ffmpeg.ffmpeg.path : undefined,
    locate,
    onTransport: (cameraId, transport) => prober.noteTransport(cameraId, transport),
    log,
    lingerMs: 0,
    lifetimeMs: config.live.maxMinutes * 60_000 + 60_000,
  });
  const liveRedis = queue.client({ maxRetriesPerRequest: 1 });
  const openFrames = frameStreams({ ffmpegPath: ffmpeg.found ? ffmpeg.ffmpeg.path : undefined, locate, log });
  const live = new SiteLiveWorker({ redis: liveRedis, prefix: config.redis.queuePrefix, relay: liveRelay, openFrames, cameras: liveCameras, log });
  const consumer = startProbeWorker({ queue, prober, lanes, concurrency: config.redis.workerConcurrency, name, log, capture, live });
  log.info({ name, lanes, concurrency: config.redis.workerConcurrency, prefix: config.redis.queuePrefix }, 'worker is taking probe jobs');
  let stopping: Promise<void> | undefined;
  return {
    name,
    lanes,
    stop(graceMs = config.probes.imageTimeoutMs + 5000) {
      stopping ??= (async () => {
        live.stop();
        liveRelay.stop();
        await consumer.stop({ graceMs });
        // quit, not disconnect: the viewers' "stopped" entries are still on their way.
        await liveRedis.quit().catch(() => liveRedis.disconnect());
        await queue.close();
      })();
      return stopping;
    },
  };
}

/** For container health checks: does a fresh heartbeat from this host exist? */
export async function workerAliveHere(config: Config, log: Logger): Promise<boolean> {
  if (!config.redis.url) return false;
  const queue = await BullmqQueue.open({ url: config.redis.url, prefix: config.redis.queuePrefix, log, consumerName: 'health-check', readyTimeoutMs: 3000 });
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await queue.commands.scan(cursor, 'MATCH', `${config.redis.queuePrefix}:consumers:*`, 'COUNT', 500);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    const beats = keys.length ? await queue.commands.mget(...keys) : [];
    return beats.some((raw) => raw !== null && (JSON.parse(raw) as { host?: string }).host === hostname());
  } catch {
    return false;
  } finally {
    await queue.close();
  }
}
