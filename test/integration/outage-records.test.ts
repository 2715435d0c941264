/**
 * Outage causes over the HTTP API: recorded when acknowledging, from the acknowledge link and
 * later, by the camera's owners and admins only, with every edit kept; the cause report per
 * agency, site and innovation, limited to what each user may see; the owners asked again in the
 * digest for an outage dark for long with no cause.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flip } from '../../src/domain/status.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { ackToken } from '../../src/services/alert-messages.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { type Client, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

const DAY = 86_400_000;
const now = Date.now();
let pantau: TestPantau;
let hook: FakeHttpServer;
let admin: Client;
let owner: Client;
let viewer: Client;
let stranger: Client;
let ownerId: string;
const cams: Record<'masjid' | 'pasar', string> = { masjid: '', pasar: '' };
const outage = { masjidOld: '', masjidOpen: '', pasar: '' };

const put = (c: Client, id: string, body: unknown) => c.request('PUT', `/api/outages/${encodeURIComponent(id)}/record`, body);

beforeAll(async () => {
  hook = await new FakeHttpServer().start();
  pantau = await startTestPantau();
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  const o = await clients.make('pemilik-masjid', 'owner');
  owner = o.client;
  ownerId = o.id;
  viewer = (await clients.make('kadis-perdagangan', 'viewer', [{ scope: 'agency', value: 'Disperindag' }])).client;
  stranger = (await clients.make('orang-lain', 'owner')).client;
  const camera = async (name: string, agency: string, owners: string[]) => {
    // Not probed (disabled): the outages are the ones written below.
    const res = await admin.post('/api/cameras', { name, site: `Situs ${name}`, agency, rtspUrl: 'rtsp://127.0.0.1:9/x', checkIntervalSec: 3600, enabled: false, owners, innovation: { name: `Inovasi ${name}`, launchedOn: '2024-01-15' } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  cams.masjid = await camera('Masjid', 'Diskominfo', [ownerId]);
  cams.pasar = await camera('Pasar', 'Disperindag', []);
  const flips: Flip[] = [
    { cameraId: cams.masjid, at: now - 20 * DAY, from: 'paused', to: 'down', reason: 'unreachable' },
    { cameraId: cams.masjid, at: now - 19 * DAY, from: 'down', to: 'up', reason: 'ok' },
    { cameraId: cams.masjid, at: now - 9 * DAY, from: 'up', to: 'down', reason: 'unreachable' },
    { cameraId: cams.pasar, at: now - 5 * DAY, from: 'paused', to: 'degraded', reason: 'black' },
    { cameraId: cams.pasar, at: now - 4 * DAY, from: 'degraded', to: 'up', reason: 'ok' },
  ];
  pantau.store.cameras.transaction(() => flips.forEach((f) => pantau.store.flips.insert(f)));
  outage.masjidOld = `${cams.masjid}:${now - 20 * DAY}`;
  outage.masjidOpen = `${cams.masjid}:${now - 9 * DAY}`;
  outage.pasar = `${cams.pasar}:${now - 5 * DAY}`;
});
afterAll(async () => {
  await pantau.stop();
  await hook.stop();
});

describe('recording a cause', () => {
  it('the owner acknowledges an open outage and records its cause, note, who fixed it and a public note at once', async () => {
    const res = await owner.post(`/api/alerts/${encodeURIComponent(outage.masjidOpen)}/ack`, { cause: 'power', note: 'PLN padam sejak pagi', fixedBy: 'Pak Rahmat', publicNote: 'Listrik padam; kamera akan kembali.' });
    expect(res.status).toBe(200);
    expect(res.body.record).toMatchObject({ outageId: outage.masjidOpen, cause: 'power', note: 'PLN padam sejak pagi', fixedBy: 'Pak Rahmat', publicNote: 'Listrik padam; kamera akan kembali.', by: 'pemilik-masjid' });
    const list = (await owner.get(`/api/cameras/${cams.masjid}/outages`)).body as { id: string; record: { cause: string } | null; acknowledged: unknown }[];
    const open = list.find((x) => x.id === outage.masjidOpen)!;
    expect(open.acknowledged).toMatchObject({ by: 'pemilik-masjid' });
    expect(open.record).toMatchObject({ cause: 'power', publicNote: 'Listrik padam; kamera akan kembali.' });
  });

  it('a closed outage gets its cause later, and every edit is kept in its history; the outage list shows the newest', async () => {
    expect((await put(owner, outage.masjidOld, { cause: 'unknown' })).status).toBe(200);
    const edited = await put(owner, outage.masjidOld, { cause: 'cable_theft', note: 'Kabel dicuri', fixedBy: 'Teknisi Diskominfo' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ cause: 'cable_theft', note: 'Kabel dicuri', publicNote: '' });
    const history = (await viewer.get(`/api/outages/${encodeURIComponent(outage.masjidOld)}/records`)).status;
    expect(history).toBe(404); // the viewer's grants are Disperindag's
    const seen = await owner.get(`/api/outages/${encodeURIComponent(outage.masjidOld)}/records`);
    expect(seen.body.map((r: { cause: string }) => r.cause)).toEqual(['unknown', 'cable_theft']);
    const list = (await admin.get(`/api/cameras/${cams.masjid}/outages?from=${new Date(now - 30 * DAY).toISOString()}`)).body as { id: string; record: { cause: string } | null }[];
    expect(list.find((x) => x.id === outage.masjidOld)!.record!.cause).toBe('cable_theft');
  });

  it('only the camera’s owners and admins may record: viewers 403, others do not see it (404)', async () => {
    expect((await put(viewer, outage.pasar, { cause: 'power' })).status).toBe(403);
    expect((await put(stranger, outage.masjidOld, { cause: 'power' })).status).toBe(404);
    expect((await put(owner, outage.pasar, { cause: 'power' })).status).toBe(404);
    expect((await put(admin, outage.pasar, { cause: 'maintenance', note: 'Penggantian NVR terjadwal' })).status).toBe(200);
    expect((await put(admin, `${cams.pasar}:${now - 3 * DAY}`, { cause: 'power' })).status).toBe(404); // no outage starts then
    const anon = await fetch(`${pantau.url}/api/outages/${encodeURIComponent(outage.pasar)}/record`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"cause":"power"}' });
    expect(anon.status).toBe(401);
  });

  it('bad input is refused field by field and nothing is stored', async () => {
    const before = (await admin.get(`/api/outages/${encodeURIComponent(outage.pasar)}/records`)).body.length;
    const badCause = await put(admin, outage.pasar, { cause: 'aliens' });
    expect(badCause.status).toBe(400);
    expect(badCause.body.issues[0]).toMatchObject({ path: 'cause' });
    const long = await put(admin, outage.pasar, { cause: 'power', publicNote: 'x'.repeat(281) });
    expect(long.status).toBe(400);
    expect(long.body.issues[0]).toMatchObject({ path: 'publicNote', code: 'too_big', params: { maximum: 280 } });
    const twoLines = await put(admin, outage.pasar, { cause: 'power', publicNote: 'satu\ndua' });
    expect(twoLines.body.issues[0]).toMatchObject({ path: 'publicNote' });
    const noteOnly = await admin.post(`/api/alerts/${encodeURIComponent(outage.pasar)}/ack`, { note: 'tanpa penyebab' });
    expect(noteOnly.status).toBe(400);
    expect(noteOnly.body.issues[0]).toMatchObject({ path: 'cause' });
    expect((await admin.get(`/api/outages/${encodeURIComponent(outage.pasar)}/records`)).body.length).toBe(before);
  });

  it('the history table refuses edits and deletions', () => {
    expect(() => pantau.store.db.prepare("UPDATE outage_notes SET cause = 'power'").run()).toThrow(/append-only/);
    expect(() => pantau.store.db.prepare('DELETE FROM outage_notes').run()).toThrow(/append-only/);
  });

  it('the acknowledge link offers the causes, refuses a note without a cause next to its field, and records one given', async () => {
    const box = SecretBox.fromKeyFile(path.join(pantau.dataDir, 'secret.key'));
    const token = ackToken([outage.masjidOld], ownerId, { box, now: Date.now() });
    const page = await (await fetch(`${pantau.url}/ack/${token}`)).text();
    expect(page).toContain('<select id="cause" name="cause">');
    expect(page).toContain('value="cable_theft"');
    const post = (fields: Record<string, string>) =>
      fetch(`${pantau.url}/ack/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    const refused = await post({ note: 'tanpa penyebab' });
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain('id="cause-error"');
    expect(refusedPage).toContain('aria-describedby="cause-error"');
    const done = await post({ cause: 'network', note: 'ISP <b>putus</b>', fixedBy: 'Telkom', publicNote: 'Jaringan terputus' });
    expect(done.status).toBe(200);
    const history = (await admin.get(`/api/outages/${encodeURIComponent(outage.masjidOld)}/records`)).body as { cause: string; note: string; by: string }[];
    expect(history.at(-1)).toMatchObject({ cause: 'network', note: 'ISP <b>putus</b>', by: 'pemilik-masjid' });
  });

  it('the acknowledge page speaks the language of its link, else that of the browser, Indonesian first', async () => {
    const box = SecretBox.fromKeyFile(path.join(pantau.dataDir, 'secret.key'));
    const token = ackToken([outage.masjidOld], ownerId, { box, now: Date.now() });
    const page = async (query: string, headers: Record<string, string> = {}) => (await fetch(`${pantau.url}/ack/${token}${query}`, { headers })).text();
    const id = await page('');
    expect(id).toContain('<html lang="id">');
    expect(id).toContain('Tandai gangguan ini sudah ditangani?');
    expect(id).toContain('>Listrik padam</option>');
    expect(id).toContain('>Ya, sudah ditangani</button>');
    expect(id).not.toContain('Acknowledge');
    const en = await page('?lang=en');
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Mark this outage as acknowledged?');
    expect(en).toContain('>Power</option>');
    expect(en).toContain('>Acknowledge</button>');
    expect(en).toContain(`action="/ack/${token}?lang=en"`);
    expect(en).not.toContain('ditangani');
    // Without ?lang=, the browser's preference; the link's wins over it.
    expect(await page('', { 'accept-language': 'en-US,en;q=0.9' })).toContain('<html lang="en">');
    expect(await page('', { 'accept-language': 'fr-FR, id;q=0.8, en;q=0.5' })).toContain('<html lang="id">');
    expect(await page('?lang=id', { 'accept-language': 'en' })).toContain('<html lang="id">');
    // Refusals in the page's language too.
    const post = (query: string) => fetch(`${pantau.url}/ack/${token}${query}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'note=tanpa+penyebab' });
    expect(await (await post('?lang=en')).text()).toContain('Choose a cause to save a note.');
    expect(await (await post('')).text()).toContain('Pilih penyebab untuk menyimpan catatan.');
    // An expired or forged link says so in either language.
    expect(await (await fetch(`${pantau.url}/ack/not-a-token?lang=en`)).text()).toContain('This link is no longer valid.');
    expect(await (await fetch(`${pantau.url}/ack/not-a-token`)).text()).toContain('Tautan ini tidak berlaku lagi.');
  });
});

describe('GET /api/reports/causes', () => {
  const window = `from=${encodeURIComponent(new Date(now - 30 * DAY).toISOString())}&to=${encodeURIComponent(new Date(now).toISOString())}`;

  it('totals outages by cause per agency, site or innovation for admins', async () => {
    const res = await admin.get(`/api/reports/causes?by=agency&${window}`);
    expect(res.status).toBe(200);
    expect(res.body.by).toBe('agency');
    const kominfo = res.body.groups.find((g: { group: string }) => g.group === 'Diskominfo');
    expect(kominfo).toMatchObject({ outages: 2, unrecorded: 0 });
    expect(kominfo.byCause).toMatchObject({ power: 1, network: 1 });
    const perindag = res.body.groups.find((g: { group: string }) => g.group === 'Disperindag');
    expect(perindag.byCause.maintenance).toBe(1);
    expect(perindag.secondsByCause.maintenance).toBeCloseTo(86_400, 0);
    const bySite = await admin.get(`/api/reports/causes?by=site&${window}`);
    expect(bySite.body.groups.map((g: { group: string }) => g.group).sort()).toEqual(['Situs Masjid', 'Situs Pasar']);
    const byInnovation = await admin.get(`/api/reports/causes?by=innovation&${window}`);
    expect(byInnovation.body.groups.map((g: { group: string }) => g.group).sort()).toEqual(['Inovasi Masjid', 'Inovasi Pasar']);
  });

  it('shows each user only the cameras its grants reach', async () => {
    const res = await viewer.get(`/api/reports/causes?by=agency&${window}`);
    expect(res.body.groups.map((g: { group: string }) => g.group)).toEqual(['Disperindag']);
    expect((await stranger.get(`/api/reports/causes?${window}`)).body.groups).toEqual([]);
  });

  it('refuses a bad grouping or window', async () => {
    expect((await admin.get('/api/reports/causes?by=camera')).status).toBe(400);
    const backwards = await admin.get(`/api/reports/causes?from=${encodeURIComponent(new Date(now).toISOString())}&to=${encodeURIComponent(new Date(now - DAY).toISOString())}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.issues[0].path).toBe('query.from');
  });
});

describe('asked again for a cause', () => {
  it('the digest asks the owner of an outage open longer than askCauseAfterDays with no cause, and stops once one is recorded', async () => {
    // Written to the store, not through the API: a camera saved disabled is paused now, which would end the outage.
    const dark = pantau.store.cameras.insert(
      { name: 'Kantor Camat', site: 'Kantor', agency: 'Diskominfo', location: null, innovation: null, owners: [ownerId], onvif: null, rtsp: { url: 'rtsp://127.0.0.1:9/x', username: null, passwordEnc: null }, snapshot: null, checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 120, enabled: true, private: false, public: false, tags: [], parentId: null, externalId: null },
      now - 30 * DAY,
    ).id;
    pantau.store.flips.insert({ cameraId: dark, at: now - 8 * DAY, from: 'paused', to: 'down', reason: 'unreachable' });
    await owner.post('/api/contacts', { channel: 'webhook', address: `${hook.origin}/ask` });
    const asked = pantau.alerting.records.asking(7 * DAY);
    // The masjid's open outage has a cause; this one has none.
    expect(asked.map((a) => a.outageId)).toEqual([`${dark}:${now - 8 * DAY}`]);
    expect(pantau.alerting.digest.send()).toBeGreaterThanOrEqual(1);
    await hook.waitFor(1, 10_000);
    const body = JSON.parse(hook.requests.find((r) => r.path === '/ask')!.body.toString());
    expect(body.event).toBe('digest');
    const lines = (body.digest as string[]).join('\n');
    expect(lines).toContain('Kantor Camat (Kantor)');
    expect(lines).toContain(`#/kamera/${dark}`);
    expect(lines).not.toContain('Masjid');
    expect((await put(owner, `${dark}:${now - 8 * DAY}`, { cause: 'recorder' })).status).toBe(200);
    expect(pantau.alerting.records.asking(7 * DAY)).toEqual([]);
  });
});
