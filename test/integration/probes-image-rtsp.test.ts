/**
 * The image probe over RTSP: one frame through the real ffmpeg from GStreamer's RTSP server
 * (live, black, frozen, wrong password), and ffmpeg against a camera that never answers, which
 * must be killed at the deadline. Skipped, with the reason, where GStreamer or ffmpeg is absent.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImage, type ImageProbeContext, type ProbeTarget } from '../../src/probes/index.js';
import { ffmpegUnavailableReason } from '../support/frames.js';
import { gstRtspUnavailableReason, LOOPBACK, RtspCameraSimulator, RtspFaultCamera, RtspResponderSimulator } from '../support/index.js';

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
    expect(r.picture).toMatchObject({ source: 'rtsp', width: 320, height: 240 });
    expect(await r.picture?.render()).toMatchObject({ source: 'rtsp', width: 320, height: 240 });
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

describe.skipIf(missing !== '')(`frame grabs over each RTP transport${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let udpOnly: RtspCameraSimulator;
  let longGop: RtspCameraSimulator;
  beforeAll(async () => {
    udpOnly = new RtspCameraSimulator({ protocols: 'udp' });
    longGop = new RtspCameraSimulator({ gop: 50 }); // 5 fps: a key frame every 10 s
    await Promise.all([udpOnly.start(), longGop.start()]);
    cleanups.push(() => udpOnly.stop(), () => longGop.stop());
  });
  const plain = (url: string, rtspTransport?: 'tcp' | 'udp'): ProbeTarget => ({ cameraId: 'cam-2', rtspUrl: url, rtspTransport });

  it('falls back to UDP when the camera answers 461 to TCP, and says so', async () => {
    await udpOnly.setMode('live');
    const r = await checkImage(plain(udpOnly.url), ctx());
    expect(r).toMatchObject({ ok: true, detail: { verdict: 'ok', transport: 'udp' } });
  });

  it('tries the remembered transport first, and still judges the picture over it', async () => {
    await udpOnly.setMode('black');
    const r = await checkImage(plain(udpOnly.url, 'udp'), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'black', detail: { verdict: 'black', transport: 'udp' } });
  });

  it('grabs over TCP when UDP brings nothing, even if UDP was remembered', async () => {
    const noMedia = new RtspFaultCamera({ mode: 'no-media' });
    await noMedia.start();
    cleanups.push(() => noMedia.stop());
    const r = await checkImage(plain(noMedia.url, 'udp'), ctx({ deadlineMs: 6000 }));
    // Both transports tried (two connections), and the cause named, not "no answer".
    expect(noMedia.connections).toBe(2);
    expect(r).toMatchObject({ ok: false, reason: 'no_media', reached: true });
    expect(r.message).toMatch(/sent no video .*tried first over UDP/);
  });

  it('waits a whole 10 s GOP for the first key frame within the default 15 s deadline', async () => {
    const r = await checkImage(plain(longGop.url), ctx({ deadlineMs: 15_000 }));
    expect(r).toMatchObject({ ok: true, detail: { verdict: 'ok', transport: 'tcp' } });
  });

  it('names a missing key frame when the deadline is shorter than the GOP', async () => {
    const r = await checkImage(plain(longGop.url), ctx({ deadlineMs: 4000 }));
    expect(r).toMatchObject({ ok: false, reason: 'no_keyframe', reached: true });
  });

  it('names a reset connection, not a timeout', async () => {
    const reset = new RtspFaultCamera({ mode: 'reset' });
    await reset.start();
    cleanups.push(() => reset.stop());
    const r = await checkImage(plain(reset.url), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'reset', reached: true });
  });
});
