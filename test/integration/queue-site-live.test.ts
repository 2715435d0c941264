/**
 * Live video of a camera only a site worker can reach, in queue mode on the shared Redis (own
 * key prefix) with the worker as a real child process (`src/worker.ts`). The server's outbound
 * policy refuses loopback, the worker's allows it: the server never connects to the camera,
 * the worker pulls it (one ffmpeg, its own descendant) and relays the fMP4 over Redis. A viewer
 * gets the init segment and key-frame-first fragments; two viewers share one pull; the same
 * address on the default lane gets nothing (the control that the server really could not reach
 * it); the worker's ffmpeg ends after the last viewer leaves; and a worker killed mid-stream
 * ends the viewer's live video with a reason instead of leaving it waiting. Camera-page frames
 * of the camera (RTSP only) come from one persistent decoder on the worker, over Redis too; and
 * an ONVIF camera's sub-stream is read from its profiles by the worker (the server cannot).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegUnavailableReason } from '../support/frames.js';
import { OnvifDeviceSimulator } from '../support/onvif-device.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, waitFor, type TestPantau } from '../support/pantau.js';
import { ChildWorker, QUEUE_SECRET, redisBlock } from '../support/queue.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';
import { gstRtspUnavailableReason, RtspCameraSimulator } from '../support/rtsp-camera.js';
import { ffmpegTree, LiveClient, remuxerTree } from './live-client.js';
import { RecordingClient, sessionCookie } from './realtime-client.js';

const missing = ffmpegUnavailableReason() || gstRtspUnavailableReason();
const PREFIX = `test-${randomUUID()}`;
const redis = redisBlock(REDIS_URL, PREFIX, { siteQueues: ['lasusua'] });

describe.skipIf(missing !== '')(`live video through a site worker${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let pantau: TestPantau;
  let camera: RtspCameraSimulator;
  let worker: ChildWorker;
  let device: OnvifDeviceSimulator;
  const sockets: RecordingClient[] = [];
  const ids: Record<'site' | 'central' | 'onvif', string> = { site: '', central: '', onvif: '' };
  const viewer = async () => {
    const c = new RecordingClient(pantau.url, await sessionCookie(pantau.url, 'admin', ADMIN_PASSWORD));
    sockets.push(c);
    return new LiveClient(await c.connect());
  };

  beforeAll(async () => {
    camera = new RtspCameraSimulator({ fps: 10, gop: 10, shared: true });
    await camera.start();
    // The server may not connect to loopback; the site worker may: the camera is on its LAN.
    pantau = await startTestPantau({ secret: QUEUE_SECRET, redis, outbound: { allow: [] }, live: { lingerSec: 1 }, probes: { livenessTimeoutMs: 1000 } });
    worker = await ChildWorker.start(redis, { sites: ['lasusua'], config: { outbound: { allow: ['127.0.0.1/32'] } } });
    const { admin } = await signedInClients(pantau);
    // A host name, not an IP literal: the outbound policy judges what a name resolves to.
    const url = camera.url.replace('127.0.0.1', 'localhost');
    for (const [key, name, site] of [['site', 'Masjid Agung', 'Lasusua'], ['central', 'Kantor Pusat', 'Kantor Bupati']] as const) {
      const res = await admin.post('/api/cameras', { name, site, agency: 'Diskominfo', rtspUrl: url, checkIntervalSec: 3600, imageCheckIntervalSec: 86_400 });
      expect(res.status, res.text).toBe(201);
      ids[key] = res.body.id as string;
    }
    // An ONVIF camera at the site whose profiles name the simulator's one path as the sub-stream;
    // its main URL follows no vendor pattern, and nothing answers there.
    device = new OnvifDeviceSimulator({ vendor: 'hikvision', username: 'admin', password: 'sandi-onvif', rtspPort: camera.port, rtspPaths: { Profile_1: '/main', Profile_2: '/stream1' } });
    await device.start();
    const res = await admin.post('/api/cameras', {
      name: 'Masjid Al-Ikhlas',
      site: 'Lasusua',
      agency: 'Diskominfo',
      onvif: { host: 'localhost', port: device.port, username: 'admin', password: 'sandi-onvif' },
      rtspUrl: `rtsp://localhost:${camera.port}/main`,
      checkIntervalSec: 3600,
      imageCheckIntervalSec: 86_400,
    });
    expect(res.status, res.text).toBe(201);
    ids.onvif = res.body.id as string;
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await worker?.signal('SIGKILL');
    await pantau?.stop();
    await device?.stop();
    await camera?.stop();
    await deleteKeys(REDIS_URL, PREFIX);
  });

  it('plays the site camera, pulled once by the worker and relayed over Redis to two viewers', async () => {
    const [one, two] = [await viewer(), await viewer()];
    expect(await one.start(ids.site)).toMatchObject({ ok: true });
    await waitFor('fragments for the first viewer', async () => (one.fragments.length >= 5 ? true : undefined), 30_000);
    expect(await two.start(ids.site)).toMatchObject({ ok: true });
    await waitFor('fragments for the second viewer', async () => (two.fragments.length >= 5 ? true : undefined), 15_000);
    for (const c of [one, two]) {
      expect(c.inits[0]).toMatchObject({ cameraId: ids.site, stream: 'main', width: 320, height: 240 });
      expect(c.inits[0]!.mime).toMatch(/^video\/mp4; codecs="avc1\.[0-9A-F]{6}"$/);
      expect(c.fragments[0]!.keyframe).toBe(true);
      expect(c.fragments.every((f) => f.bytes > 0)).toBe(true);
      expect(c.ends).toEqual([]);
    }
    // One camera connection, made by the worker process, not by this one (the server's).
    const pulls = remuxerTree(camera.port);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.ancestors).toContain(worker.pid);

    await Promise.all([one.stop(), two.stop()]);
    // The server's linger (1 s), the lease's next check (1 s), then the worker kills its ffmpeg.
    await waitFor("the worker's ffmpeg to end", async () => (remuxerTree(camera.port).length === 0 ? true : undefined), 8000);
  }, 60_000);

  it('gets no video of the same address on the default lane: the server itself cannot reach it', async () => {
    const c = await viewer();
    expect(await c.start(ids.central)).toMatchObject({ ok: true });
    await waitFor('the live view to end', async () => c.ends[0], 10_000);
    expect(c.ends[0]).toMatchObject({ cameraId: ids.central, reason: 'unavailable' });
    expect(c.inits).toHaveLength(0);
    expect(remuxerTree(camera.port)).toHaveLength(0);
  });

  it('sends camera-page frames of the site camera from one decoder on the worker', async () => {
    const c = new RecordingClient(pantau.url, await sessionCookie(pantau.url, 'admin', ADMIN_PASSWORD));
    sockets.push(c);
    await c.connect();
    expect(await c.watch({ cameraIds: [ids.site], size: 'full', fps: 2 })).toMatchObject({ ok: true, watching: [ids.site] });
    await waitFor('frames of the site camera', async () => (c.framesOf(ids.site).length >= 4 ? true : undefined), 30_000);
    const jpeg = c.framesOf(ids.site)[0]!.data as Buffer;
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    const decoding = (args: string[]) => args.some((a) => a.startsWith('fps=2,'));
    const decoders = ffmpegTree(camera.port, decoding);
    expect(decoders).toHaveLength(1);
    expect(decoders[0]!.ancestors).toContain(worker.pid);
    await c.unwatch();
    await waitFor("the worker's decoder to end", async () => (ffmpegTree(camera.port, decoding).length === 0 ? true : undefined), 8000);
  }, 60_000);

  it("plays an ONVIF site camera's sub-stream, read from its profiles by the worker", async () => {
    const c = await viewer();
    expect(await c.start(ids.onvif)).toMatchObject({ ok: true });
    await waitFor('fragments', async () => (c.fragments.length >= 3 ? true : undefined), 30_000);
    expect(c.inits[0]).toMatchObject({ cameraId: ids.onvif, stream: 'sub', width: 320, height: 240 });
    // The server stored nothing: it cannot reach the device.
    expect(pantau.store.cameraStreams.get(ids.onvif)).toBeUndefined();
    await c.stop();
    await waitFor("the worker's ffmpeg to end", async () => (remuxerTree(camera.port).length === 0 ? true : undefined), 8000);
  }, 60_000);

  it('tells the viewer when the site worker dies mid-stream', async () => {
    const c = await viewer();
    expect(await c.start(ids.site)).toMatchObject({ ok: true });
    await waitFor('fragments', async () => (c.fragments.length >= 3 ? true : undefined), 30_000);
    await worker.signal('SIGKILL');
    await waitFor('the viewer to be told', async () => c.ends[0], 15_000);
    expect(c.ends[0]).toEqual({ cameraId: ids.site, reason: 'unavailable' });
    // The orphaned ffmpeg notices its reader is gone and ends too.
    await waitFor('the orphaned ffmpeg to end', async () => (remuxerTree(camera.port).length === 0 ? true : undefined), 15_000);
  }, 60_000);
});
