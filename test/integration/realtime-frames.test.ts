/**
 * Frames for watchers: fetched only while someone watches, newest only for a slow client
 * (never a backlog), none after unwatch, and a dropped connection resumes with the same watch
 * set. Against a real Pantau and a live snapshot camera whose health check is far away, so
 * every fetch the camera sees is one made for viewers.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSnapshotSimulator } from '../support/index.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, waitFor, type TestPantau } from '../support/pantau.js';
import { RecordingClient, sessionCookie, sleep } from './realtime-client.js';

let pantau: TestPantau;
let cam: HttpSnapshotSimulator;
let id: string;
let cookie: string;
const sockets: RecordingClient[] = [];

async function connected(): Promise<RecordingClient> {
  const client = new RecordingClient(pantau.url, cookie);
  sockets.push(client);
  return client.connect();
}

beforeAll(async () => {
  pantau = await startTestPantau({ probes: { livenessTimeoutMs: 1500, imageTimeoutMs: 5000 } });
  cam = new HttpSnapshotSimulator();
  await cam.start();
  const { admin } = await signedInClients(pantau);
  const res = await admin.post('/api/cameras', { name: 'Kamera', site: 'Pasar', agency: 'Dinas', snapshotUrl: cam.url, checkIntervalSec: 3600, imageCheckIntervalSec: 3600 });
  expect(res.status, res.text).toBe(201);
  id = res.body.id;
  cookie = await sessionCookie(pantau.url, 'admin', ADMIN_PASSWORD);
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await pantau?.stop();
  await cam?.stop();
});

describe('frames for watchers', () => {
  it('fetches nothing for viewers until someone watches', async () => {
    await connected();
    const before = cam.requestCount;
    await sleep(2500);
    // The one image-health round at start may be in there; nothing fetched for viewers.
    expect(cam.requestCount - before).toBeLessThanOrEqual(1);
  });

  it('gives a client that stops acknowledging the newest frame only, never a backlog', async () => {
    const fast = await connected();
    const slow = await connected();
    slow.ackFrames = false;
    await fast.watch({ cameraIds: [id], size: 'full', fps: 2 });
    await slow.watch({ cameraIds: [id], size: 'full', fps: 2 });
    await sleep(5000);
    // 2 fps for 5 s: the fast client took ~10; the slow one the single frame it never acknowledged.
    expect(fast.framesOf(id).length).toBeGreaterThanOrEqual(5);
    expect(slow.framesOf(id)).toHaveLength(1);
    // Each frame the fast client got is newer than the one before: no reordering, no repeats.
    const times = fast.framesOf(id).map((f) => f.meta.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
    fast.close();
    slow.close();
  });

  it('stops frames on unwatch, and stops fetching when the last watcher leaves', async () => {
    const client = await connected();
    await client.watch({ cameraIds: [id], size: 'full', fps: 2 });
    await waitFor('frames', async () => (client.framesOf(id).length >= 2 ? true : undefined), 5000);
    await client.unwatch();
    await sleep(600); // a fetch in flight may still land
    const frames = client.frames.length;
    const requests = cam.requestCount;
    await sleep(2500);
    expect(client.frames.length).toBe(frames);
    expect(cam.requestCount - requests).toBeLessThanOrEqual(1);
  });

  it('resumes after a dropped connection: statuses again, and the same watch set', async () => {
    const client = await connected();
    await client.watch({ cameraIds: [id], size: 'thumb', fps: 0.2 });
    await waitFor('a first thumbnail', async () => (client.framesOf(id).length >= 1 ? true : undefined), 5000);
    const before = client.frames.length;
    // As when a phone loses its signal: the transport dies, socket.io reconnects by itself.
    client.socket.io.engine.close();
    await waitFor('reconnect', async () => (client.connects >= 2 ? true : undefined), 5000);
    await waitFor('statuses after reconnect', async () => (client.snapshots.length >= 2 ? true : undefined), 5000);
    await waitFor('frames after reconnect', async () => (client.frames.length > before ? true : undefined), 10_000);
    expect(client.frames.at(-1)!.meta).toMatchObject({ cameraId: id, size: 'thumb' });
  });

  it('takes a grid\'s thumbnails at their own size, and gives the full picture to whoever asks for it', async () => {
    const width = async (jpeg: unknown) => (await sharp(jpeg as Buffer).metadata()).width;
    const grid = await connected();
    await grid.watch({ cameraIds: [id], size: 'thumb', fps: 0.5 });
    await waitFor('a thumbnail', async () => (grid.framesOf(id).length >= 1 ? true : undefined), 5000);
    expect(grid.framesOf(id)[0]!.meta.size).toBe('thumb');
    expect(await width(grid.framesOf(id)[0]!.data)).toBe(160);

    // While only the grid watches, the REST picture is still the phone-sized one (320: the camera's own width), not the thumbnail.
    const rest = await fetch(`${pantau.url}/api/cameras/${id}/snapshot`, { headers: { cookie } });
    expect(rest.status).toBe(200);
    expect(await width(Buffer.from(await rest.arrayBuffer()))).toBe(320);

    // A camera page opening beside the grid gets full frames, and the grid keeps its thumbnails.
    const page = await connected();
    await page.watch({ cameraIds: [id], size: 'full', fps: 2 });
    await waitFor('a full frame', async () => (page.framesOf(id).length >= 1 ? true : undefined), 5000);
    for (const f of page.framesOf(id)) expect(await width(f.data)).toBe(320);
    const thumbs = grid.framesOf(id).length;
    await waitFor('the grid\'s next thumbnail', async () => (grid.framesOf(id).length > thumbs ? true : undefined), 10_000);
    expect(await width(grid.framesOf(id).at(-1)!.data)).toBe(160);
    grid.close();
    page.close();
  });

  it('shuts down promptly while phones are still connected', async () => {
    const other = await startTestPantau();
    const cookieHere = await sessionCookie(other.url, 'admin', ADMIN_PASSWORD);
    const phone = new RecordingClient(other.url, cookieHere);
    sockets.push(phone);
    await phone.connect();
    const started = Date.now();
    await other.stop();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
