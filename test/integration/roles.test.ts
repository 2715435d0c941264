/**
 * Every API route, tried as each role (and signed out). The list of routes comes from the
 * OpenAPI document, so a new route without a row here fails this test. Then the grant levels:
 * status only, pictures, live, and private cameras, over REST and the socket alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSnapshotSimulator } from '../support/index.js';
import { Client, signedInClients, startTestPantau, waitFor, type TestPantau } from '../support/pantau.js';
import { RecordingClient, sessionCookie, sleep } from './realtime-client.js';

type Who = 'anon' | 'admin' | 'owner' | 'stranger' | 'viewer';

let pantau: TestPantau;
let clients: Record<Who, Client>;
let ids: { owner: string; viewer: string; stranger: string };
let snapshotCam: HttpSnapshotSimulator;
const sockets: RecordingClient[] = [];

const camera = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  site: 'Masjid Agung Lasusua',
  agency: 'Dinas Komunikasi dan Informatika',
  rtspUrl: 'rtsp://127.0.0.1:8554/cam',
  ...extra,
});

beforeAll(async () => {
  pantau = await startTestPantau({ probes: { imageTimeoutMs: 5000 } });
  snapshotCam = new HttpSnapshotSimulator();
  await snapshotCam.start();
  const { admin, make } = await signedInClients(pantau);
  const owner = await make('pemilik', 'owner');
  const stranger = await make('orang-lain', 'owner');
  const viewer = await make('pengamat', 'viewer', [{ scope: 'agency', value: 'Dinas Komunikasi dan Informatika' }]);
  clients = { anon: new Client(pantau.url), admin, owner: owner.client, stranger: stranger.client, viewer: viewer.client };
  ids = { owner: owner.id, viewer: viewer.id, stranger: stranger.id };
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await pantau?.stop();
  await snapshotCam?.stop();
});

/** A fresh camera owned by `pemilik`, so destructive calls never depend on each other. */
async function ownedCamera(): Promise<string> {
  const res = await clients.admin.post('/api/cameras', camera(`Cam ${Math.random()}`, { owners: [ids.owner] }));
  expect(res.status).toBe(201);
  return res.body.id;
}
/** Like ownedCamera, with a picture to hand out. */
async function pictureCamera(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await clients.admin.post('/api/cameras', camera(`Pic ${Math.random()}`, { rtspUrl: null, snapshotUrl: snapshotCam.url, imageCheckIntervalSec: 86_400, owners: [ids.owner], ...extra }));
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

/** An outage of a fresh owned camera (its flip written to the store), so outage records have something to name. */
async function ownedOutage(): Promise<string> {
  const id = await ownedCamera();
  const at = Date.now() - 3_600_000;
  pantau.store.flips.insert({ cameraId: id, at, from: 'up', to: 'down', reason: 'unreachable' });
  return encodeURIComponent(`${id}:${at}`);
}
async function scratchUser(): Promise<string> {
  const res = await clients.admin.post('/api/users', { username: `u${Date.now()}${Math.floor(Math.random() * 1e6)}`, role: 'viewer', password: 'password123' });
  return res.body.id;
}

interface Row {
  method: string;
  path: string;
  call: (c: Client) => Promise<{ status: number }>;
  expect: Record<Who, number | number[]>;
}

const hook = { channel: 'webhook', address: 'http://127.0.0.1:9/hook' };
async function contactOf(c: Client): Promise<string> {
  const res = await c.post('/api/contacts', hook);
  return res.body?.id ?? 'none';
}

const csv = () => `name,site,agency,rtsp_url\nImported ${Math.random()},Pasar,Dinas Perdagangan,rtsp://127.0.0.1/x\n`;

const ROWS: Row[] = [
  { method: 'post', path: '/api/auth/login', call: (c) => c.post('/api/auth/login', { username: 'nobody', password: 'wrong-password' }), expect: { anon: 401, admin: 401, owner: 401, stranger: 401, viewer: 401 } },
  { method: 'get', path: '/api/me', call: (c) => c.get('/api/me'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'patch', path: '/api/me', call: (c) => c.patch('/api/me', { language: 'en' }), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'get', path: '/api/tokens', call: (c) => c.get('/api/tokens'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'post', path: '/api/tokens', call: (c) => c.post('/api/tokens', { name: 'script' }), expect: { anon: 401, admin: 201, owner: 201, stranger: 201, viewer: 201 } },
  {
    method: 'delete',
    path: '/api/tokens/{id}',
    call: async (c) => {
      const made = await c.post('/api/tokens', { name: 'to revoke' });
      return c.delete(`/api/tokens/${made.body?.id ?? 'none'}`);
    },
    expect: { anon: 401, admin: 204, owner: 204, stranger: 204, viewer: 204 },
  },
  { method: 'get', path: '/api/users', call: (c) => c.get('/api/users'), expect: { anon: 401, admin: 200, owner: 403, stranger: 403, viewer: 403 } },
  { method: 'post', path: '/api/users', call: (c) => c.post('/api/users', { username: `n${Math.floor(Math.random() * 1e9)}`, role: 'viewer', password: 'password123' }), expect: { anon: 401, admin: 201, owner: 403, stranger: 403, viewer: 403 } },
  { method: 'patch', path: '/api/users/{id}', call: async (c) => c.patch(`/api/users/${await scratchUser()}`, { displayName: 'X' }), expect: { anon: 401, admin: 200, owner: 403, stranger: 403, viewer: 403 } },
  { method: 'delete', path: '/api/users/{id}', call: async (c) => c.delete(`/api/users/${await scratchUser()}`), expect: { anon: 401, admin: 204, owner: 403, stranger: 403, viewer: 403 } },
  { method: 'get', path: '/api/cameras', call: (c) => c.get('/api/cameras'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'post', path: '/api/cameras', call: (c) => c.post('/api/cameras', camera('New')), expect: { anon: 401, admin: 201, owner: 403, stranger: 403, viewer: 403 } },
  { method: 'post', path: '/api/cameras/import', call: (c) => c.post('/api/cameras/import', csv(), { 'content-type': 'text/csv' }), expect: { anon: 401, admin: 200, owner: 403, stranger: 403, viewer: 403 } },
  { method: 'put', path: '/api/cameras/by-external-id/{externalId}', call: (c) => c.request('PUT', `/api/cameras/by-external-id/inv-${Math.random()}`, camera('Put')), expect: { anon: 401, admin: 201, owner: 403, stranger: 403, viewer: 403 } },
  { method: 'get', path: '/api/cameras/export', call: (c) => c.get('/api/cameras/export'), expect: { anon: 401, admin: 200, owner: 403, stranger: 403, viewer: 403 } },
  { method: 'get', path: '/api/cameras/{id}', call: async (c) => c.get(`/api/cameras/${await ownedCamera()}`), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 200 } },
  { method: 'patch', path: '/api/cameras/{id}', call: async (c) => c.patch(`/api/cameras/${await ownedCamera()}`, { name: 'Renamed' }), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 403 } },
  { method: 'delete', path: '/api/cameras/{id}', call: async (c) => c.delete(`/api/cameras/${await ownedCamera()}`), expect: { anon: 401, admin: 204, owner: 403, stranger: 403, viewer: 403 } },
  // The admin's answer depends on the network (nothing listens on port 1); what matters is that others are refused.
  { method: 'post', path: '/api/onvif/inspect', call: (c) => c.post('/api/onvif/inspect', { host: '127.0.0.1', port: 1 }), expect: { anon: 401, admin: 502, owner: 403, stranger: 403, viewer: 403 } },
  { method: 'post', path: '/api/onvif/discover', call: (c) => c.post('/api/onvif/discover', { timeoutMs: 500 }), expect: { anon: 401, admin: 200, owner: 403, stranger: 403, viewer: 403 } },
  // No image round has run in this test: a 404 that says there is no good picture yet, after the same visibility check.
  // A privacy mask is the admins' alone: not even the camera's owner may read or change it.
  { method: 'get', path: '/api/cameras/{id}/privacy-mask', call: async (c) => c.get(`/api/cameras/${await ownedCamera()}/privacy-mask`), expect: { anon: 401, admin: 200, owner: 403, stranger: 403, viewer: 403 } },
  {
    method: 'put',
    path: '/api/cameras/{id}/privacy-mask',
    call: async (c) => c.request('PUT', `/api/cameras/${await ownedCamera()}/privacy-mask`, { rects: [{ x: 0.1, y: 0.1, w: 0.2, h: 0.2 }] }),
    expect: { anon: 401, admin: 200, owner: 403, stranger: 403, viewer: 403 },
  },
  { method: 'get', path: '/api/cameras/{id}/last-good-picture', call: async (c) => c.get(`/api/cameras/${await ownedCamera()}/last-good-picture`), expect: { anon: 401, admin: 404, owner: 404, stranger: 404, viewer: 404 } },
  { method: 'get', path: '/api/cameras/{id}/status', call: async (c) => c.get(`/api/cameras/${await ownedCamera()}/status`), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 200 } },
  { method: 'get', path: '/api/cameras/{id}/uptime', call: async (c) => c.get(`/api/cameras/${await ownedCamera()}/uptime?window=7d`), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 200 } },
  { method: 'get', path: '/api/cameras/{id}/outages', call: async (c) => c.get(`/api/cameras/${await ownedCamera()}/outages`), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 200 } },
  { method: 'get', path: '/api/cameras/{id}/uptime/daily', call: async (c) => c.get(`/api/cameras/${await ownedCamera()}/uptime/daily?days=7`), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 200 } },
  { method: 'get', path: '/api/uptime', call: (c) => c.get('/api/uptime?window=7d'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'get', path: '/api/reports/agencies', call: (c) => c.get('/api/reports/agencies?window=7d'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'get', path: '/api/contacts', call: (c) => c.get('/api/contacts'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'get', path: '/api/contacts/channels', call: (c) => c.get('/api/contacts/channels'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'post', path: '/api/contacts', call: (c) => c.post('/api/contacts', hook), expect: { anon: 401, admin: 201, owner: 201, stranger: 201, viewer: 201 } },
  { method: 'patch', path: '/api/contacts/{id}', call: async (c) => c.patch(`/api/contacts/${await contactOf(c)}`, { language: 'en' }), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'delete', path: '/api/contacts/{id}', call: async (c) => c.delete(`/api/contacts/${await contactOf(c)}`), expect: { anon: 401, admin: 204, owner: 204, stranger: 204, viewer: 204 } },
  // Nothing listens at the hook's port, so the test message fails: the answer says so.
  { method: 'post', path: '/api/contacts/{id}/test', call: async (c) => c.post(`/api/contacts/${await contactOf(c)}/test`), expect: { anon: 401, admin: 502, owner: 502, stranger: 502, viewer: 502 } },
  { method: 'get', path: '/api/push/vapid-public-key', call: (c) => c.get('/api/push/vapid-public-key'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'get', path: '/api/alerts', call: (c) => c.get('/api/alerts'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'get', path: '/api/notifications', call: async (c) => c.get(`/api/notifications?cameraId=${await ownedCamera()}`), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 200 } },
  // The camera has no such outage: those allowed to ask learn that; others are refused first.
  { method: 'post', path: '/api/alerts/{id}/ack', call: async (c) => c.post(`/api/alerts/${await ownedCamera()}:1700000000000/ack`), expect: { anon: 401, admin: 404, owner: 404, stranger: 404, viewer: 403 } },
  { method: 'put', path: '/api/outages/{id}/record', call: async (c) => c.request('PUT', `/api/outages/${await ownedOutage()}/record`, { cause: 'power' }), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 403 } },
  { method: 'get', path: '/api/outages/{id}/records', call: async (c) => c.get(`/api/outages/${await ownedOutage()}/records`), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 200 } },
  { method: 'get', path: '/api/reports/innovations', call: (c) => c.get('/api/reports/innovations?by=agency'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'get', path: '/api/reports/causes', call: (c) => c.get('/api/reports/causes?by=site'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'get', path: '/api/mutes', call: (c) => c.get('/api/mutes'), expect: { anon: 401, admin: 200, owner: 200, stranger: 200, viewer: 200 } },
  { method: 'post', path: '/api/mutes', call: async (c) => c.post('/api/mutes', { cameraId: await ownedCamera(), until: new Date(Date.now() + 3_600_000).toISOString() }), expect: { anon: 401, admin: 201, owner: 201, stranger: 404, viewer: 403 } },
  {
    method: 'delete',
    path: '/api/mutes/{id}',
    call: async (c) => {
      const made = await clients.admin.post('/api/mutes', { cameraId: await ownedCamera(), until: new Date(Date.now() + 3_600_000).toISOString() });
      return c.delete(`/api/mutes/${made.body.id}`);
    },
    expect: { anon: 401, admin: 204, owner: 204, stranger: 403, viewer: 403 },
  },
  { method: 'get', path: '/api/cameras/{id}/snapshot', call: async (c) => c.get(`/api/cameras/${await pictureCamera()}/snapshot`), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 200 } },
  // A private camera's picture: its owners and admins; the viewer's agency grant (pictures) sees its status only.
  { method: 'get', path: '/api/cameras/{id}/snapshot', call: async (c) => c.get(`/api/cameras/${await pictureCamera({ private: true })}/snapshot?size=thumb`), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 403 } },
  { method: 'get', path: '/api/cameras/{id}/views', call: async (c) => c.get(`/api/cameras/${await ownedCamera()}/views`), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 403 } },
  { method: 'get', path: '/api/views', call: (c) => c.get('/api/views'), expect: { anon: 401, admin: 200, owner: 403, stranger: 403, viewer: 403 } },
  { method: 'post', path: '/api/auth/logout', call: (c) => c.post('/api/auth/logout'), expect: { anon: 204, admin: 204, owner: 204, stranger: 204, viewer: 204 } },
];

describe('grant levels: status only, pictures, live, and private cameras', () => {
  const AGENCY = 'Dinas Komunikasi dan Informatika';
  let open: string;
  let hidden: string;
  const who: Record<'status' | 'pictures' | 'live', { id: string; client: Client; cookie: string }> = {} as never;

  beforeAll(async () => {
    open = await pictureCamera();
    hidden = await pictureCamera({ private: true });
    const { make } = await signedInClients(pantau);
    const grants = {
      status: [{ scope: 'agency', value: AGENCY, level: 'status' }],
      pictures: [{ scope: 'agency', value: AGENCY, level: 'pictures' }],
      // Pictures of the agency, and live on the private camera: an explicit live grant.
      live: [{ scope: 'agency', value: AGENCY, level: 'pictures' }, { scope: 'camera', value: hidden, level: 'live' }],
    };
    for (const level of ['status', 'pictures', 'live'] as const) {
      const made = await make(`lvl-${level}`, 'viewer', grants[level]);
      who[level] = { ...made, cookie: await sessionCookie(pantau.url, `lvl-${level}`, `lvl-${level}-password`) };
    }
  });

  it('stores each grant with its level; a grant given without one shows pictures, as grants always did', async () => {
    const users = (await clients.admin.get('/api/users')).body as Array<{ username: string; grants: Array<{ scope: string; level: string }> }>;
    const levels = (name: string) => users.find((u) => u.username === name)!.grants.map((g) => `${g.scope}:${g.level}`).sort();
    expect(levels('lvl-status')).toEqual(['agency:status']);
    expect(levels('lvl-live')).toEqual(['agency:pictures', 'camera:live']);
    expect(levels('pengamat')).toEqual(['agency:pictures']);
    const bad = await clients.admin.post('/api/users', { username: 'lvl-bad', role: 'viewer', password: 'password123', grants: [{ scope: 'agency', value: AGENCY, level: 'everything' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('grants.0.level');
  });

  it('lists both cameras to every level, each with what the user may see of it', async () => {
    const access = async (c: Client) => {
      const list = (await c.get('/api/cameras')).body as Array<{ id: string; access: string; private: boolean }>;
      return [list.find((x) => x.id === open)?.access, list.find((x) => x.id === hidden)?.access];
    };
    expect(await access(who.status.client)).toEqual(['status', 'status']);
    expect(await access(who.pictures.client)).toEqual(['pictures', 'status']);
    expect(await access(who.live.client)).toEqual(['pictures', 'live']);
    expect(await access(clients.owner)).toEqual(['live', 'live']);
    expect((await who.status.client.get(`/api/cameras/${hidden}`)).body).toMatchObject({ private: true, access: 'status' });
  });

  it('hands out snapshots by level: status never, pictures except private cameras, live both', async () => {
    const code = async (c: Client, id: string) => (await c.get(`/api/cameras/${id}/snapshot`)).status;
    expect([await code(who.status.client, open), await code(who.status.client, hidden)]).toEqual([403, 403]);
    expect([await code(who.pictures.client, open), await code(who.pictures.client, hidden)]).toEqual([200, 403]);
    expect([await code(who.live.client, open), await code(who.live.client, hidden)]).toEqual([200, 200]);
    const refused = await who.status.client.get(`/api/cameras/${open}/snapshot`);
    expect(refused.body).toMatchObject({ error: 'picture_not_allowed' });
    // Status stays visible at every level.
    expect((await who.status.client.get(`/api/cameras/${hidden}/status`)).status).toBe(200);
  });

  it('sends frames over the socket by the same rule', async () => {
    const socketOf = async (cookie: string) => {
      const s = new RecordingClient(pantau.url, cookie);
      sockets.push(s);
      return s.connect();
    };
    const [st, pic, live] = await Promise.all([socketOf(who.status.cookie), socketOf(who.pictures.cookie), socketOf(who.live.cookie)]);
    const ask = { cameraIds: [open, hidden], size: 'thumb' as const };
    expect(await st.watch(ask)).toMatchObject({ ok: true, watching: [], denied: [open, hidden] });
    expect(await pic.watch(ask)).toMatchObject({ ok: true, watching: [open], denied: [hidden] });
    expect(await live.watch(ask)).toMatchObject({ ok: true, watching: [open, hidden] });
    await waitFor('frames of both cameras for the live grant', async () => (live.framesOf(open).length && live.framesOf(hidden).length ? true : undefined), 15_000);
    await waitFor('frames of the open camera for the pictures grant', async () => (pic.framesOf(open).length ? true : undefined), 15_000);
    await sleep(500);
    expect(st.frames).toHaveLength(0);
    expect(pic.framesOf(hidden)).toHaveLength(0);
    // Statuses still reach the status-only user.
    expect(st.snapshots[0]!.map((s) => s.cameraId)).toEqual(expect.arrayContaining([open, hidden]));
    for (const s of [st, pic, live]) s.close();
  });

  it('stops pictures at once when a camera is made private, and shows them again when it is not', async () => {
    const pic = new RecordingClient(pantau.url, who.pictures.cookie);
    sockets.push(pic);
    await pic.connect();
    expect(await pic.watch({ cameraIds: [open], size: 'thumb' })).toMatchObject({ watching: [open] });
    await waitFor('a first frame', async () => (pic.framesOf(open).length ? true : undefined), 15_000);
    const frameViewings = async () =>
      ((await clients.admin.get(`/api/views?userId=${who.pictures.id}&cameraId=${open}`)).body.items as Array<{ kind: string; end: string | null }>).filter((v) => v.kind === 'frames');
    await waitFor('one open frames viewing: this socket’s', async () => ((await frameViewings()).filter((v) => v.end === null).length === 1 ? true : undefined), 5000);
    expect((await clients.owner.patch(`/api/cameras/${open}`, { private: true })).status).toBe(200);
    expect((await who.pictures.client.get(`/api/cameras/${open}/snapshot`)).status).toBe(403);
    // The server dropped the watch itself: the viewing is closed without the client asking.
    await waitFor('the frames viewing to be closed', async () => ((await frameViewings()).every((v) => v.end !== null) ? true : undefined), 5000);
    expect(await pic.watch({ cameraIds: [open], size: 'thumb' })).toMatchObject({ watching: [], denied: [open] });
    expect((await clients.admin.patch(`/api/cameras/${open}`, { private: false })).status).toBe(200);
    expect((await who.pictures.client.get(`/api/cameras/${open}/snapshot`)).status).toBe(200);
  });

  it('takes private from the CSV import, and refuses a value that is not yes or no', async () => {
    const name = `Imported private ${Math.random()}`;
    const csvText = `name,site,agency,snapshot_url,private\n${name},Pasar,${AGENCY},${snapshotCam.url},ya\n`;
    const res = await clients.admin.post('/api/cameras/import', csvText, { 'content-type': 'text/csv' });
    expect(res.status, res.text).toBe(200);
    const made = ((await clients.admin.get('/api/cameras')).body as Array<{ name: string; private: boolean }>).find((c) => c.name === name);
    expect(made?.private).toBe(true);
    const bad = await clients.admin.post('/api/cameras/import', `name,site,agency,snapshot_url,private\nX,Pasar,${AGENCY},${snapshotCam.url},mungkin\n`, { 'content-type': 'text/csv' });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('private');
  });

  it('lowers a user to status only when the admin changes the grant’s level', async () => {
    const res = await clients.admin.patch(`/api/users/${who.pictures.id}`, { grants: [{ scope: 'agency', value: AGENCY, level: 'status' }] });
    expect(res.status).toBe(200);
    expect((await who.pictures.client.get(`/api/cameras/${open}/snapshot`)).status).toBe(403);
  });
});

describe('roles on every route', () => {
  it('covers every route in the OpenAPI document', async () => {
    const doc = (await clients.anon.get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const tested = ROWS.map((r) => `${r.method} ${r.path}`);
    expect(documented.sort()).toEqual([...new Set(tested)].sort());
  });

  // Logout runs last: it ends the sessions the other rows use.
  for (const row of ROWS) {
    for (const who of ['anon', 'viewer', 'stranger', 'owner', 'admin'] as Who[]) {
      it(`${row.method.toUpperCase()} ${row.path} as ${who} → ${String(row.expect[who])}`, async () => {
        const res = await row.call(clients[who]);
        const expected = row.expect[who];
        if (Array.isArray(expected)) expect(expected).toContain(res.status);
        else expect(res.status).toBe(expected);
      });
    }
  }
});
