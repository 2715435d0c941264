/**
 * Every API route, tried as each role (and signed out). The list of routes comes from the
 * OpenAPI document, so a new route without a row here fails this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

type Who = 'anon' | 'admin' | 'owner' | 'stranger' | 'viewer';

let pantau: TestPantau;
let clients: Record<Who, Client>;
let ids: { owner: string; viewer: string; stranger: string };

const camera = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  site: 'Masjid Agung Lasusua',
  agency: 'Dinas Komunikasi dan Informatika',
  rtspUrl: 'rtsp://127.0.0.1:8554/cam',
  ...extra,
});

beforeAll(async () => {
  pantau = await startTestPantau();
  const { admin, make } = await signedInClients(pantau);
  const owner = await make('pemilik', 'owner');
  const stranger = await make('orang-lain', 'owner');
  const viewer = await make('pengamat', 'viewer', [{ scope: 'agency', value: 'Dinas Komunikasi dan Informatika' }]);
  clients = { anon: new Client(pantau.url), admin, owner: owner.client, stranger: stranger.client, viewer: viewer.client };
  ids = { owner: owner.id, viewer: viewer.id, stranger: stranger.id };
});
afterAll(() => pantau.stop());

/** A fresh camera owned by `pemilik`, so destructive calls never depend on each other. */
async function ownedCamera(): Promise<string> {
  const res = await clients.admin.post('/api/cameras', camera(`Cam ${Math.random()}`, { owners: [ids.owner] }));
  expect(res.status).toBe(201);
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
  { method: 'get', path: '/api/cameras/{id}', call: async (c) => c.get(`/api/cameras/${await ownedCamera()}`), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 200 } },
  { method: 'patch', path: '/api/cameras/{id}', call: async (c) => c.patch(`/api/cameras/${await ownedCamera()}`, { name: 'Renamed' }), expect: { anon: 401, admin: 200, owner: 200, stranger: 404, viewer: 403 } },
  { method: 'delete', path: '/api/cameras/{id}', call: async (c) => c.delete(`/api/cameras/${await ownedCamera()}`), expect: { anon: 401, admin: 204, owner: 403, stranger: 403, viewer: 403 } },
  // The admin's answer depends on the network (nothing listens on port 1); what matters is that others are refused.
  { method: 'post', path: '/api/onvif/inspect', call: (c) => c.post('/api/onvif/inspect', { host: '127.0.0.1', port: 1 }), expect: { anon: 401, admin: 502, owner: 403, stranger: 403, viewer: 403 } },
  { method: 'post', path: '/api/onvif/discover', call: (c) => c.post('/api/onvif/discover', { timeoutMs: 500 }), expect: { anon: 401, admin: 200, owner: 403, stranger: 403, viewer: 403 } },
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
  { method: 'post', path: '/api/auth/logout', call: (c) => c.post('/api/auth/logout'), expect: { anon: 204, admin: 204, owner: 204, stranger: 204, viewer: 204 } },
];

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
