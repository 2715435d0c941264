/**
 * Issue 12, finding 8: credentials in camera URLs' query strings (`?usr=admin&pwd=…` on Foscam
 * and Dahua snapshot URLs, `token=` on others) were shown back to every reader, and viewers saw
 * every camera's internal addresses. Replays it: the secrets are stored sealed, shown as `***`,
 * put back only when probing (and only for the address they were given for), and viewers and
 * grantees get no connection details at all.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { Prober } from '../../src/services/prober.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { signedInClients, startTestPantau, type Client, type TestPantau } from '../support/pantau.js';

const SECRET = 'url-credentials-test-secret-0123456789';
const PWD = 'Foscam-Rahasia-99';
const TOKEN = 'Dahua-Token-Rahasia';

let pantau: TestPantau;
let admin: Client;
let owner: Client;
let viewer: Client;
let cam: FakeHttpServer;
let other: FakeHttpServer;
let id: string;
const prober = () => new Prober({ box: SecretBox.fromSecret(SECRET), log: createLogger('silent'), livenessTimeoutMs: 1000, imageTimeoutMs: 2000 });
const snapshotUrl = () => `${cam.origin}/cgi-bin/CGIProxy.fcgi?cmd=snapPicture2&usr=admin&pwd=${PWD}`;

beforeAll(async () => {
  cam = await new FakeHttpServer({ status: 404 }).start();
  other = await new FakeHttpServer({ status: 404 }).start();
  pantau = await startTestPantau({ secret: SECRET });
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  const o = await clients.make('pemilik', 'owner');
  owner = o.client;
  viewer = (await clients.make('pengamat', 'viewer', [{ scope: 'agency', value: 'Diskominfo' }])).client;
  const created = await admin.post('/api/cameras', {
    name: 'Pintu Samping',
    site: 'Kantor Bupati',
    agency: 'Diskominfo',
    owners: [o.id],
    snapshotUrl: snapshotUrl(),
    rtspUrl: `rtsp://127.0.0.1:1/cam/realmonitor?channel=1&subtype=0&token=${TOKEN}`,
    checkIntervalSec: 3600,
    imageCheckIntervalSec: 86_400,
  });
  expect(created.status, created.text).toBe(201);
  id = created.body.id;
});
afterAll(async () => {
  await pantau?.stop();
  await cam?.stop();
  await other?.stop();
});

describe('credentials in query strings', () => {
  it('are shown as *** to admins and owners, the rest of the URL as typed', async () => {
    for (const client of [admin, owner]) {
      const res = await client.get(`/api/cameras/${id}`);
      expect(res.body.snapshotUrl).toBe(`${cam.origin}/cgi-bin/CGIProxy.fcgi?cmd=snapPicture2&usr=admin&pwd=***`);
      expect(res.body.rtspUrl).toBe('rtsp://127.0.0.1:1/cam/realmonitor?channel=1&subtype=0&token=***');
      const list = await client.get('/api/cameras');
      expect(list.text).not.toContain(PWD);
    }
  });

  it('are stored sealed, in the database and its WAL', () => {
    const files = readdirSync(pantau.dataDir).filter((f) => f.startsWith('pantau.db'));
    const raw = files.map((f) => readFileSync(path.join(pantau.dataDir, f)).toString('latin1')).join('');
    // Booleans, not the file: a failure must not print a database.
    expect(raw.includes('CGIProxy.fcgi')).toBe(true);
    expect(raw.includes(PWD), 'the pwd in clear').toBe(false);
    expect(raw.includes(TOKEN), 'the token in clear').toBe(false);
  });

  it('are put back when probing, and kept when *** comes back in an edit', async () => {
    // What the dashboard's form does: send the URL it was shown.
    const shown = (await owner.get(`/api/cameras/${id}`)).body.snapshotUrl as string;
    expect((await owner.patch(`/api/cameras/${id}`, { name: 'Pintu Samping Timur', snapshotUrl: shown })).status).toBe(200);
    await prober().image(pantau.store.cameras.get(id)!, new AbortController().signal);
    expect(cam.requests.at(-1)?.path).toBe(`/cgi-bin/CGIProxy.fcgi?cmd=snapPicture2&usr=admin&pwd=${PWD}`);
  });

  it('do not follow the URL to another address', async () => {
    const moved = await owner.patch(`/api/cameras/${id}`, { snapshotUrl: `${other.origin}/cgi-bin/CGIProxy.fcgi?cmd=snapPicture2&usr=admin&pwd=***` });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.snapshotUrl).toBe(`${other.origin}/cgi-bin/CGIProxy.fcgi?cmd=snapPicture2&usr=admin`);
    await prober().image(pantau.store.cameras.get(id)!, new AbortController().signal);
    expect(other.requests.map((r) => r.path)).toEqual(['/cgi-bin/CGIProxy.fcgi?cmd=snapPicture2&usr=admin']);
    // Given again, it is sealed for the new address.
    const given = await admin.patch(`/api/cameras/${id}`, { snapshotUrl: `${other.origin}/snap.cgi?user=admin&password=${PWD}` });
    expect(given.body.snapshotUrl).toBe(`${other.origin}/snap.cgi?user=admin&password=***`);
  });
});

describe('connection details', () => {
  it('are withheld from viewers and grantees, in the list and the single camera', async () => {
    const one = await viewer.get(`/api/cameras/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ name: 'Pintu Samping Timur', connectionShown: false, onvif: null, rtspUrl: null, snapshotUrl: null, rtspAuth: null, snapshotAuth: null });
    const list = await viewer.get('/api/cameras');
    expect(list.body).toHaveLength(1);
    expect(list.text).not.toContain('127.0.0.1');
    expect(list.text).not.toContain('CGIProxy');
    expect((await owner.get(`/api/cameras/${id}`)).body.connectionShown).toBe(true);
  });

  it('are withheld from the status view too: no layer detail or message naming host and port', async () => {
    const tcp = { ok: false, reason: 'refused', reached: false, latencyMs: 1, message: '10.20.30.40:554 refused the connection', detail: { host: '10.20.30.40', port: 554 } };
    for (let i = 0; i < 2; i++) pantau.monitor.record({ cameraId: id, at: Date.now(), layers: { tcp } } as never, 'liveness');
    const seen = await viewer.get(`/api/cameras/${id}/status`);
    expect(seen.status).toBe(200);
    expect(seen.body.layers.tcp).toEqual({ ok: false, reason: 'refused', reached: false, latencyMs: 1 });
    expect(seen.text).not.toContain('10.20.30.40');
    expect((await owner.get(`/api/cameras/${id}/status`)).body.layers.tcp.detail).toEqual({ host: '10.20.30.40', port: 554 });
  });

  it('are documented as such in the OpenAPI', async () => {
    const doc = (await admin.get('/api/openapi.json')).body as { components: { schemas: Record<string, { properties: Record<string, { description?: string }> }> } };
    expect(doc.components.schemas.Camera!.properties.connectionShown!.description).toMatch(/admins nor owners/);
  });
});
