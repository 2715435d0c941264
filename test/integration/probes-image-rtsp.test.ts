/**
 * The image probe over RTSP: one frame through the real ffmpeg from GStreamer's RTSP server
 * (live, black, frozen, wrong password), and ffmpeg against a camera that never answers, which
 * must be killed at the deadline. Skipped, with the reason, where GStreamer or ffmpeg is absent.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImage, type ImageProbeContext, type ProbeTarget } from '../../src/probes/index.js';
import { ffmpegUnavailableReason } from '../support/frames.js';
import { gstRtspUnavailableReason, LOOPBACK, RtspCameraSimulator, RtspResponderSimulator } from '../support/index.js';

const USER = 'admin';
const PASS = 'Pantau#2024 ok'; // '#' and a space: must survive being put into ffmpeg's URL
const FFMPEG = 'ffmpeg';
/** A grab from the 5 fps simulator takes 1.5–2.5 s (session setup, probing, next key frame). */
const GRAB_DEADLINE_MS = 8000;
const SHORT_DEADLINE_MS = 1500;
const MARGIN_MS = 1500;

const missing = ffmpegUnavailableReason() || gstRtspUnavailableReason();

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const ctx = (extra: Partial<ImageProbeContext> = {}): ImageProbeContext => ({
  signal: new AbortController().signal,
  deadlineMs: GRAB_DEADLINE_MS,
  ffmpegPath: FFMPEG,
  ...extra,
});
const target = (url: string, password = PASS): ProbeTarget => ({ cameraId: 'cam-1', rtspUrl: url, rtspUsername: USER, rtspPassword: password });

async function timed<T>(p: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await p;
  return { result, ms: Date.now() - started };
}

describe.skipIf(missing !== '')(`image probe over RTSP with ffmpeg${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let camera: RtspCameraSimulator;
  beforeAll(async () => {
    camera = new RtspCameraSimulator({ username: USER, password: PASS });
    await camera.start();
    cleanups.push(() => camera.stop());
  });

  it('grabs a live frame and judges it ok', async () => {
    await camera.setMode('live');
    const r = await checkImage(target(camera.url), ctx());
    expect(r).toMatchObject({ ok: true, reached: true, detail: { verdict: 'ok' } });
    expect(r.frame).toMatchObject({ source: 'rtsp', width: 320, height: 240 });
  });

  it('judges a black stream black', async () => {
    await camera.setMode('black');
    expect(await checkImage(target(camera.url), ctx())).toMatchObject({ ok: false, reason: 'black', detail: { verdict: 'black' } });
  });

  it('judges a frozen stream frozen over two grabs', async () => {
    await camera.setMode('frozen');
    let now = 1_000_000;
    const first = await checkImage(target(camera.url), ctx({ now: () => now }));
    expect(first.detail?.verdict).toBe('ok');
    now += 5000;
    const second = await checkImage(target(camera.url), ctx({ now: () => now, previous: first.fingerprint }));
    expect(second).toMatchObject({ ok: false, reason: 'frozen', detail: { verdict: 'frozen', diffFromLast: 0 } });
  });

  it('reports a wrong password as auth_failed without echoing it', async () => {
    const r = await checkImage(target(camera.url, 'wrong-password'), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'auth_failed', reached: true });
    expect(JSON.stringify(r)).not.toContain('wrong-password');
  });

  it('kills ffmpeg at the deadline when the camera never answers', async () => {
    const silent = new RtspResponderSimulator({ mode: 'silent' });
    await silent.start();
    cleanups.push(() => silent.stop());
    const { result, ms } = await timed(checkImage(target(silent.url), ctx({ deadlineMs: SHORT_DEADLINE_MS })));
    expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    expect(ms).toBeLessThan(SHORT_DEADLINE_MS + MARGIN_MS);
  });

  it('reports a closed port as refused', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const r = await checkImage(target(`rtsp://${LOOPBACK}:${port}/stream1`), ctx({ deadlineMs: SHORT_DEADLINE_MS }));
    expect(r).toMatchObject({ ok: false, reason: 'refused', reached: false });
  });

  it('says why when ffmpeg is not configured or cannot run', async () => {
    const none = await checkImage(target(camera.url), ctx({ ffmpegPath: undefined }));
    expect(none).toMatchObject({ ok: false, reason: 'not_configured', reached: false });
    const broken = await checkImage(target(camera.url), ctx({ ffmpegPath: '/nonexistent/ffmpeg', deadlineMs: SHORT_DEADLINE_MS }));
    expect(broken).toMatchObject({ ok: false, reason: 'ffmpeg_failed', reached: false });
  });
});
