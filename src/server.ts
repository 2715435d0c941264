/**
 * Starts one Pantau server from a validated config: store, services, HTTP. Used by main.ts,
 * the demo and the tests, so all three run the same wiring.
 */
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Registry as PromRegistry } from 'prom-client';
import type { Config } from './config/schema.js';
import { PACKAGE_ROOT } from './config/load.js';
import type { Logger } from './log.js';
import { openStore, type Store } from './store/index.js';
import { outboundPolicies } from './security/outbound-policy.js';
import { SecretBox } from './security/secret-box.js';
import { AuthService } from './services/auth.js';
import { CameraRegistry } from './services/registry.js';
import { createOnboarding } from './services/onboarding.js';
import { Monitor } from './services/monitor.js';
import { History } from './services/history.js';
import { Reports } from './services/reports.js';
import { InnovationReports } from './services/innovation-report.js';
import { Roller } from './services/rollups.js';
import { Prober, proberSettings } from './services/prober.js';
import { frameStreams, type OpenFrameStream } from './services/frame-stream.js';
import type { Camera } from './store/cameras.js';
import { viewingLiveGate } from './services/live-gate.js';
import { LiveRelay } from './services/live-relay.js';
import { streamLocator } from './services/stream-locator.js';
import { learnStreamProfiles } from './services/stream-profiles.js';
import type { ViewerFrame } from './probes/index.js';
import { startEmbeddedProbing, type Probing } from './jobs/probing.js';
import { monitoringMetrics } from './http/metrics.js';
import { startAlerting, type Alerting } from './alerting.js';
import { machinePolicy } from './domain/status-machine.js';
import { zoneOffsetMinutes } from './config/time-zone.js';
import { createApp } from './http/app.js';
import { GoodPictures } from './services/good-pictures.js';
import { PrivacyMasks } from './services/privacy-masks.js';
import { startRealtime } from './realtime/index.js';
import { createSnapshots, type FrameSize } from './services/snapshots.js';
import { ViewingLog } from './services/viewings.js';
import { StatusPageCache } from './http/status-page/index.js';
import { StatusPageData } from './services/status-page.js';
import { createMetrics } from './http/metrics.js';
import { locateFfmpeg, type FfmpegLookup } from './protocols/ffmpeg-locate.js';
import { connectRedis, pingRedis } from './jobs/redis.js';
import { diskSpaceCheck, type HealthCheck } from './http/routes/health.js';

export interface RunningPantau {
  url: string;
  port: number;
  store: Store;
  auth: AuthService;
  registry: CameraRegistry;
  /** What /metrics serves (benchmarks read the event-loop delay from it). */
  metrics: PromRegistry;
  monitor: Monitor;
  alerting: Alerting;
  ffmpeg: FfmpegLookup;
  /** Probing in this process's mode; its `stored` events time each result (tests, benchmarks). */
  probing: Probing;
  close(): Promise<void>;
}

export const VERSION = '0.1.0';

export async function startPantau(config: Config, log: Logger): Promise<RunningPantau> {
  // 1. Store and secrets
  const store = openStore(path.resolve(config.dataDir, 'pantau.db'));
  const box = config.secret ? SecretBox.fromSecret(config.secret) : SecretBox.fromKeyFile(path.resolve(config.dataDir, 'secret.key'));

  // 2. Tools the probes need
  const ffmpeg = await locateFfmpeg(config.ffmpeg.path);
  if (ffmpeg.found) log.info({ ffmpeg: ffmpeg.ffmpeg }, 'ffmpeg found');
  else {
    log.warn(
      { tried: ffmpeg.tried, reason: ffmpeg.reason },
      'ffmpeg not found: frame checks over RTSP (black or frozen picture) are disabled; HTTP snapshots, ONVIF and RTSP liveness still work. Install it (Debian: apt-get install ffmpeg) or set ffmpeg.path / FFMPEG_PATH.',
    );
  }

  const healthChecks: HealthCheck[] = [
    { name: 'store', check: () => store.ping() },
    diskSpaceCheck(config.dataDir, config.health.minFreeDiskMb),
  ];
  const redis = config.redis.url ? await connectRedis(config.redis.url, log) : undefined;
  if (redis) healthChecks.push({ name: 'redis', check: () => pingRedis(redis) });

  // 3. Services
  const auth = new AuthService(store, config.auth);
  const firstAdmin = await auth.ensureFirstAdmin(config.admin.password);
  if (firstAdmin === 'created') log.info('created the admin user from PANTAU_ADMIN_PASSWORD');
  if (firstAdmin === 'no-password') {
    log.warn('no admin user yet: set PANTAU_ADMIN_PASSWORD or run `npm run pantau -- user add --name admin --role admin`');
  }
  const registry = new CameraRegistry(store, box, {
    checkIntervalSec: config.probes.checkIntervalSec,
    imageCheckIntervalSec: config.probes.imageCheckIntervalSec,
    alertGraceSec: config.alerts.graceSec,
  }, Date.now, outboundPolicies(config.outbound).cameras);
  const tzOffsetMinutes = zoneOffsetMinutes(config.history.timeZone);
  const monitor = new Monitor(
    store,
    machinePolicy({
      failuresToConfirm: config.probes.failuresToConfirm,
      recoveriesToConfirm: config.probes.recoveriesToConfirm,
      flapThreshold: config.probes.flapThreshold,
      awaitAllLayers: config.probes.awaitPictureBeforeUp,
    }),
    log,
    { tzOffsetMinutes },
  );
  monitor.start();
  const history = new History(store, tzOffsetMinutes);
  const reports = new Reports(store, monitor, history, config.reports);
  const innovations = new InnovationReports(store, history, { tzOffsetMinutes, thresholds: config.reports.innovationStates });
  const roller = new Roller(store, {
    tzOffsetMinutes,
    timeZone: config.history.timeZone,
    nightly: config.history.nightly,
    retention: {
      rawHours: config.history.rawRetentionHours,
      hourDays: config.history.hourRetentionDays,
      dayDays: config.history.dayRetentionDays,
    },
    log,
    flushChecks: () => monitor.flushChecks(),
  });
  roller.start();

  // 4. Probing. Embedded mode: scheduler → prober → monitor, in this process. Queue mode
  //    (REDIS_URL): BullMQ job schedulers per camera, workers probe, results come back through
  //    the queue and only this process writes the store; bullmq is imported only then.
  const metrics = createMetrics();
  const probeMetrics = monitoringMetrics(metrics.registry, () => monitor.counts());
  // Realtime starts after HTTP; frames found before then have no viewers to reach.
  const frameRelay: { to?: (cameraId: string, frame: ViewerFrame) => void; wanted?: (cameraId: string) => FrameSize | undefined } = {};
  // Privacy masks: every picture handed out is masked by the cache that keeps it (the last good
  // pictures here, the viewers' frames below); image checks judge the unmasked picture.
  const masks = new PrivacyMasks(store.privacyMasks, log);
  // The last picture each camera's image check judged good: a black or frozen camera's newest is the bad one.
  const goodPictures = new GoodPictures(1000, (id, picture) => masks.frame(id, picture));
  const ffmpegPath = ffmpeg.found ? ffmpeg.ffmpeg.path : undefined;
  // The prober that knows each camera's transport: the embedded one, or (queue mode, where
  // workers probe) one of the server's own for live video's long pulls.
  const prober = new Prober({
    box,
    log,
    ...proberSettings(config, ffmpegPath),
    // A judged picture is scaled for phones only for those who will see it: the cameras someone
    // watches now, and the last good picture when it is due. That scaling costs several times
    // the check, which decodes no more than its verdict needs.
    onPicture: (cameraId, picture, ok) => {
      const good = goodPictures.judged(cameraId, picture.at, ok);
      const wanted = frameRelay.wanted?.(cameraId);
      if (!good && !wanted) return;
      const failed = (err: unknown) => log.debug({ cameraId, err }, 'a judged picture could not be scaled for phones');
      // Thumbnails alone, when only a grid watches: a quarter of the full scaling's cost.
      if (!good && wanted === 'thumb') return void picture.renderThumbnail().then((frame) => frameRelay.to?.(cameraId, frame), failed);
      picture.render().then((frame) => {
        if (good) goodPictures.offer(cameraId, frame, true);
        if (wanted) frameRelay.to?.(cameraId, frame);
      }, failed);
    },
  });
  const probing: Probing = config.redis.url
    ? await (await import('./jobs/queue-probing.js')).startQueueProbing({ config, store, monitor, log, registry: metrics.registry })
    : startEmbeddedProbing({
        cameras: store.cameras.all(),
        monitor,
        concurrency: config.probes.concurrency,
        onLag: probeMetrics.lag,
        onMissed: probeMetrics.missed,
        prober,
      });
  // Registry edits take effect at once, without a restart: the machine's pause or resume is
  // stored with the camera, and probing hears of the camera once both are stored.
  registry.stageWith((camera) => monitor.stageEnabled(camera.id, camera.enabled));
  registry.onChange((event) => {
    if (event.type === 'deleted') {
      probing.remove(event.id);
      monitor.forget(event.id);
      goodPictures.forget(event.id);
      masks.forget(event.id);
    } else {
      probing.upsert(event.camera);
    }
  });
  // 5. Alerts: policy fed by flips → outbox → notifiers
  const alerting = startAlerting({ config, store, monitor, registry, reports, innovations, box, log, lastGoodFrame: (id) => goodPictures.get(id)?.jpeg });
  const onboarding = createOnboarding({ timeoutMs: config.onvif.timeoutMs, discoveryTimeoutMs: config.onvif.discoveryTimeoutMs, discoveryAddress: config.onvif.discoveryAddress, log });

  // 6. Pictures for viewers (fetched only while someone watches) and the record of who watched.
  //    Streams (live video, RTSP-only frames at a camera page's rate) are pulled once per camera.
  const locate = streamLocator({
    camera: (id) => store.cameras.get(id),
    prober,
    profiles: (id) => store.cameraStreams.get(id),
    lookup: outboundPolicies(config.outbound).cameras.lookup,
  });
  // ONVIF cameras' sub-streams, read from their profiles (not those behind a site worker).
  const stopLearning = learnStreamProfiles({
    registry,
    cameras: () => store.cameras.all(),
    streams: store.cameraStreams,
    read: (camera) => prober.onvifStreams(camera),
    skip: (camera) => probing.siteCapture?.(camera) !== undefined,
    log,
  });
  const snapshots = createSnapshots({
    box,
    log,
    imageTimeoutMs: config.probes.imageTimeoutMs,
    ffmpegPath,
    cameraLookup: outboundPolicies(config.outbound).cameras.lookup,
    camera: (id) => store.cameras.get(id),
    remote: (camera) => probing.siteCapture?.(camera),
    openStream: config.live.frameStreams ? siteOrLocalFrames(frameStreams({ ffmpegPath, locate, log }), (id) => store.cameras.get(id), probing) : undefined,
    mask: (id, frame) => masks.frame(id, frame),
  });
  frameRelay.to = (cameraId, frame) => snapshots.offer(cameraId, frame);
  frameRelay.wanted = (cameraId) => snapshots.wantedSize(cameraId);
  // A changed mask: pictures kept with the old one are not handed out again.
  masks.on('change', (id) => {
    snapshots.dropFrame(id);
    goodPictures.remask(id);
  });
  const viewings = new ViewingLog(store, registry);
  viewings.startRetention(config.audit.viewRetentionDays, log);

  // 7. HTTP
  const { app } = createApp({
    store,
    auth,
    registry,
    onboarding,
    reports,
    goodPictures,
    masks,
    innovations,
    contacts: alerting.contacts,
    feed: alerting.feed,
    records: alerting.records,
    log,
    metrics,
    healthChecks,
    viewing: { registry, viewings, snapshots, pictureTimeoutMs: config.probes.imageTimeoutMs + 2000 },
    version: VERSION,
    cookieSecure: config.auth.cookieSecure,
    trustProxy: config.server.trustProxy,
    map: config.map,
    webRoot: path.join(PACKAGE_ROOT, 'web', 'dist'),
    statusPage: {
      settings: config.statusPage,
      ...(config.statusPage.enabled
        ? {
            cache: new StatusPageCache(
              new StatusPageData(store, history, reports, {
                title: config.statusPage.title,
                coordinatePrecision: config.statusPage.coordinatePrecision,
                thresholds: config.reports,
                timeZone: config.history.timeZone,
                tzOffsetMinutes,
                // What the camera's owners chose to tell citizens about an outage (outage records).
                publicNote: (outageId) => store.outageNotes.latest(outageId)?.publicNote || null,
              }),
              config.statusPage.refreshSec * 1000,
              Date.now,
              (err) => log.error({ err }, 'building the public status page failed; the one before is still served'),
            ),
          }
        : {}),
    },
  });
  const server = createServer(app);
  // 8. Realtime: socket.io on the same server; frames fetched only for cameras someone watches;
  //    live video and RTSP-only frames pulled through the camera's stream (one pull per camera).
  const realtime = startRealtime({
    server, auth, registry, monitor, reports, store, log, snapshots, viewings,
    trustProxy: config.server.trustProxy,
    acks: alerting.alerts,
    live: {
      relay: new LiveRelay({
        ffmpegPath,
        locate,
        remote: (cameraId) => {
          const camera = store.cameras.get(cameraId);
          return camera ? probing.siteLive?.(camera) : undefined;
        },
        onTransport: (cameraId, transport) => prober.noteTransport(cameraId, transport),
        log,
        lingerMs: config.live.lingerSec * 1000,
        lifetimeMs: config.live.maxMinutes * 60_000 + 60_000,
      }),
      gate: viewingLiveGate(registry, viewings, log),
      maxMs: config.live.maxMinutes * 60_000,
      fallbackFps: config.live.fallbackFps,
      maxBacklogMs: config.live.maxBacklogMs,
      // A remux cannot black anything out: a masked camera's live view is its masked frames.
      masked: (id) => masks.masked(id),
    },
    onMaskChange: (listener) => {
      masks.on('change', listener);
      return () => masks.off('change', listener);
    },
  });
  await listen(server, config.server.port, config.server.host);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.server.host === '0.0.0.0' ? 'localhost' : config.server.host}:${port}`;
  log.info({ url }, 'Pantau is listening');

  const pruner = setInterval(() => store.sessions.pruneExpired(Date.now()), 3_600_000).unref();
  let closed = false;
  return {
    url,
    port,
    store,
    auth,
    registry,
    metrics: metrics.registry,
    monitor,
    alerting,
    ffmpeg,
    probing,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pruner);
      stopLearning();
      await realtime.close(); // open sockets would keep server.close() waiting
      // Stop taking work, let answers in flight finish, then close the store.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5000).unref();
      });
      await probing.close();
      await alerting.stop();
      roller.stop();
      viewings.stop();
      monitor.stop();
      redis?.disconnect();
      store.close();
    },
  };
}

/** Frame streams of site-lane cameras come from their site worker; the others are decoded here. */
function siteOrLocalFrames(local: OpenFrameStream, camera: (id: string) => Camera | undefined, probing: Pick<Probing, 'siteFrames'>): OpenFrameStream {
  return (c, fps, onFrame, onEnd) => {
    const found = camera(c.id);
    const remote = found && probing.siteFrames?.(found);
    return remote ? remote(fps, onFrame, onEnd) : local(c, fps, onFrame, onEnd);
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
