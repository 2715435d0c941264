/**
 * Camera passwords never leave the server: not in any API answer, not in the log, not in the
 * database file in plaintext.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

const SECRETS = ['onvif-Pa55-Rahasia', 'rtsp-Pa55-Rahasia', 'snap-Pa55-Rahasia', 'csv-Pa55-Rahasia'];

let pantau: TestPantau;
let clients: Client[] = [];

beforeAll(async () => {
  pantau = await startTestPantau();
  const { admin, make } = await signedInClients(pantau);
  const owner = await make('pemilik', 'owner');
  const viewer = await make('pengamat', 'viewer', [{ scope: 'agency', value: 'Diskominfo' }]);
  const token = (await admin.post('/api/tokens', { name: 'script' })).body.token as string;
  clients = [admin, owner.client, viewer.client, new Client(pantau.url, token)];

  const created = await admin.post('/api/cameras', {
    name: 'Rahasia',
    site: 'Kantor',
    agency: 'Diskominfo',
    owners: [owner.id],
    onvif: { host: '127.0.0.1', port: 1, username: 'admin', password: SECRETS[0] },
    rtspUrl: `rtsp://admin:${SECRETS[1]}@127.0.0.1:1/live`,
    snapshotUrl: 'http://127.0.0.1:1/snap.jpg',
    snapshotAuth: { username: 'admin', password: SECRETS[2] },
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  await admin.post('/api/cameras/import', `name,site,agency,onvif_host,onvif_password\nCSV,Kantor,Diskominfo,127.0.0.1,${SECRETS[3]}\n`, { 'content-type': 'text/csv' });
  // Answers that could echo input back: a PATCH, a failed validation, an ONVIF error.
  await admin.patch(`/api/cameras/${id}`, { name: 'Rahasia 2' });
  await admin.post('/api/cameras', { name: '', site: 'x', agency: 'x', onvif: { host: 'h', password: SECRETS[0], port: 'x' } });
  await admin.post('/api/onvif/inspect', { host: '127.0.0.1', port: 1, username: 'admin', password: SECRETS[0] });
  await admin.post('/api/cameras/import', `name,site,agency,onvif_host,onvif_password,rtsp_url\n,Kantor,Diskominfo,127.0.0.1,${SECRETS[3]},rtsp://a:${SECRETS[1]}@h:99999/x\n`, { 'content-type': 'text/csv' });
  for (const c of clients) {
    await c.get('/api/cameras');
    await c.get(`/api/cameras/${id}`);
    await c.get('/api/me');
  }
  await clients[0]!.get('/api/openapi.json');
  await clients[0]!.get('/metrics');
});
afterAll(() => pantau.stop());

describe('camera secrets', () => {
  it('are in no API answer, for any role', () => {
    const all = clients.flatMap((c) => c.received).join('\n');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).toContain('"hasPassword":true');
    for (const s of SECRETS) expect(all).not.toContain(s);
  });

  it('are in no log line', () => {
    const log = pantau.logText();
    expect(log.length).toBeGreaterThan(0);
    for (const s of SECRETS) expect(log).not.toContain(s);
  });

  it('are encrypted in the database and its WAL', () => {
    const files = readdirSync(pantau.dataDir).filter((f) => f.startsWith('pantau.db'));
    expect(files).toContain('pantau.db');
    const raw = files.map((f) => readFileSync(path.join(pantau.dataDir, f)).toString('latin1')).join('');
    // Sealed and bound to their endpoint (secret-box v2).
    expect(raw).toContain('v2:');
    for (const s of SECRETS) expect(raw).not.toContain(s);
  });
});
