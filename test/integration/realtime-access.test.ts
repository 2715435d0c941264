/**
 * Realtime access rules against a real Pantau and simulated cameras: a socket needs a session
 * (and our origin), and a viewer never hears of a camera it may not see — not its status, not
 * its outages, not its frames, even when it asks to watch it. Frames are binary JPEGs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSnapshotSimulator } from '../support/index.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, waitFor, type TestPantau } from '../support/pantau.js';
import { RecordingClient, sessionCookie, sleep } from './realtime-client.js';

let pantau: TestPantau;
let camA: HttpSnapshotSimulator;
let camB: HttpSnapshotSimulator;
const ids: Record<'a' | 'b', string> = { a: '', b: '' };
const sockets: RecordingClient[] = [];
let adminCookie: string;
let viewerCookie: string;

async function connected(cookie?: string, headers?: Record<string, string>): Promise<RecordingClient> {
  const client = new RecordingClient(pantau.url, cookie, headers);
  sockets.push(client);
  return client.connect();
}

beforeAll(async () => {
  pantau = await startTestPantau({ probes: { livenessTimeoutMs: 1500, imageTimeoutMs: 5000 } });
  camA = new HttpSnapshotSimulator();
  camB = new HttpSnapshotSimulator();
  await Promise.all([camA.start(), camB.start()]);
  const { admin, make } = await signedInClients(pantau);
  const register = async (name: string, agency: string, url: string) => {
    const res = await admin.post('/api/cameras', { name, site: name, agency, snapshotUrl: url, checkIntervalSec: 5, imageCheckIntervalSec: 3600 });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  ids.a = await register('Kamera A', 'Dinas A', camA.url);
  ids.b = await register('Kamera B', 'Dinas B', camB.url);
  await make('pengamat', 'viewer', [{ scope: 'agency', value: 'Dinas A' }]);
  adminCookie = await sessionCookie(pantau.url, 'admin', ADMIN_PASSWORD);
  viewerCookie = await sessionCookie(pantau.url, 'pengamat', 'pengamat-password');
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await pantau?.stop();
  await Promise.allSettled([camA?.stop(), camB?.stop()]);
});

describe('realtime access', () => {
  it('refuses a socket without a session, with a made-up one, or from another origin', async () => {
    await expect(connected()).rejects.toThrow('unauthorized');
    await expect(connected('pantau_session=not-a-session')).rejects.toThrow('unauthorized');
    await expect(connected(adminCookie, { origin: 'http://evil.example' })).rejects.toThrow('cross_origin');
  });

  it('tells a viewer the statuses of its own cameras only', async () => {
    const viewer = await connected(viewerCookie);
    const admin = await connected(adminCookie);
    await waitFor('status lists', async () => (viewer.snapshots.length && admin.snapshots.length ? true : undefined), 5000);
    expect(viewer.snapshots[0]!.map((s) => s.cameraId)).toEqual([ids.a]);
    expect(admin.snapshots[0]!.map((s) => s.cameraId).sort()).toEqual([ids.a, ids.b].sort());
  });

  it('watches only cameras the viewer may see, and sends their frames as binary JPEG', async () => {
    const viewer = await connected(viewerCookie);
    const answer = await viewer.watch({ cameraIds: [ids.a, ids.b], size: 'full', fps: 1 });
    expect(answer).toMatchObject({ ok: true, watching: [ids.a], denied: [ids.b] });
    const admin = await connected(adminCookie);
    await admin.watch({ cameraIds: [ids.b], size: 'thumb' });

    await waitFor('frames of A', async () => (viewer.framesOf(ids.a).length >= 2 ? true : undefined), 10_000);
    await waitFor('frames of B for the admin', async () => (admin.framesOf(ids.b).length >= 1 ? true : undefined), 10_000);
    await sleep(1500);
    expect(viewer.framesOf(ids.b)).toHaveLength(0);

    const frame = viewer.framesOf(ids.a)[0]!;
    expect(Buffer.isBuffer(frame.data)).toBe(true);
    const jpeg = frame.data as Buffer;
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    expect(frame.meta).toMatchObject({ cameraId: ids.a, size: 'full', bytes: jpeg.length });
    expect(frame.meta.at).toBeGreaterThan(Date.now() - 15_000);
    expect(admin.framesOf(ids.b)[0]!.meta.size).toBe('thumb');
  });

  it('never tells a viewer that a camera it may not see went down', { timeout: 60_000 }, async () => {
    const viewer = await connected(viewerCookie);
    const admin = await connected(adminCookie);
    await viewer.watch({ cameraIds: [ids.b], size: 'thumb' });
    await waitFor('B up', async () => ((await fetchStatus(ids.b)) === 'up' ? true : undefined), 20_000);
    await camB.stop();
    await waitFor('the admin to hear B is down', async () => (admin.statuses.some((s) => s.cameraId === ids.b && s.status === 'down') ? true : undefined), 30_000);
    expect(admin.outages.some((o) => o.cameraId === ids.b && o.state === 'opened' && o.id.startsWith(`${ids.b}:`))).toBe(true);
    expect(viewer.statuses.filter((s) => s.cameraId !== ids.a)).toEqual([]);
    expect(viewer.outages).toEqual([]);
    expect(viewer.frames.filter((f) => f.meta.cameraId === ids.b)).toEqual([]);
  });

  it('drops a camera from a viewer’s socket the moment the viewer may no longer see it', async () => {
    const viewer = await connected(viewerCookie);
    await viewer.watch({ cameraIds: [ids.a], size: 'full', fps: 2 });
    await waitFor('frames of A', async () => (viewer.framesOf(ids.a).length >= 1 ? true : undefined), 10_000);
    const res = await fetch(`${pantau.url}/api/cameras/${ids.a}`, {
      method: 'PATCH',
      headers: { cookie: adminCookie, 'content-type': 'application/json' },
      body: JSON.stringify({ agency: 'Dinas C' }),
    });
    expect(res.status).toBe(200);
    await sleep(600); // a frame already on the wire may still land
    const frames = viewer.frames.length;
    const statuses = viewer.statuses.length;
    await sleep(2500);
    expect(viewer.frames.length).toBe(frames);
    expect(viewer.statuses.length).toBe(statuses);
  });
});

async function fetchStatus(id: string): Promise<string> {
  const res = await fetch(`${pantau.url}/api/cameras/${id}/status`, { headers: { cookie: adminCookie } });
  return ((await res.json()) as { status: string }).status;
}
