/**
 * The viewing record over real HTTP and socket.io: a snapshot is one viewing, frames watched
 * are one viewing from watch to unwatch (or disconnect) with the bytes sent; a camera's owners
 * and admins read who watched it, admins read and filter everything, page through it and export
 * CSV; retention (applied at start and daily) is the only way rows leave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSnapshotSimulator } from '../support/index.js';
import { ADMIN_PASSWORD, Client, signedInClients, startTestPantau, waitFor, type TestPantau } from '../support/pantau.js';
import { RecordingClient, sessionCookie } from './realtime-client.js';

const DAY = 86_400_000;
let pantau: TestPantau;
let cam: HttpSnapshotSimulator;
let admin: Client;
let owner: Client;
let viewer: Client;
let viewerId: string;
let cameraId: string;
const UA = 'Mozilla/5.0 (Linux; Android 10; Redmi 9A) Chrome/120';

type Row = { id: number; userId: string; username: string | null; cameraId: string; kind: string; start: string; end: string | null; address: string | null; client: string | null; bytes: number };

async function views(c: Client, query = ''): Promise<{ items: Row[]; total: number; next: number | null }> {
  const res = await c.get(`/api/views${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

beforeAll(async () => {
  cam = new HttpSnapshotSimulator();
  await cam.start();
  pantau = await startTestPantau({ probes: { imageTimeoutMs: 5000 }, audit: { viewRetentionDays: 30 } });
  const made = await signedInClients(pantau);
  admin = made.admin;
  const o = await made.make('pemilik', 'owner');
  owner = o.client;
  const v = await made.make('pengamat', 'viewer', [{ scope: 'agency', value: 'Dinas A' }]);
  viewer = v.client;
  viewerId = v.id;
  const res = await admin.post('/api/cameras', { name: 'Pasar', site: 'Pasar', agency: 'Dinas A', snapshotUrl: cam.url, imageCheckIntervalSec: 86_400, owners: [o.id] });
  expect(res.status, res.text).toBe(201);
  cameraId = res.body.id;
});

afterAll(async () => {
  await pantau?.stop();
  await cam?.stop();
});

describe('the viewing record', () => {
  it('records a snapshot as one closed viewing with its bytes, address and client', async () => {
    const res = await fetch(`${pantau.url}/api/cameras/${cameraId}/snapshot`, { headers: { cookie: await sessionCookie(pantau.url, 'pengamat', 'pengamat-password'), 'user-agent': UA } });
    expect(res.status).toBe(200);
    const size = (await res.arrayBuffer()).byteLength;
    const [row] = (await views(admin, `?userId=${viewerId}`)).items;
    expect(row).toMatchObject({ userId: viewerId, username: 'pengamat', cameraId, kind: 'snapshot', address: '127.0.0.1', client: UA, bytes: size });
    expect(row!.end).toBe(row!.start);
  });

  it('records frames watched as one viewing from watch to unwatch, with the bytes sent', async () => {
    const socket = await new RecordingClient(pantau.url, await sessionCookie(pantau.url, 'pengamat', 'pengamat-password'), { 'user-agent': UA }).connect();
    try {
      await socket.watch({ cameraIds: [cameraId], size: 'full', fps: 2 });
      await waitFor('two frames', async () => (socket.framesOf(cameraId).length >= 2 ? true : undefined), 15_000);
      // Watching again (the page re-sends its set) keeps the same viewing.
      await socket.watch({ cameraIds: [cameraId], size: 'full', fps: 2 });
      const open = (await views(admin, `?userId=${viewerId}`)).items.filter((r) => r.kind === 'frames');
      expect(open).toHaveLength(1);
      expect(open[0]!.end).toBeNull();
      await socket.unwatch();
      const sent = socket.framesOf(cameraId).reduce((n, f) => n + f.meta.bytes, 0);
      const [closed] = (await views(admin, `?userId=${viewerId}`)).items.filter((r) => r.kind === 'frames');
      expect(closed).toMatchObject({ end: expect.any(String), bytes: sent, client: UA, address: '127.0.0.1' });
    } finally {
      socket.close();
    }
  });

  it('closes a viewing when the socket goes away without unwatching', async () => {
    const socket = await new RecordingClient(pantau.url, await sessionCookie(pantau.url, 'pengamat', 'pengamat-password')).connect();
    await socket.watch({ cameraIds: [cameraId], size: 'thumb' });
    await waitFor('a frame', async () => (socket.framesOf(cameraId).length ? true : undefined), 15_000);
    socket.close();
    await waitFor('every viewing closed', async () => ((await views(admin)).items.every((r) => r.end !== null) ? true : undefined), 5000);
    expect((await views(admin, `?userId=${viewerId}`)).total).toBe(3);
  });

  it('shows who watched a camera to its owners and admins, not to viewers', async () => {
    const ownerAnswer = await owner.get(`/api/cameras/${cameraId}/views`);
    expect(ownerAnswer.status).toBe(200);
    expect(ownerAnswer.body.items.map((r: Row) => r.username)).toContain('pengamat');
    expect((await viewer.get(`/api/cameras/${cameraId}/views`)).status).toBe(403);
    expect((await viewer.get('/api/views')).status).toBe(403);
  });

  it('filters by time and pages', async () => {
    const all = await views(admin, `?cameraId=${cameraId}`);
    expect(all.total).toBeGreaterThanOrEqual(3);
    const first = await views(admin, `?cameraId=${cameraId}&limit=1`);
    expect(first.items).toHaveLength(1);
    expect(first.next).toBe(1);
    const second = await views(admin, `?cameraId=${cameraId}&limit=1&offset=1`);
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
    const future = new Date(Date.now() + DAY).toISOString();
    expect((await views(admin, `?from=${encodeURIComponent(future)}`)).total).toBe(0);
    expect((await views(admin, `?to=${encodeURIComponent(future)}&cameraId=${cameraId}`)).total).toBe(all.total);
    const bad = await admin.get('/api/views?from=yesterday');
    expect(bad.status).toBe(400);
  });

  it('exports the filtered record as CSV', async () => {
    const res = await admin.request('GET', `/api/views?userId=${viewerId}`, undefined, { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,user_id,username,camera_id,camera,kind,start,end,address,client,bytes');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => l.split(',')[5]).sort()).toEqual(['frames', 'frames', 'snapshot']);
  });

  it('removes viewings past the retention at start, and keeps the rest', async () => {
    const now = Date.now();
    pantau.store.viewings.open({ userId: viewerId, cameraId, kind: 'live', start: now - 40 * DAY, end: now - 40 * DAY + 60_000, bytes: 10, address: null, client: null });
    pantau.store.viewings.open({ userId: viewerId, cameraId, kind: 'live', start: now - 20 * DAY, end: now - 20 * DAY + 60_000, bytes: 10, address: null, client: null });
    expect((await views(admin, `?userId=${viewerId}`)).total).toBe(5);
    const dir = pantau.dataDir;
    await pantau.stop({ keepData: true });
    pantau = await startTestPantau({ probes: { imageTimeoutMs: 5000 }, audit: { viewRetentionDays: 30 } }, dir);
    admin = await new Client(pantau.url).login('admin', ADMIN_PASSWORD);
    const kept = (await views(admin, `?userId=${viewerId}`)).items;
    expect(kept).toHaveLength(4);
    expect(kept.filter((r) => r.kind === 'live')).toHaveLength(1);
  });
});
