/**
 * Cameras behind NAT, queue mode on the shared Redis (own key prefix): a camera on a site lane
 * is watched from the dashboard, and its pictures come through the site worker — the server
 * asks over Redis, the worker takes the picture and answers over Redis. The server cannot reach
 * the camera at all here: its outbound policy refuses loopback, while the worker's allows it.
 * A camera with the same address on the default lane, which the server fetches itself, gets no
 * picture: the control that shows the server really could not reach it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSnapshotSimulator } from '../support/index.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { inProcessWorker, QUEUE_SECRET, redisBlock } from '../support/queue.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';
import { RecordingClient, sessionCookie } from './realtime-client.js';

const PREFIX = `test-${randomUUID()}`;
const redis = redisBlock(REDIS_URL, PREFIX, { siteQueues: ['lasusua'] });

let pantau: TestPantau;
let admin: Client;
let camera: HttpSnapshotSimulator;
let worker: Awaited<ReturnType<typeof inProcessWorker>>;
let socket: RecordingClient | undefined;
const ids: Record<'site' | 'central', string> = { site: '', central: '' };

beforeAll(async () => {
  camera = new HttpSnapshotSimulator();
  await camera.start();
  // The server may not connect to loopback (nothing is allowed beyond the defaults)…
  pantau = await startTestPantau({ secret: QUEUE_SECRET, redis, outbound: { allow: [] }, probes: { livenessTimeoutMs: 1000, imageTimeoutMs: 4000 } });
  // …the site worker may: the camera is on its LAN.
  worker = await inProcessWorker(redis, ['lasusua'], { imageTimeoutMs: 4000 }, { outbound: { allow: ['127.0.0.1/32'] } });
  ({ admin } = await signedInClients(pantau));
  // A host name, not an IP literal: the outbound policy judges what a name resolves to.
  const url = `http://localhost:${camera.port}${camera.path}`;
  const add = async (name: string, site: string) => {
    const res = await admin.post('/api/cameras', { name, site, agency: 'Diskominfo', snapshotUrl: url, checkIntervalSec: 3600, imageCheckIntervalSec: 86_400 });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  ids.site = await add('Masjid Agung', 'Lasusua');
  ids.central = await add('Kantor Pusat', 'Kantor Bupati');
}, 60_000);

afterAll(async () => {
  socket?.close();
  await worker?.stop();
  await pantau?.stop();
  await camera?.stop();
  await deleteKeys(REDIS_URL, PREFIX);
});

describe('pictures of cameras only a site worker can reach', () => {
  it('sends a watcher frames of the site camera, fetched by the site worker', async () => {
    socket = await new RecordingClient(pantau.url, await sessionCookie(pantau.url, 'admin', ADMIN_PASSWORD)).connect();
    expect(await socket.watch({ cameraIds: [ids.site], size: 'full', fps: 2 })).toMatchObject({ ok: true, watching: [ids.site] });
    const frame = await waitFor('a frame of the site camera', async () => socket!.framesOf(ids.site)[0], 20_000);
    const jpeg = frame.data as Buffer;
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    expect(frame.meta).toMatchObject({ cameraId: ids.site, size: 'full', bytes: jpeg.length });
    // The camera page's cadence keeps working through the worker: more frames follow.
    await waitFor('more frames', async () => (socket!.framesOf(ids.site).length >= 3 ? true : undefined), 20_000);
    await socket.unwatch();
  });

  it('answers the snapshot route for the site camera through the worker too', async () => {
    const res = await fetch(`${pantau.url}/api/cameras/${ids.site}/snapshot?size=thumb`, { headers: { cookie: await sessionCookie(pantau.url, 'admin', ADMIN_PASSWORD) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await res.arrayBuffer());
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
  });

  it('gets nothing for the same address on the default lane: the server itself cannot reach it', async () => {
    const res = await admin.get(`/api/cameras/${ids.central}/snapshot`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'no_picture' });
  });

  it('records the watch as one viewing with the bytes sent', async () => {
    const views = await waitFor('the frames viewing closed', async () => {
      const items = (await admin.get(`/api/cameras/${ids.site}/views`)).body.items as Array<{ kind: string; end: string | null; bytes: number }>;
      const frames = items.filter((v) => v.kind === 'frames');
      return frames.length === 1 && frames[0]!.end !== null ? frames : undefined;
    }, 5000);
    const sent = socket!.framesOf(ids.site).reduce((n, f) => n + f.meta.bytes, 0);
    expect(views[0]!.bytes).toBe(sent);
  });
});
