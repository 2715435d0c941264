/**
 * Idempotent onboarding through the real HTTP API: a script that PUTs cameras by the admin's
 * own inventory id, run twice, leaves the same cameras with the same ids; a POST that would
 * duplicate an external id is refused and pointed at the PUT; a CSV with external ids updates
 * its cameras on the second import and says per row what it did; the export imports back as is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

let pantau: TestPantau;
let admin: Client;
let owner: Client;
let viewer: Client;
let ownerId: string;

const put = (c: Client, externalId: string, body: unknown) => c.request('PUT', `/api/cameras/by-external-id/${encodeURIComponent(externalId)}`, body);

/** What an onboarding script sends: the inventory, one PUT per device. */
const INVENTORY = [
  { externalId: 'INV-001', name: 'Router Masjid', site: 'Masjid Agung', agency: 'Diskominfo', onvif: { host: '127.0.0.1', port: 8080, username: 'admin', password: 'rahasia-01' } },
  { externalId: 'INV-002', name: 'CCTV Masjid Depan', site: 'Masjid Agung', agency: 'Diskominfo', rtspUrl: 'rtsp://127.0.0.21/101?user=op&pwd=rahasia-02', owners: ['pemilik'], tags: ['masjid'] },
  { externalId: 'INV-003', name: 'CCTV Pasar', site: 'Pasar Lasusua', agency: 'Disperindag', snapshotUrl: 'http://127.0.0.22/snap.jpg', snapshotAuth: { username: 'op', password: 'rahasia-03' } },
];

async function runScript(): Promise<number[]> {
  const statuses: number[] = [];
  for (const { externalId, ...camera } of INVENTORY) statuses.push((await put(admin, externalId, camera)).status);
  return statuses;
}

async function cameras(): Promise<any[]> {
  return (await admin.get('/api/cameras')).body;
}

beforeAll(async () => {
  pantau = await startTestPantau();
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  const made = await clients.make('pemilik', 'owner');
  ownerId = made.id;
  owner = made.client;
  viewer = (await clients.make('pengamat', 'viewer', [{ scope: 'agency', value: 'Diskominfo' }])).client;
});
afterAll(() => pantau.stop());

describe('onboarding by external id', () => {
  it('the same script run twice gives the same cameras with the same ids, and the second run changes nothing', async () => {
    expect(await runScript()).toEqual([201, 201, 201]);
    const first = await cameras();
    expect(first.map((c) => c.externalId).sort()).toEqual(['INV-001', 'INV-002', 'INV-003']);
    expect(first.find((c) => c.externalId === 'INV-002')).toMatchObject({ owners: [ownerId], rtspUrl: 'rtsp://127.0.0.21/101?user=op&pwd=***' });

    expect(await runScript()).toEqual([200, 200, 200]);
    const second = await cameras();
    expect(second.map((c) => [c.id, c.externalId, c.updatedAt])).toEqual(first.map((c) => [c.id, c.externalId, c.updatedAt]));
    expect(JSON.stringify(admin.received)).not.toMatch(/rahasia/);
  });

  it('a changed inventory updates the camera in place; left-out passwords are kept', async () => {
    const before = (await cameras()).find((c) => c.externalId === 'INV-001');
    const res = await put(admin, 'INV-001', { name: 'Router Masjid Agung', site: 'Masjid Agung', agency: 'Diskominfo', onvif: { host: '127.0.0.1', port: 8080, username: 'admin' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: before.id, externalId: 'INV-001', name: 'Router Masjid Agung', onvif: { hasPassword: true } });
    expect((await cameras()).length).toBe(3);
  });

  it('a POST with an external id in use answers 409 naming the camera and the PUT, and writes nothing', async () => {
    const holder = (await cameras()).find((c) => c.externalId === 'INV-003');
    const res = await admin.post('/api/cameras', { externalId: ' INV-003 ', name: 'Duplikat', site: 'Pasar Lasusua', agency: 'Disperindag', rtspUrl: 'rtsp://127.0.0.23/x' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'external_id_taken', params: { id: holder.id, externalId: 'INV-003', put: '/api/cameras/by-external-id/INV-003' } });
    expect(res.body.issues[0]).toMatchObject({ path: 'externalId', code: 'external_id_taken' });
    expect((await cameras()).length).toBe(3);
  });

  it('a PATCH cannot take another camera\'s external id; a new one is set and cleared', async () => {
    const [a, b] = (await cameras()).filter((c) => c.externalId === 'INV-001' || c.externalId === 'INV-002');
    const taken = await admin.patch(`/api/cameras/${a.id}`, { externalId: b.externalId });
    expect(taken.status).toBe(409);
    expect(taken.body.params.id).toBe(b.id);
    const posted = await admin.post('/api/cameras', { name: 'Tanpa inventaris', site: 'Kantor', agency: 'Diskominfo', rtspUrl: 'rtsp://127.0.0.24/x' });
    expect(posted.body.externalId).toBeNull();
    expect((await admin.patch(`/api/cameras/${posted.body.id}`, { externalId: 'INV-100' })).body.externalId).toBe('INV-100');
    expect((await admin.patch(`/api/cameras/${posted.body.id}`, { externalId: null })).body.externalId).toBeNull();
  });

  it('refuses bad external ids and bodies with the usual validation answer', async () => {
    const body = { name: 'X', site: 'S', agency: 'A', rtspUrl: 'rtsp://127.0.0.25/x' };
    const long = await put(admin, 'x'.repeat(129), body);
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ error: 'validation_failed', issues: [{ path: 'params.externalId', code: 'too_big' }] });
    const blank = await put(admin, '   ', body);
    expect(blank.status).toBe(400);
    expect(blank.body.issues[0]).toMatchObject({ path: 'params.externalId', code: 'too_small' });
    const mismatch = await put(admin, 'INV-200', { ...body, externalId: 'INV-201' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.issues[0]).toMatchObject({ path: 'externalId', code: 'external_id_mismatch' });
    const bad = await put(admin, 'INV-200', { site: 'S', agency: 'A' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toContain('name');
    const post = await admin.post('/api/cameras', { ...body, externalId: '' });
    expect(post.status).toBe(400);
    expect(post.body.issues[0]).toMatchObject({ path: 'externalId', code: 'too_small' });
    expect((await cameras()).some((c) => c.externalId === 'INV-200')).toBe(false);
  });

  it('refuses owners and viewers (403), and an owner may not change a camera\'s external id', async () => {
    const body = { name: 'X', site: 'Masjid Agung', agency: 'Diskominfo', rtspUrl: 'rtsp://127.0.0.26/x' };
    expect((await put(owner, 'INV-300', body)).status).toBe(403);
    expect((await put(viewer, 'INV-300', body)).status).toBe(403);
    expect((await put(viewer, 'INV-002', body)).status).toBe(403);
    const own = (await cameras()).find((c) => c.externalId === 'INV-002');
    expect((await owner.patch(`/api/cameras/${own.id}`, { externalId: 'MINE' })).status).toBe(403);
    expect((await owner.patch(`/api/cameras/${own.id}`, { name: 'CCTV Masjid Depan' })).status).toBe(200);
    expect((await owner.get(`/api/cameras/${own.id}`)).body.externalId).toBe('INV-002');
    expect((await cameras()).some((c) => c.externalId === 'INV-300')).toBe(false);
  });
});

describe('the OpenAPI document', () => {
  it('describes the PUT by external id, the 409, externalId in and out, and the per-row actions', async () => {
    const doc = (await new Client(pantau.url).get('/api/openapi.json')).body;
    const putOp = doc.paths['/api/cameras/by-external-id/{externalId}'].put;
    expect(Object.keys(putOp.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '403']));
    expect(putOp.parameters[0]).toMatchObject({ name: 'externalId', in: 'path', schema: { minLength: 1, maxLength: 128 } });
    expect(doc.paths['/api/cameras'].post.responses['409'].description).toContain('external_id_taken');
    expect(doc.components.schemas.CameraInput.properties.externalId).toMatchObject({ maxLength: 128 });
    expect(doc.components.schemas.Camera.properties).toHaveProperty('externalId');
    expect(doc.components.schemas.ImportReport.properties.rows.items.properties.action.enum).toEqual(['created', 'updated', 'unchanged']);
    expect(doc.paths['/api/cameras/export'].get.responses['200'].content).toHaveProperty('text/csv');
  });
});

describe('CSV import and export by external id', () => {
  const csv = (rows: string[]) => ['external_id,name,site,agency,rtsp_url,owners,tags', ...rows].join('\n');
  const post = (body: string, query = '') => admin.post(`/api/cameras/import${query}`, body, { 'content-type': 'text/csv' });
  const FILE = csv([
    'CSV-1,Kamera Balai,Balai Desa,Diskominfo,rtsp://127.0.0.31/a,pemilik,balai',
    'CSV-2,Kamera Puskesmas,Puskesmas,Dinkes,rtsp://127.0.0.32/a,,',
  ]);

  it('a second import of the same file creates nothing, and says so per row', async () => {
    const first = await post(FILE);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ imported: 2, created: 2, updated: 0, unchanged: 0 });
    const ids = first.body.rows.map((r: { id: string }) => r.id);
    const count = (await cameras()).length;

    const again = await post(FILE);
    expect(again.body).toMatchObject({ imported: 0, created: 0, updated: 0, unchanged: 2 });
    expect(again.body.rows.map((r: { id: string; action: string }) => [r.id, r.action])).toEqual([[ids[0], 'unchanged'], [ids[1], 'unchanged']]);
    expect((await cameras()).length).toBe(count);
  });

  it('a changed row updates its camera (a dry run says so first and writes nothing); new ids are created', async () => {
    const count = (await cameras()).length;
    const changed = csv([
      'CSV-1,Kamera Balai Desa,Balai Desa,Diskominfo,rtsp://127.0.0.31/a,pemilik,balai',
      'CSV-2,Kamera Puskesmas,Puskesmas,Dinkes,rtsp://127.0.0.32/a,,',
      'CSV-3,Kamera Sekolah,SD 1,Disdik,rtsp://127.0.0.33/a,,',
    ]);
    const dry = await post(changed, '?dryRun=true');
    expect(dry.body).toMatchObject({ imported: 0, created: 1, updated: 1, unchanged: 1, dryRun: true });
    expect(dry.body.rows.map((r: { action: string }) => r.action)).toEqual(['updated', 'unchanged', 'created']);
    expect((await cameras()).find((c) => c.externalId === 'CSV-1').name).toBe('Kamera Balai');

    const real = await post(changed);
    expect(real.body).toMatchObject({ imported: 2, created: 1, updated: 1, unchanged: 1 });
    const after = await cameras();
    expect(after.length).toBe(count + 1);
    expect(after.find((c) => c.externalId === 'CSV-1')).toMatchObject({ name: 'Kamera Balai Desa', owners: [ownerId], tags: ['balai'] });
  });

  it('columns left out of the file keep their values on update', async () => {
    const res = await post('external_id,name,site,agency\nCSV-1,Kamera Balai Desa,Balai Desa Baru,Diskominfo\n');
    expect(res.body).toMatchObject({ updated: 1 });
    expect((await cameras()).find((c) => c.externalId === 'CSV-1')).toMatchObject({ site: 'Balai Desa Baru', owners: [ownerId], rtspUrl: 'rtsp://127.0.0.31/a', tags: ['balai'] });
  });

  it('refuses an external id twice in one file, naming the first row', async () => {
    const res = await post(csv(['CSV-9,A,S,Diskominfo,rtsp://127.0.0.41/a,,', 'CSV-9,B,S,Diskominfo,rtsp://127.0.0.42/a,,']));
    expect(res.status).toBe(422);
    expect(res.body.rows[1].issues[0]).toMatchObject({ path: 'externalId', code: 'external_id_repeated', params: { row: 2 } });
    expect((await cameras()).some((c) => c.externalId === 'CSV-9')).toBe(false);
  });

  it('the export carries external ids and imports back unchanged', async () => {
    const exported = await admin.get('/api/cameras/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('text/csv');
    expect(exported.text.split('\r\n')[0]).toMatch(/^external_id,name,site,/);
    expect(exported.text).toContain('"CSV-1"');
    expect(exported.text).toContain('pwd=***');
    expect(exported.text).not.toMatch(/rahasia/);
    const before = await cameras();
    const res = await post(exported.text);
    expect(res.status).toBe(200);
    const withIds = res.body.rows.filter((r: { id: string | null }) => before.find((c) => c.id === r.id)?.externalId);
    expect(withIds.length).toBe(before.filter((c) => c.externalId).length);
    expect(withIds.every((r: { action: string }) => r.action === 'unchanged')).toBe(true);
  });

  it('refuses the export and the import to owners and viewers', async () => {
    expect((await owner.get('/api/cameras/export')).status).toBe(403);
    expect((await viewer.post('/api/cameras/import', FILE, { 'content-type': 'text/csv' })).status).toBe(403);
  });
});
