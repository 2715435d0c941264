/**
 * `npm run demo`: Pantau with a small fleet of simulated cameras at a few sites of Kolaka Utara,
 * so a newcomer sees a living system: one healthy, one that drops out every few minutes, one
 * black, one frozen. Works where only Node is installed: without GStreamer/ffmpeg the RTSP
 * cameras are replaced by RTSP responders (no picture) and HTTP snapshot cameras.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import { startPantau } from '../src/server.js';
import { hashPassword } from '../src/services/auth.js';
import {
  HttpSnapshotSimulator,
  OnvifDeviceSimulator,
  RtspCameraSimulator,
  RtspResponderSimulator,
  gstRtspUnavailableReason,
} from '../test/support/index.js';

const ADMIN_PASSWORD = process.env.PANTAU_ADMIN_PASSWORD || 'pantau-demo';
const DROP_EVERY_MS = 4 * 60_000;
const DROP_FOR_MS = 90_000;

type Stoppable = { stop(): Promise<void> };

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pantau-demo-'));
  let config;
  try {
    config = loadConfig({ env: { ...process.env, PANTAU_DATA_DIR: dataDir, PANTAU_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(process.env.PANTAU_LOG_LEVEL ?? 'warn');
  const sims: Stoppable[] = [];
  const timers: NodeJS.Timeout[] = [];
  const start = async <T extends Stoppable & { start(): Promise<void> }>(sim: T): Promise<T> => {
    await sim.start();
    sims.push(sim);
    return sim;
  };

  const gstMissing = gstRtspUnavailableReason();
  const pantau = await startPantau(config, log);
  const ffmpegMissing = !pantau.ffmpeg.found;
  const realVideo = !gstMissing && !ffmpegMissing;

  // An RTSP camera with a real picture where GStreamer is here, else one that only answers RTSP.
  const rtspCamera = async (mode: 'live' | 'black' | 'frozen') =>
    realVideo ? start(new RtspCameraSimulator({ mode })) : start(new RtspResponderSimulator());

  const masjidRtsp = await rtspCamera('live');
  const masjidSnap = await start(new HttpSnapshotSimulator({ username: 'admin', password: 'masjid123' }));
  const masjidOnvif = await start(
    new OnvifDeviceSimulator({ vendor: 'hikvision', username: 'admin', password: 'masjid123', rtspPort: masjidRtsp.port, snapshotPort: masjidSnap.port }),
  );
  const kantorRtsp = await rtspCamera('live');
  const kantorOnvif = await start(new OnvifDeviceSimulator({ vendor: 'dahua', username: 'admin', password: 'kantor123', rtspPort: kantorRtsp.port }));
  const pasarRtsp = await rtspCamera('black');
  const pasarSnap = await start(new HttpSnapshotSimulator({ mode: 'black' }));
  const puskesmasRtsp = await rtspCamera('frozen');
  const puskesmasSnap = await start(new HttpSnapshotSimulator({ mode: 'frozen' }));

  // The office camera's cable gets "cut" every few minutes, and mended again.
  timers.push(
    setInterval(() => {
      void kantorRtsp.stop().then(() => {
        timers.push(setTimeout(() => void kantorRtsp.start(), DROP_FOR_MS));
      });
    }, DROP_EVERY_MS),
  );

  // People and cameras.
  const now = Date.now();
  const owner = pantau.store.users.insert(
    { username: 'pemilik', displayName: 'Pemilik Inovasi', role: 'owner', passwordHash: await hashPassword('pemilik-demo'), language: 'id', timeZone: 'Asia/Makassar' },
    now,
  );
  const viewer = pantau.store.users.insert(
    { username: 'pengamat', displayName: 'Pengamat', role: 'viewer', passwordHash: await hashPassword('pengamat-demo'), language: 'id', timeZone: 'Asia/Makassar' },
    now,
  );
  // An official of the regent's office, who oversees its own cameras and the market's: one that
  // drops out and one with a black picture, so the viewer's dashboard has a story to tell.
  pantau.store.users.update(viewer.id, { grants: [{ scope: 'agency', value: 'Bagian Umum Setda' }, { scope: 'agency', value: 'Dinas Perdagangan' }] }, now);
  const admin = pantau.auth.fromSession(
    (await pantau.auth.login('admin', ADMIN_PASSWORD, { ip: 'demo' })).sessionId,
  )!;
  const register = (body: Record<string, unknown>) => pantau.registry.create(admin, { owners: [owner.id], tags: ['demo'], ...body });
  const loc = (lat: number, lng: number, address: string) => ({ lat, lng, address });
  register({
    name: 'CCTV Masjid Agung Lasusua',
    site: 'Masjid Agung Lasusua',
    location: loc(-3.4587, 120.8236, 'Jl. Poros Lasusua, Kolaka Utara'),
    innovation: { name: 'Pantau Masjid Agung', launchedOn: '2021-08-17' },
    agency: 'Dinas Komunikasi dan Informatika',
    onvif: { host: '127.0.0.1', port: masjidOnvif.port, username: 'admin', password: 'masjid123' },
    rtspUrl: masjidRtsp.url,
    snapshotUrl: masjidSnap.url,
    snapshotAuth: { username: 'admin', password: 'masjid123' },
  });
  register({
    name: 'CCTV Halaman Kantor Bupati',
    site: 'Kantor Bupati Kolaka Utara',
    location: loc(-3.4521, 120.8302, 'Kompleks Perkantoran Bupati'),
    innovation: { name: 'Kantor Terpantau', launchedOn: '2022-03-01' },
    agency: 'Bagian Umum Setda',
    onvif: { host: '127.0.0.1', port: kantorOnvif.port, username: 'admin', password: 'kantor123' },
    rtspUrl: kantorRtsp.url,
  });
  register({
    name: 'CCTV Pasar Sentral',
    site: 'Pasar Sentral Lasusua',
    location: loc(-3.4602, 120.8211, 'Pasar Sentral Lasusua'),
    innovation: { name: 'Pasar Aman', launchedOn: '2023-01-10' },
    agency: 'Dinas Perdagangan',
    rtspUrl: pasarRtsp.url,
    snapshotUrl: pasarSnap.url,
  });
  register({
    name: 'CCTV Ruang Tunggu Puskesmas',
    site: 'Puskesmas Lasusua',
    location: loc(-3.4555, 120.8265, 'Puskesmas Lasusua'),
    innovation: { name: 'Antrean Terlihat', launchedOn: '2022-11-20' },
    agency: 'Dinas Kesehatan',
    rtspUrl: puskesmasRtsp.url,
    snapshotUrl: puskesmasSnap.url,
  });

  const lines = [
    '',
    `  Pantau demo is running: ${pantau.url}`,
    '',
    `  Sign in as   admin / ${ADMIN_PASSWORD}   (also: pemilik / pemilik-demo, pengamat / pengamat-demo)`,
    '',
    '  Demo fleet: Masjid Agung (healthy), Kantor Bupati (drops out every 4 min), Pasar Sentral (black), Puskesmas (frozen).',
  ];
  if (!realVideo) {
    lines.push(
      '',
      `  No real video: ${[ffmpegMissing ? 'ffmpeg is missing' : '', gstMissing].filter(Boolean).join('; ')}.`,
      '  RTSP cameras answer RTSP without a picture. For real pictures on Debian:',
      '    apt-get install ffmpeg gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly',
    );
  }
  lines.push('', '  Ctrl+C stops it and deletes the demo data.', '');
  process.stdout.write(lines.join('\n') + '\n');

  const stop = async () => {
    timers.forEach((t) => clearInterval(t));
    await pantau.close();
    await Promise.allSettled(sims.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
