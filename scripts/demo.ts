/**
 * `npm run demo`: Pantau with a small fleet of simulated cameras at a few sites of Kolaka Utara,
 * so a newcomer sees the whole story within a few minutes: one healthy camera; one black and
 * one frozen, found in their first picture rounds; and one whose cable is cut a minute in, long
 * enough to be MATI and alerted, then mended, and its recovery sent. Alerts go to a webhook
 * inbox this script serves: each message is printed here and listed at its URL. Works where
 * only Node is installed: without GStreamer/ffmpeg the RTSP cameras are replaced by RTSP
 * responders (no picture) and HTTP snapshot cameras.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
/** The first cut comes a minute in, so the story starts while the newcomer looks. */
const FIRST_DROP_MS = 60_000;
const DROP_EVERY_MS = 6 * 60_000;
/** Long enough to be confirmed down (2 rounds of 10 s), outlive the grace, and be alerted. */
const DROP_FOR_MS = 150_000;
/** Demo pace: checks every 10 s, pictures every 20 s, alerts after 30 s dark. */
const DEMO_PACE = { checkIntervalSec: 10, imageCheckIntervalSec: 20, graceSec: 30 };

/** Where the demo's alerts arrive: each is printed, and GET / lists them all as text. */
async function webhookInbox(): Promise<{ url: string; stop(): Promise<void> }> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    if (req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c.length + body.length < 1_000_000 ? c : ''));
      req.on('end', () => {
        let text = body;
        try {
          const msg = JSON.parse(body) as { event?: string; text?: string };
          text = `${msg.event ?? 'message'}: ${msg.text ?? body}`;
        } catch {
          // Not JSON: shown as it came.
        }
        const line = `[${new Date().toLocaleTimeString('en-GB')}] ${text}`;
        received.push(line);
        process.stdout.write(`\n  ✉ webhook inbox ${line.replace(/\n/g, '\n    ')}\n`);
        res.writeHead(204).end();
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(received.length ? received.join('\n\n') + '\n' : 'No alert yet: the office camera is cut a minute after the start.\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

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
  // The demo's pace and its inbox on 127.0.0.1 (which contacts may not reach otherwise).
  config = {
    ...config,
    probes: { ...config.probes, checkIntervalSec: DEMO_PACE.checkIntervalSec, imageCheckIntervalSec: DEMO_PACE.imageCheckIntervalSec },
    alerts: { ...config.alerts, graceSec: DEMO_PACE.graceSec },
    outbound: { ...config.outbound, allow: [...config.outbound.allow, '127.0.0.1/32'] },
  };
  const log = createLogger(process.env.PANTAU_LOG_LEVEL ?? 'warn');
  const sims: Stoppable[] = [];
  const timers: NodeJS.Timeout[] = [];
  const start = async <T extends Stoppable & { start(): Promise<void> }>(sim: T): Promise<T> => {
    await sim.start();
    sims.push(sim);
    return sim;
  };

  const inbox = await webhookInbox();
  sims.push(inbox);
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

  // The office camera's cable gets "cut" a minute in, then every few minutes, and mended again.
  const cut = () => {
    process.stdout.write(`\n  ✂ ${new Date().toLocaleTimeString('en-GB')} the office camera's cable is cut for ${DROP_FOR_MS / 1000} s\n`);
    // The whole device goes: an ONVIF that still answered would make it TERGANGGU, not MATI.
    void Promise.all([kantorRtsp.stop(), kantorOnvif.stop()]).then(() => {
      timers.push(
        setTimeout(() => {
          process.stdout.write(`\n  ✓ ${new Date().toLocaleTimeString('en-GB')} the office camera's cable is mended\n`);
          void Promise.all([kantorRtsp.start(), kantorOnvif.start()]);
        }, DROP_FOR_MS),
      );
    });
  };
  timers.push(
    setTimeout(() => {
      cut();
      timers.push(setInterval(cut, DROP_EVERY_MS));
    }, FIRST_DROP_MS),
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
  // An official who sees two agencies' cameras, as a real viewer would.
  pantau.store.users.update(viewer.id, { grants: [{ scope: 'agency', value: 'Bagian Umum Setda' }, { scope: 'agency', value: 'Dinas Kesehatan' }] }, now);
  // The owner's alerts go to the demo's inbox.
  pantau.alerting.contacts.create(admin, { userId: owner.id, channel: 'webhook', address: inbox.url, language: 'id' });
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
    '  Demo fleet: Masjid Agung (healthy), Pasar Sentral (black) and Puskesmas (frozen), found in their',
    '  first picture rounds, and Kantor Bupati: its cable is cut 1 min in for 2.5 min (MATI, alerted',
    '  about a minute later, then recovered), and again every 6 min.',
    '',
    `  Alerts for pemilik go to a webhook inbox: ${inbox.url} (each one is printed here too).`,
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
