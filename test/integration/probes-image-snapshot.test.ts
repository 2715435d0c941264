/**
 * The image probe over HTTP snapshots: the snapshot camera simulator in each of its modes
 * (Digest and Basic auth), and hostile endpoints written here (a decompression bomb, a body
 * that never ends, an error page).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/domain/status.js';
import { checkImage, type ImageProbeContext, type ProbeTarget } from '../../src/probes/index.js';
import { HttpSnapshotSimulator, LOOPBACK, type HttpSnapshotOptions } from '../support/index.js';

const USER = 'admin';
const PASS = 'Pantau#2024 ok';
const DEADLINE_MS = 2000;
const MARGIN_MS = 1500;

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function snapshotCamera(opts: HttpSnapshotOptions = {}): Promise<HttpSnapshotSimulator> {
  const sim = new HttpSnapshotSimulator({ username: USER, password: PASS, hugeBytes: 50 * 1024 * 1024, dripIntervalMs: 200, ...opts });
  await sim.start();
  cleanups.push(() => sim.stop());
  return sim;
}

/** Serves /bomb (a JPEG declaring 30000x30000), /endless (chunked bytes for ever) and 404s. */
async function hostileServer(): Promise<string> {
  const bomb = readFileSync(new URL('../fixtures/images/bomb.jpg', import.meta.url));
  const server = http.createServer((req, res) => {
    if (req.url === '/bomb') {
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': bomb.length }).end(bomb);
    } else if (req.url === '/endless') {
      res.writeHead(200, { 'Content-Type': 'image/jpeg' }); // chunked: no length to refuse up front
      const chunk = Buffer.alloc(64 * 1024, 0xaa);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    } else {
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body>404</body></html>');
    }
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://${LOOPBACK}:${(server.address() as net.AddressInfo).port}`;
}

async function timed<T>(p: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await p;
  return { result, ms: Date.now() - started };
}

const ctx = (extra: Partial<ImageProbeContext> = {}): ImageProbeContext => ({
  signal: new AbortController().signal,
  deadlineMs: DEADLINE_MS,
  ...extra,
});
const target = (url: string, password = PASS): ProbeTarget => ({
  cameraId: 'cam-1',
  snapshotUrl: url,
  snapshotUsername: USER,
  snapshotPassword: password,
});

let camera: HttpSnapshotSimulator;
let hostile: string;
beforeAll(async () => {
  camera = await snapshotCamera();
  hostile = await hostileServer();
});

describe('image probe over an HTTP snapshot', () => {
  it('judges a live picture ok and hands back the frame for phones', async () => {
    await camera.setMode('live');
    const r = await checkImage(target(camera.url), ctx());
    expect(r).toMatchObject({ ok: true, reached: true, detail: { verdict: 'ok' } });
    expect(r.detail?.brightness).toBeGreaterThan(40);
    expect(r.picture).toMatchObject({ source: 'snapshot', width: 320, height: 240 });
    const frame = await r.picture?.render();
    expect(frame).toMatchObject({ source: 'snapshot', width: 320, height: 240, at: r.picture?.at });
    expect((await sharp(frame?.thumbJpeg).metadata()).width).toBe(160);
    expect((await sharp(frame?.jpeg).metadata()).width).toBe(320);
    // Scaled once: a second viewer shares the first one's pictures.
    expect(await r.picture?.render()).toBe(frame);
    expect(r.fingerprint?.luma).toHaveLength(64 * 48);
  });

  it('sees two live polls seconds apart as different pictures', async () => {
    await camera.setMode('live');
    let now = 1_000_000;
    const first = await checkImage(target(camera.url), ctx({ now: () => now }));
    now += 3000;
    const second = await checkImage(target(camera.url), ctx({ now: () => now, previous: first.fingerprint }));
    expect(second.detail?.verdict).toBe('ok');
    expect(second.detail?.diffFromLast).toBeGreaterThan(0);
  });

  it('judges a black picture black, though its clock is still drawn', async () => {
    await camera.setMode('black');
    const r = await checkImage(target(camera.url), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'black', reached: true, detail: { verdict: 'black' } });
    expect(r.picture).toBeDefined();
    expect(classify({ image: r })).toEqual({ status: 'degraded', reason: 'black' });
  });

  it('judges the same picture on two polls seconds apart frozen', async () => {
    await camera.setMode('frozen');
    let now = 2_000_000;
    const first = await checkImage(target(camera.url), ctx({ now: () => now }));
    expect(first.detail?.verdict).toBe('ok'); // nothing to compare with yet
    now += 5000;
    const second = await checkImage(target(camera.url), ctx({ now: () => now, previous: first.fingerprint }));
    expect(second).toMatchObject({ ok: false, reason: 'frozen', detail: { verdict: 'frozen', diffFromLast: 0 } });
  });

  it('fails a body that is not a picture as undecodable, and the picture as corrupt', async () => {
    await camera.setMode('garbage');
    const r = await checkImage(target(camera.url), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'undecodable', reached: true, detail: { verdict: 'corrupt' } });
    expect(r.picture).toBeUndefined();
  });

  it('refuses a 50 MB "JPEG" without reading it', async () => {
    await camera.setMode('huge');
    const { result, ms } = await timed(checkImage(target(camera.url), ctx()));
    expect(result).toMatchObject({ ok: false, reason: 'too_large', reached: true });
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  });

  it('gives up on a picture that drips in slower than the deadline', async () => {
    await camera.setMode('slow');
    const { result, ms } = await timed(checkImage(target(camera.url), ctx({ deadlineMs: 1000 })));
    expect(result).toMatchObject({ ok: false, reason: 'timeout', reached: true });
    expect(ms).toBeLessThan(1000 + MARGIN_MS);
    expect(classify({ image: result })).toEqual({ status: 'degraded', reason: 'no_frame' });
  });

  it('reports a wrong password as auth_failed without echoing it', async () => {
    await camera.setMode('live');
    const r = await checkImage(target(camera.url, 'wrong-password'), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'auth_failed', reached: true });
    expect(JSON.stringify(r)).not.toContain('wrong-password');
  });

  it('answers Basic challenges too', async () => {
    const basic = await snapshotCamera({ auth: 'basic' });
    expect((await checkImage(target(basic.url), ctx())).ok).toBe(true);
  });

  it('reports a camera that is down as refused, not reached', async () => {
    const down = await snapshotCamera({ mode: 'down' });
    const r = await checkImage(target(down.url), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'refused', reached: false });
    expect(classify({ image: r })).toEqual({ status: 'down', reason: 'unreachable' });
  });
});

describe('image probe against hostile snapshot endpoints', () => {
  it('refuses a decompression bomb before decoding it', async () => {
    const { result, ms } = await timed(checkImage(target(`${hostile}/bomb`), ctx()));
    expect(result).toMatchObject({ ok: false, reason: 'too_large', reached: true, detail: { verdict: 'corrupt' } });
    expect(result.message).toContain('30000x30000');
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  });

  it('cuts off a body with no length that never ends at the size cap', async () => {
    const { result, ms } = await timed(checkImage(target(`${hostile}/endless`), ctx({ limits: { maxBytes: 1024 * 1024 } })));
    expect(result).toMatchObject({ ok: false, reason: 'too_large', reached: true });
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  });

  it('reports an HTTP error status as http_error', async () => {
    const r = await checkImage(target(`${hostile}/nothing-here`), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'http_error', reached: true });
  });
});
