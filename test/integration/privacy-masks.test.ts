/**
 * Privacy masks end to end, against a real Pantau, an HTTP snapshot camera, a GStreamer RTSP
 * camera, ffmpeg and a stand-in for Telegram's Bot API: once an admin sets a mask, every picture
 * that leaves Pantau is black inside it and not black beside it — the REST snapshot (both
 * sizes), socket thumbnails and camera-page frames, frames of an RTSP-only camera from its
 * persistent decoder, the last good picture, the alert's picture, and live view, which for a
 * masked camera is masked frames and never video. Pictures are decoded with sharp; inside the
 * rectangle (shrunk a few pixels for JPEG's blur at edges) the mean must be under 8 and no value
 * over 40.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEndEvent, LiveStartAnswer } from '../../src/realtime/contract.js';
import { pixelRects, type MaskRect } from '../../src/domain/privacy-mask.js';
import { FakeHttpServer, formDataOf } from '../support/fake-http.js';
import { ffmpegUnavailableReason } from '../support/frames.js';
import { remuxers } from './live-client.js';
import { HttpSnapshotSimulator } from '../support/index.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { gstRtspUnavailableReason, RtspCameraSimulator } from '../support/rtsp-camera.js';
import { RecordingClient, sessionCookie } from './realtime-client.js';

const missing = ffmpegUnavailableReason() || gstRtspUnavailableReason();

/** The masked rectangle: over colour bars, away from the clock (top left) and the sweeping marker (bottom). */
const MASK: MaskRect = { x: 0.4, y: 0.3, w: 0.3, h: 0.3 };
/** Beside it, the same height: colour bars that must stay visible. */
const CLEAR: MaskRect = { x: 0.05, y: 0.3, w: 0.3, h: 0.3 };
const SHRINK_PX = 4;

interface Region {
  mean: number;
  max: number;
}

/** Mean and largest channel value over a normalised rectangle of a JPEG, shrunk by `shrink` pixels each side. */
async function region(jpeg: Buffer, rect: MaskRect, shrink: number): Promise<Region & { width: number }> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const [box] = pixelRects([rect], info.width, info.height);
  if (!box) throw new Error('the rectangle covers no pixel');
  let sum = 0;
  let n = 0;
  let max = 0;
  for (let y = box.top + shrink; y < box.top + box.height - shrink; y++) {
    for (let x = box.left + shrink; x < box.left + box.width - shrink; x++) {
      for (let c = 0; c < info.channels; c++) {
        const v = data[(y * info.width + x) * info.channels + c]!;
        sum += v;
        max = Math.max(max, v);
        n++;
      }
    }
  }
  return { mean: sum / n, max, width: info.width };
}

/** Fails unless the mask is black and the rest is not, naming the path that broke. */
async function expectMasked(jpeg: Buffer, path: string): Promise<void> {
  const inside = await region(jpeg, MASK, SHRINK_PX);
  const beside = await region(jpeg, CLEAR, SHRINK_PX);
  expect(inside.mean, `${path}: mean inside the mask`).toBeLessThan(8);
  expect(inside.max, `${path}: brightest value inside the mask`).toBeLessThan(40);
  expect(beside.mean, `${path}: mean beside the mask (${beside.width} px wide)`).toBeGreaterThan(60);
}

async function expectUnmasked(jpeg: Buffer, path: string): Promise<void> {
  expect((await region(jpeg, MASK, SHRINK_PX)).mean, `${path}: mean where the mask was`).toBeGreaterThan(60);
}

const toBuffer = (data: unknown) => Buffer.from(data as Uint8Array);

describe.skipIf(missing !== '')(`privacy masks in every picture path${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let pantau: TestPantau;
  let snapCam: HttpSnapshotSimulator;
  let rtspCam: RtspCameraSimulator;
  let telegram: FakeHttpServer;
  let admin: Client;
  let owner: Client;
  let adminCookie = '';
  const ids = { snap: '', rtsp: '' };
  const sockets: RecordingClient[] = [];
  const connect = async () => {
    const c = new RecordingClient(pantau.url, adminCookie);
    sockets.push(c);
    return c.connect();
  };
  const snapshot = async (id: string, size: 'thumb' | 'full') => {
    const res = await fetch(`${pantau.url}/api/cameras/${id}/snapshot?size=${size}`, { headers: { cookie: adminCookie } });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };
  const setMask = (id: string, rects: MaskRect[]) => admin.request('PUT', `/api/cameras/${id}/privacy-mask`, { rects });

  beforeAll(async () => {
    snapCam = new HttpSnapshotSimulator();
    await snapCam.start();
    rtspCam = new RtspCameraSimulator({ fps: 10, gop: 10, shared: true });
    await rtspCam.start();
    telegram = await new FakeHttpServer({ status: 200, body: { ok: true, result: { message_id: 7 } } }).start();
    pantau = await startTestPantau({
      probes: { livenessTimeoutMs: 2000, imageTimeoutMs: 8000, failuresToConfirm: 1 },
      alerts: { graceSec: 0, groupWindowSec: 0, delivery: { baseDelayMs: 200, maxDelayMs: 400, maxAttempts: 3, claimMs: 5000 } },
      notifiers: { telegram: { botToken: '123456:TEST-token-abc', apiBase: telegram.origin } },
      live: { lingerSec: 1 },
    });
    const made = await signedInClients(pantau);
    admin = made.admin;
    const o = await made.make('pemilik', 'owner');
    owner = o.client;
    expect((await owner.post('/api/contacts', { channel: 'telegram', address: '987654321' })).status).toBe(201);
    adminCookie = await sessionCookie(pantau.url, 'admin', ADMIN_PASSWORD);
    const snap = await admin.post('/api/cameras', { name: 'CCTV Rumah Warga', site: 'Jalan Poros', agency: 'Diskominfo', snapshotUrl: snapCam.url, checkIntervalSec: 5, imageCheckIntervalSec: 5, owners: [o.id] });
    expect(snap.status, snap.text).toBe(201);
    ids.snap = snap.body.id;
    const rtsp = await admin.post('/api/cameras', { name: 'CCTV Pasar', site: 'Pasar Sentral', agency: 'Diskominfo', rtspUrl: rtspCam.url, checkIntervalSec: 60, imageCheckIntervalSec: 3600 });
    expect(rtsp.status, rtsp.text).toBe(201);
    ids.rtsp = rtsp.body.id;
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await pantau?.stop();
    await Promise.all([snapCam?.stop(), rtspCam?.stop(), telegram?.stop()]);
  });

  it('is set by admins only, recorded with who and when; a bad rectangle is named in the 400', async () => {
    expect((await admin.get(`/api/cameras/${ids.snap}/privacy-mask`)).body).toEqual({ cameraId: ids.snap, rects: [], updatedBy: null, updatedAt: null });
    expect((await owner.request('PUT', `/api/cameras/${ids.snap}/privacy-mask`, { rects: [MASK] })).status).toBe(403);

    const bad = await setMask(ids.snap, [MASK, { x: 1.5, y: 0.1, w: 0.2, h: 0.2 }]);
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'rects.1', code: 'mask_outside' })]);
    const tooMany = await setMask(ids.snap, Array.from({ length: 17 }, () => MASK));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.issues[0].path).toBe('rects');
    const notNumber = await admin.request('PUT', `/api/cameras/${ids.snap}/privacy-mask`, { rects: [{ ...MASK, w: 'wide' }] });
    expect(notNumber.status).toBe(400);
    expect(notNumber.body.issues[0].path).toBe('rects.0.w');

    // Unmasked first: the picture shows what the mask will hide.
    await expectUnmasked(await snapshot(ids.snap, 'full'), 'REST snapshot before the mask');

    const before = Date.now();
    const set = await setMask(ids.snap, [MASK]);
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ cameraId: ids.snap, rects: [MASK], updatedBy: 'admin' });
    expect(Date.parse(set.body.updatedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect((await admin.get(`/api/cameras/${ids.snap}/privacy-mask`)).body).toEqual(set.body);
    // The history keeps every change.
    expect(pantau.store.privacyMasks.history(ids.snap).map((m) => m.updatedBy)).toEqual(['admin']);
  });

  it('blacks out the REST snapshot, both sizes', async () => {
    await expectMasked(await snapshot(ids.snap, 'full'), 'REST snapshot (full)');
    await expectMasked(await snapshot(ids.snap, 'thumb'), 'REST snapshot (thumb)');
  });

  it('blacks out socket thumbnails and camera-page frames', { timeout: 60_000 }, async () => {
    const grid = await connect();
    await grid.watch({ cameraIds: [ids.snap], size: 'thumb' });
    const thumb = await waitFor('a thumbnail', async () => grid.framesOf(ids.snap)[0], 20_000);
    await expectMasked(toBuffer(thumb.data), 'socket thumbnail');

    const page = await connect();
    await page.watch({ cameraIds: [ids.snap], size: 'full', fps: 2 });
    const frames = await waitFor('three camera-page frames', async () => (page.framesOf(ids.snap).length >= 3 ? page.framesOf(ids.snap) : undefined), 20_000);
    for (const f of frames.slice(0, 3)) await expectMasked(toBuffer(f.data), 'camera-page frame');
    await page.unwatch();
    await grid.unwatch();
  });

  it('blacks out the last good picture, both sizes', { timeout: 60_000 }, async () => {
    // A good picture is kept at most once an hour, so the one handed out now was most likely
    // kept before the mask was set and masked again when it changed (pictures kept later are
    // masked as they are kept: test/unit/privacy-masks.test.ts).
    const full = await waitFor('a last good picture', async () => {
      const res = await fetch(`${pantau.url}/api/cameras/${ids.snap}/last-good-picture?size=full`, { headers: { cookie: adminCookie } });
      return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : undefined;
    }, 30_000);
    await expectMasked(full, 'last good picture (full)');
    const res = await fetch(`${pantau.url}/api/cameras/${ids.snap}/last-good-picture?size=thumb`, { headers: { cookie: adminCookie } });
    await expectMasked(Buffer.from(await res.arrayBuffer()), 'last good picture (thumb)');
  });

  it('blacks out the picture in the alert sent when the camera goes down', { timeout: 60_000 }, async () => {
    await snapCam.setMode('down');
    const photo = await waitFor('the alert with its picture', async () => telegram.requests.find((r) => r.path.endsWith('/sendPhoto')), 45_000);
    const file = (await formDataOf(photo)).get('photo') as File;
    await expectMasked(Buffer.from(await file.arrayBuffer()), 'alert picture (Telegram)');
    await snapCam.setMode('live');
  });

  it('gives a masked camera live view as masked frames from its decoder, never video; a new mask ends video being watched', { timeout: 90_000 }, async () => {
    const viewer = await connect();
    const ends: LiveEndEvent[] = [];
    let inits = 0;
    viewer.socket.on('live:end', (e) => ends.push(e));
    viewer.socket.on('live:init', () => inits++);
    viewer.socket.on('live:fragment', (_m, _d, ack) => ack());
    const start = () => new Promise<LiveStartAnswer>((resolve) => viewer.socket.emit('live:start', { cameraId: ids.rtsp }, resolve));

    // Unmasked, it is live video (a remux of the camera's stream).
    expect(await start()).toMatchObject({ ok: true });
    await waitFor('live video', async () => (inits > 0 ? true : undefined), 30_000);
    expect(remuxers(rtspCam.port)).toBe(1);

    // The mask ends the video at once, and its camera connection closes.
    expect((await setMask(ids.rtsp, [MASK])).status).toBe(200);
    await waitFor('the video to end', async () => (ends.length ? true : undefined), 10_000);
    expect(ends[0]).toEqual({ cameraId: ids.rtsp, reason: 'masked' });
    await waitFor('the remux to stop', async () => (remuxers(rtspCam.port) === 0 ? true : undefined), 15_000);

    // Asked again, live video is refused with why; the dashboard watches frames instead.
    const answer = await start();
    expect(answer).toMatchObject({ ok: false, error: 'masked' });
    const initsBefore = inits;
    await viewer.watch({ cameraIds: [ids.rtsp], size: 'full', fps: answer.fallbackFps });
    const frames = await waitFor('three live-view frames', async () => (viewer.framesOf(ids.rtsp).length >= 3 ? viewer.framesOf(ids.rtsp) : undefined), 30_000);
    for (const f of frames.slice(0, 3)) await expectMasked(toBuffer(f.data), 'live view (frames from the decoder)');
    expect(inits).toBe(initsBefore);
    expect(remuxers(rtspCam.port)).toBe(0);
    await viewer.unwatch();

    // Removing the mask gives the pictures back as they are.
    expect((await setMask(ids.rtsp, [])).status).toBe(200);
    await expectUnmasked(await snapshot(ids.rtsp, 'full'), 'REST snapshot after the mask was removed');
  });
});
