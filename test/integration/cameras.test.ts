/** The camera registry over REST: shapes, validation, ownership and grants. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client} from '../support/pantau.js';
import { signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

let pantau: TestPantau;
let admin: Client;
let make: Awaited<ReturnType<typeof signedInClients>>['make'];

const masjid = {
  name: 'CCTV Masjid Agung Lasusua',
  site: 'Masjid Agung Lasusua',
  location: { lat: -3.45, lng: 120.85, address: 'Lasusua, Kolaka Utara' },
  innovation: { name: 'Pantau Masjid Agung', launchedOn: '2021-08-17' },
  agency: 'Dinas Komunikasi dan Informatika',
  onvif: { host: '127.0.0.21', port: 80, username: 'admin', password: 'kata-rahasia-onvif' },
  rtspUrl: 'rtsp://127.0.0.21:554/Streaming/Channels/101',
  snapshotUrl: 'http://127.0.0.21/ISAPI/Streaming/channels/101/picture',
  checkIntervalSec: 30,
  imageCheckIntervalSec: 300,
  enabled: true,
  tags: ['masjid'],
  parentId: null,
};

beforeAll(async () => {
  pantau = await startTestPantau();
  ({ admin, make } = await signedInClients(pantau));
});
afterAll(() => pantau.stop());

describe('camera registry', () => {
  it('stores the documented shape and gives it back without secrets', async () => {
    const owner = await make('dinas-owner', 'owner');
    const created = await admin.post('/api/cameras', { ...masjid, owners: [owner.id] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: masjid.name,
      site: masjid.site,
      location: masjid.location,
      innovation: masjid.innovation,
      agency: masjid.agency,
      owners: [owner.id],
      onvif: { host: '127.0.0.21', port: 80, username: 'admin', hasPassword: true },
      rtspUrl: masjid.rtspUrl,
      snapshotUrl: masjid.snapshotUrl,
      checkIntervalSec: 30,
      imageCheckIntervalSec: 300,
      enabled: true,
      tags: ['masjid'],
      parentId: null,
    });
    expect(created.body.onvif).not.toHaveProperty('password');
    const { status, ...fetched } = (await admin.get(`/api/cameras/${created.body.id}`)).body;
    expect(fetched).toEqual(created.body);
    expect(status).toMatchObject({ status: 'unknown' });
  });

  it('fills defaults: 30 s checks, 300 s image checks, enabled, no tags', async () => {
    const res = await admin.post('/api/cameras', { name: 'Pasar', site: 'Pasar Sentral', agency: 'Dinas Perdagangan', snapshotUrl: 'http://127.1.1.1/snap.jpg' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ checkIntervalSec: 30, imageCheckIntervalSec: 300, enabled: true, tags: [], owners: [], onvif: null, rtspUrl: null });
  });

  it('answers 400 with each bad field’s path and reason', async () => {
    const res = await admin.post('/api/cameras', {
      ...masjid,
      name: '',
      checkIntervalSec: 4,
      location: { lat: 95, lng: 120 },
      innovation: { name: 'X', launchedOn: '17-08-2021' },
      onvif: { host: 'http://127.0.0.21/onvif', port: 70000 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_failed');
    const paths = (res.body.issues as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual(['checkIntervalSec', 'innovation.launchedOn', 'location.lat', 'name', 'onvif.host', 'onvif.port']);
  });

  it.each([
    ['rtspUrl', 'http://127.0.0.21/stream', 'scheme "http:" is not allowed'],
    ['rtspUrl', 'file:///etc/passwd', 'scheme "file:" is not allowed'],
    ['snapshotUrl', 'rtsp://127.0.0.21/stream', 'scheme "rtsp:" is not allowed'],
    ['snapshotUrl', 'javascript:alert(1)', 'is not allowed'],
    ['snapshotUrl', 'ftp://127.0.0.21/snap.jpg', 'scheme "ftp:" is not allowed'],
    ['rtspUrl', 'not a url', 'not a valid URL'],
  ])('refuses %s %s', async (field, url, reason) => {
    const res = await admin.post('/api/cameras', { name: 'X', site: 'S', agency: 'A', [field]: url });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([expect.objectContaining({ path: field, message: expect.stringContaining(reason) })]);
  });

  it('accepts checkIntervalSec from 5 to 3600 only', async () => {
    for (const [value, status] of [[5, 201], [3600, 201], [3601, 400], [4.5, 400]] as const) {
      const res = await admin.post('/api/cameras', { name: 'I', site: 'S', agency: 'A', rtspUrl: 'rtsps://127.0.0.1/x', checkIntervalSec: value });
      expect(res.status, `checkIntervalSec ${value}`).toBe(status);
    }
  });

  it('needs at least one of onvif, rtspUrl, snapshotUrl', async () => {
    const res = await admin.post('/api/cameras', { name: 'X', site: 'S', agency: 'A' });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].message).toContain('at least one of onvif, rtspUrl or snapshotUrl');
  });

  it('refuses unknown fields, unknown owners, viewers as owners, missing and looping parents', async () => {
    const viewer = await make('just-a-viewer', 'viewer');
    const base = { name: 'X', site: 'S', agency: 'A', rtspUrl: 'rtsp://127.0.0.1/x' };
    expect((await admin.post('/api/cameras', { ...base, colour: 'red' })).body.issues[0].message).toContain('colour');
    const badOwners = await admin.post('/api/cameras', { ...base, owners: ['no-such-user', viewer.id] });
    expect(badOwners.body.issues.map((i: { path: string }) => i.path)).toEqual(['owners.0', 'owners.1']);
    expect((await admin.post('/api/cameras', { ...base, parentId: 'nope' })).body.issues[0].path).toBe('parentId');

    const router = (await admin.post('/api/cameras', { ...base, name: 'Router' })).body.id;
    const child = (await admin.post('/api/cameras', { ...base, name: 'Child', parentId: router })).body.id;
    const loop = await admin.patch(`/api/cameras/${router}`, { parentId: child });
    expect(loop.status).toBe(400);
    expect(loop.body.issues[0].message).toContain('loop');
    expect((await admin.patch(`/api/cameras/${router}`, { parentId: router })).body.issues[0].message).toContain('own parent');
  });

  it('PATCH changes only what it names and keeps stored passwords while their endpoint stays put', async () => {
    const created = (await admin.post('/api/cameras', { ...masjid, name: 'Patch me', rtspUrl: 'rtsp://user:pw-rtsp@127.0.0.9/live' })).body;
    expect(created.rtspUrl).toBe('rtsp://127.0.0.9/live');
    expect(created.rtspAuth).toEqual({ username: 'user', hasPassword: true });
    const patched = await admin.patch(`/api/cameras/${created.id}`, { name: 'Patched', onvif: { host: '127.0.0.22', port: 8000, username: 'admin' }, rtspUrl: 'rtsp://127.0.0.9/other' });
    expect(patched.status).toBe(200);
    // The ONVIF password was given for 127.0.0.21:80, so it goes with that address; the stream moved
    // only its path, so its password stays (test/security/credential-theft.test.ts).
    expect(patched.body).toMatchObject({ name: 'Patched', site: masjid.site, onvif: { host: '127.0.0.22', port: 8000, hasPassword: false }, rtspAuth: { username: 'user', hasPassword: true }, rtspUrl: 'rtsp://127.0.0.9/other' });
    const given = await admin.patch(`/api/cameras/${created.id}`, { onvif: { host: '127.0.0.22', port: 8000, username: 'admin', password: 'baru' } });
    expect(given.body.onvif.hasPassword).toBe(true);
    const cleared = await admin.patch(`/api/cameras/${created.id}`, { onvif: { host: '127.0.0.22', password: null }, rtspAuth: null });
    expect(cleared.body.onvif.hasPassword).toBe(false);
    expect(cleared.body.rtspAuth).toBeNull();
    expect((await admin.patch(`/api/cameras/${created.id}`, { checkIntervalSec: 1 })).status).toBe(400);
    expect((await admin.get(`/api/cameras/${created.id}`)).body.checkIntervalSec).toBe(30);
  });

  it('DELETE removes the camera and frees its children', async () => {
    const parent = (await admin.post('/api/cameras', { name: 'Recorder', site: 'S', agency: 'A', rtspUrl: 'rtsp://127.0.0.1/r' })).body.id;
    const child = (await admin.post('/api/cameras', { name: 'Cam', site: 'S', agency: 'A', rtspUrl: 'rtsp://127.0.0.1/c', parentId: parent })).body.id;
    expect((await admin.delete(`/api/cameras/${parent}`)).status).toBe(204);
    expect((await admin.get(`/api/cameras/${parent}`)).status).toBe(404);
    expect((await admin.get(`/api/cameras/${child}`)).body.parentId).toBeNull();
    expect((await admin.delete(`/api/cameras/${parent}`)).status).toBe(404);
  });
});

describe('who sees and edits what', () => {
  it('honours grants by agency, by site and camera by camera in lists and single routes', async () => {
    const agencyCam = (await admin.post('/api/cameras', { name: 'G1', site: 'Kantor Bupati', agency: 'Bagian Umum', rtspUrl: 'rtsp://127.0.0.1/1' })).body.id;
    const siteCam = (await admin.post('/api/cameras', { name: 'G2', site: 'Puskesmas Lasusua', agency: 'Dinas Kesehatan', rtspUrl: 'rtsp://127.0.0.1/2' })).body.id;
    const oneCam = (await admin.post('/api/cameras', { name: 'G3', site: 'Terminal', agency: 'Dinas Perhubungan', rtspUrl: 'rtsp://127.0.0.1/3' })).body.id;
    const hidden = (await admin.post('/api/cameras', { name: 'G4', site: 'Terminal', agency: 'Dinas Perhubungan', rtspUrl: 'rtsp://127.0.0.1/4' })).body.id;

    const viewer = await make('camat', 'viewer', [
      { scope: 'agency', value: 'Bagian Umum' },
      { scope: 'site', value: 'Puskesmas Lasusua' },
      { scope: 'camera', value: oneCam },
    ]);
    const seen = (await viewer.client.get('/api/cameras')).body.map((c: { id: string }) => c.id).sort();
    expect(seen).toEqual([agencyCam, siteCam, oneCam].sort());
    expect((await viewer.client.get(`/api/cameras/${hidden}`)).status).toBe(404);
    expect((await viewer.client.get(`/api/cameras/${siteCam}`)).status).toBe(200);

    // Revoking a grant takes effect at once.
    await admin.patch(`/api/users/${viewer.id}`, { grants: [{ scope: 'camera', value: oneCam }] });
    expect((await viewer.client.get('/api/cameras')).body.map((c: { id: string }) => c.id)).toEqual([oneCam]);
  });

  it('lets an owner edit their own cameras but not their owners, and not others’ cameras', async () => {
    const owner = await make('pak-lurah', 'owner', [{ scope: 'agency', value: 'Kelurahan' }]);
    const mine = (await admin.post('/api/cameras', { name: 'Mine', site: 'Balai', agency: 'Kelurahan', rtspUrl: 'rtsp://127.0.0.1/m', owners: [owner.id] })).body.id;
    const granted = (await admin.post('/api/cameras', { name: 'Granted', site: 'Balai', agency: 'Kelurahan', rtspUrl: 'rtsp://127.0.0.1/g' })).body.id;
    expect((await owner.client.patch(`/api/cameras/${mine}`, { name: 'Mine, renamed' })).status).toBe(200);
    expect((await owner.client.patch(`/api/cameras/${mine}`, { owners: [] })).status).toBe(403);
    expect((await owner.client.patch(`/api/cameras/${mine}`, { owners: [owner.id] })).status).toBe(200);
    expect((await owner.client.get(`/api/cameras/${granted}`)).status).toBe(200);
    expect((await owner.client.patch(`/api/cameras/${granted}`, { name: 'Not mine' })).status).toBe(403);
    expect((await owner.client.delete(`/api/cameras/${mine}`)).status).toBe(403);
  });
});
