/**
 * The public status page over HTTP, without sign-in: exactly what it shows of a camera whose
 * every field is filled, that non-public cameras never appear, the agency filter, CSV, badge,
 * widget framing, caching headers, and 404 when it is off.
 */
import { gunzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { stateFromLastFlip } from '../../src/domain/restart.js';
import type { Flip } from '../../src/domain/status.js';
import { Client, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

const DAY = 86_400_000;
const SECRETS = {
  address: 'Jl. Rahasia No. 7, Lasusua',
  lat: -3.456789,
  lng: 120.876543,
  onvifHost: '10.9.8.7',
  onvifUser: 'onvif-admin-user',
  onvifPassword: 'onvif-Secret-pw-1',
  rtspUrl: 'rtsp://10.9.8.7:554/Streaming/Channels/101',
  rtspUser: 'rtsp-viewer-user',
  rtspPassword: 'rtsp-Secret-pw-2',
  snapshotUrl: 'http://10.9.8.7/ISAPI/Streaming/channels/101/picture',
  tag: 'tag-internal-only',
  ownerName: 'budi-pemilik',
  ownerDisplay: 'Budi Santoso Pemilik',
  contact: 'hooks.example.net',
  internalNote: 'catatan-internal-kunci-lemari',
  fixedBy: 'teknisi-rahasia-joko',
};

let pantau: TestPantau;
let ids: { full: string; hidden: string; parent: string; other: string };
let outageStart: number;
const anon = () => new Client(pantau.url);

beforeAll(async () => {
  // Created through the API (as an admin would), then given a history, then served again.
  const first = await startTestPantau({ statusPage: { enabled: true } });
  const { admin, make } = await signedInClients(first);
  const owner = await make(SECRETS.ownerName, 'owner');
  await admin.patch(`/api/users/${owner.id}`, { displayName: SECRETS.ownerDisplay });
  await owner.client.post('/api/contacts', { channel: 'webhook', address: `https://${SECRETS.contact}/hook`, secret: 'hook-Secret-3' });
  const base = { checkIntervalSec: 3600, imageCheckIntervalSec: 86_400 };
  const parent = await admin.post('/api/cameras', { ...base, name: 'Router Kantor', site: 'Kantor Bupati', agency: 'Dinas Komunikasi dan Informatika', rtspUrl: 'rtsp://10.9.8.1/x', public: false });
  const full = await admin.post('/api/cameras', {
    ...base,
    name: 'CCTV Masjid Agung',
    site: 'Masjid Agung Lasusua',
    location: { lat: SECRETS.lat, lng: SECRETS.lng, address: SECRETS.address },
    innovation: { name: 'Pantau Masjid', launchedOn: '2021-08-17' },
    agency: 'Dinas Komunikasi dan Informatika',
    owners: [SECRETS.ownerName],
    onvif: { host: SECRETS.onvifHost, port: 80, username: SECRETS.onvifUser, password: SECRETS.onvifPassword },
    rtspUrl: SECRETS.rtspUrl,
    rtspAuth: { username: SECRETS.rtspUser, password: SECRETS.rtspPassword },
    snapshotUrl: SECRETS.snapshotUrl,
    alertGraceSec: 300,
    enabled: true,
    public: true,
    tags: [SECRETS.tag],
    parentId: parent.body.id,
  });
  expect(full.status, full.text).toBe(201);
  expect(full.body.public).toBe(true);
  const hidden = await admin.post('/api/cameras', { ...base, name: 'Kamera Tersembunyi', site: 'Gudang Rahasia', agency: 'Dinas Rahasia', rtspUrl: 'rtsp://10.9.8.2/x' });
  expect(hidden.body.public).toBe(false);
  const other = await admin.post('/api/cameras', { ...base, name: 'CCTV Pasar', site: 'Pasar Sentral', agency: 'Dinas Perdagangan', rtspUrl: 'rtsp://10.9.8.3/x', public: true });
  ids = { full: full.body.id, hidden: hidden.body.id, parent: parent.body.id, other: other.body.id };
  await first.stop({ keepData: true });

  const store = openStore(`${first.dataDir}/pantau.db`);
  const now = Date.now();
  const start = now - 40 * DAY;
  outageStart = now - 2 * DAY;
  const history: Record<string, Flip[]> = {
    // Up for weeks, then down for the last two days: an open outage someone acknowledged.
    full: [
      { cameraId: ids.full, at: start, from: 'unknown', to: 'up', reason: 'ok' },
      { cameraId: ids.full, at: outageStart, from: 'up', to: 'down', reason: 'unreachable' },
    ],
    hidden: [
      { cameraId: ids.hidden, at: start, from: 'unknown', to: 'up', reason: 'ok' },
      { cameraId: ids.hidden, at: now - DAY, from: 'up', to: 'down', reason: 'unreachable' },
    ],
    other: [{ cameraId: ids.other, at: start, from: 'unknown', to: 'up', reason: 'ok' }],
  };
  for (const [name, flips] of Object.entries(history)) {
    for (const f of flips) store.flips.insert(f);
    const id = ids[name as keyof typeof ids];
    store.flips.saveState(id, stateFromLastFlip(id, flips.at(-1)!, now), now);
  }
  store.notifications.acknowledge(`${ids.full}:${outageStart}`, ids.full, SECRETS.ownerName, now - DAY);
  // The owner's record of the outage: only its public note may reach citizens, the newest one.
  const record = { outageId: `${ids.full}:${outageStart}`, cameraId: ids.full, cause: 'power' as const, note: SECRETS.internalNote, fixedBy: SECRETS.fixedBy, by: SECRETS.ownerName };
  store.outageNotes.append({ ...record, publicNote: 'Listrik PLN padam', at: now - DAY });
  store.outageNotes.append({ ...record, publicNote: 'Listrik PLN padam sejak Kamis; teknisi menunggu genset', at: now - DAY + 60_000 });
  store.close();
  pantau = await startTestPantau({ statusPage: { enabled: true, coordinatePrecision: 2, title: 'Status CCTV Kolaka Utara' } }, first.dataDir);
}, 120_000);
afterAll(() => pantau?.stop());

/** Every value of the "full" camera that must never be public, as it could appear in text. */
function forbidden(): string[] {
  return [
    SECRETS.address, 'Jl. Rahasia', String(SECRETS.lat), String(SECRETS.lng), '-3.457', '120.877', SECRETS.onvifHost, '10.9.8', SECRETS.onvifUser, SECRETS.onvifPassword,
    SECRETS.rtspUser, SECRETS.rtspPassword, 'rtsp:', 'ISAPI', SECRETS.tag, SECRETS.ownerName, SECRETS.ownerDisplay, 'Budi', SECRETS.contact,
    'hook-Secret', ids.full, ids.parent, ids.hidden, ids.other, 'Router Kantor', 'Kamera Tersembunyi', 'Gudang Rahasia', 'Dinas Rahasia', 'unreachable',
    SECRETS.internalNote, SECRETS.fixedBy, 'launchedOn', '2021-08-17', 'alertGrace', 'checkInterval', 'owners', 'password', 'hasPassword', 'parentId', 'tags',
  ];
}

describe('the public status page', () => {
  it('gives exactly the allowed fields of a camera with every field filled, and nothing of non-public ones', async () => {
    const res = await anon().get('/status.json');
    expect(res.status).toBe(200);
    const body = res.body;
    expect(Object.keys(body).sort()).toEqual(['agencies', 'cameras', 'generatedAt', 'thresholds', 'timeZone', 'title']);
    expect(body.title).toBe('Status CCTV Kolaka Utara');
    expect(body.thresholds).toEqual({ green: 0.99, yellow: 0.95 });
    expect(body.cameras.map((c: { name: string }) => c.name)).toEqual(['CCTV Masjid Agung', 'CCTV Pasar']);
    const cam = body.cameras[0];
    expect(Object.keys(cam).sort()).toEqual(['agency', 'days', 'innovation', 'location', 'name', 'outage', 'since', 'site', 'state', 'uptime30d', 'uptime90d', 'zone']);
    expect(cam).toEqual({
      name: 'CCTV Masjid Agung',
      site: 'Masjid Agung Lasusua',
      agency: 'Dinas Komunikasi dan Informatika',
      innovation: 'Pantau Masjid',
      location: { lat: -3.46, lng: 120.88 },
      state: 'down',
      since: new Date(outageStart).toISOString(),
      uptime30d: expect.closeTo(28 / 30, 2),
      uptime90d: expect.closeTo(38 / 40, 2),
      zone: 'red',
      days: expect.any(Array),
      outage: { start: new Date(outageStart).toISOString(), durationSec: expect.closeTo(2 * 86_400, -3), acknowledged: true, note: 'Listrik PLN padam sejak Kamis; teknisi menunggu genset' },
    });
    expect(cam.days).toHaveLength(90);
    for (const d of cam.days) expect(Object.keys(d).sort()).toEqual(['date', 'outages', 'uptime']);
    expect(cam.days.at(-1)).toEqual({ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), uptime: 0, outages: 1 });
    expect(cam.days[0]).toEqual({ date: expect.any(String), uptime: null, outages: 0 });
    expect(cam.days.filter((d: { outages: number }) => d.outages > 0).length).toBeGreaterThanOrEqual(2);
    expect(body.agencies).toEqual([
      { agency: 'Dinas Komunikasi dan Informatika', slug: 'dinas-komunikasi-dan-informatika', cameras: 1, uptime30d: expect.closeTo(28 / 30, 2), zone: 'red', states: { up: 0, degraded: 0, down: 1, unknown: 0, paused: 0 }, openOutages: 1 },
      { agency: 'Dinas Perdagangan', slug: 'dinas-perdagangan', cameras: 1, uptime30d: expect.any(Number), zone: expect.any(String), states: expect.any(Object), openOutages: expect.any(Number) },
    ]);
    for (const s of forbidden()) expect(res.text, s).not.toContain(s);
  });

  it('renders the HTML with exactly the public text, in Indonesian first and English on request', async () => {
    const id = await anon().get('/status');
    expect(id.status).toBe(200);
    expect(id.headers.get('content-type')).toMatch(/^text\/html/);
    expect(id.text).toMatch(/^<!doctype html><html lang="id">/);
    for (const s of forbidden()) expect(id.text, s).not.toContain(s);
    const card = /<article class="cam"><h3>CCTV Masjid Agung[\s\S]*?<\/article>/.exec(id.text)![0];
    const text = card.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|');
    expect(text).toMatch(/^\|CCTV Masjid Agung \|Mati\|Masjid Agung Lasusua · Pantau Masjid\|Uptime 30 hari \|93,\d %\| · 90 hari \|9\d,\d %\|Ketuk satu hari untuk rinciannya\.\|$/);
    // The bars carry only dates, per-mille uptimes and outage counts.
    const attrs = [...card.matchAll(/ ([a-z-]+)="/g)].map((m) => m[1]);
    expect([...new Set(attrs)].sort()).toEqual(['aria-label', 'aria-live', 'class', 'data-o', 'data-start', 'data-u', 'role', 'tabindex']);
    expect(id.text).toContain('Sedang ditangani');
    expect(id.text).not.toContain('Kamera Tersembunyi');
    expect(id.text).not.toMatch(/<script>|style=|<img/);
    const en = await anon().get('/status?lang=en');
    expect(en.text).toMatch(/^<!doctype html><html lang="en">/);
    expect(en.text).toContain('Someone is on it');
    expect(en.text).toContain('30-day uptime');
    for (const s of forbidden()) expect(en.text, s).not.toContain(s);
  });

  it('filters by agency, and answers 404 for an agency with no public camera', async () => {
    const page = await anon().get('/status/dinas-perdagangan');
    expect(page.status).toBe(200);
    expect(page.text).toContain('CCTV Pasar');
    expect(page.text).not.toContain('<h3>CCTV Masjid Agung');
    const json = await anon().get('/status.json?agency=dinas-perdagangan');
    expect(json.body.cameras.map((c: { name: string }) => c.name)).toEqual(['CCTV Pasar']);
    expect(json.body.agencies.map((a: { slug: string }) => a.slug)).toEqual(['dinas-perdagangan']);
    expect((await anon().get('/status/dinas-rahasia')).status).toBe(404);
    expect((await anon().get('/status.json?agency=dinas-rahasia')).status).toBe(404);
  });

  it('gives open data as CSV', async () => {
    const res = await anon().get('/status.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('agency,innovation,camera,site,lat,lng,state,since,uptime_30d,uptime_90d,zone,open_outage_start,open_outage_sec,acknowledged,note');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^"Dinas Komunikasi dan Informatika","Pantau Masjid","CCTV Masjid Agung","Masjid Agung Lasusua","-3.46","120.88","down","[^"]+","0\.9\d+","0\.9\d+","red","[^"]+","\d+","yes","Listrik PLN padam sejak Kamis; teknisi menunggu genset"$/);
    for (const s of forbidden()) expect(res.text, s).not.toContain(s);
    const one = await anon().get('/status.csv?agency=dinas-perdagangan');
    expect(one.text.trim().split('\r\n')).toHaveLength(2);
  });

  it('serves an SVG badge and a widget other sites may embed; the rest of Pantau stays unframeable', async () => {
    const badge = await anon().get('/status/badge/dinas-komunikasi-dan-informatika.svg');
    expect(badge.status).toBe(200);
    expect(badge.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(badge.text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(badge.text).toMatch(/CCTV aktif<\/text><text [^>]+>93,\d %<\/text>/);
    expect(badge.text).toContain('#c62828');
    expect(badge.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await anon().get('/status/badge/all.svg?lang=en')).text).toContain('CCTV up');
    expect((await anon().get('/status/badge/dinas-rahasia.svg')).status).toBe(404);

    const widget = await anon().get('/status/widget/dinas-komunikasi-dan-informatika');
    expect(widget.status).toBe(200);
    expect(widget.headers.get('x-frame-options')).toBeNull();
    const csp = widget.headers.get('content-security-policy')!;
    expect(csp).toContain('frame-ancestors *');
    expect(csp).toContain("script-src 'self'");
    expect(widget.text).toContain('Dinas Komunikasi dan Informatika');
    for (const s of forbidden()) expect(widget.text, s).not.toContain(s);

    for (const path of ['/status', '/status.json', '/', '/api/me']) {
      const res = await anon().get(path);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });

  it('is built at most once a minute, gzipped, with ETag and Cache-Control, and answers 304 when unchanged', async () => {
    const a = await anon().get('/status');
    const b = await anon().get('/status');
    expect(a.headers.get('etag')).toBeTruthy();
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    expect(a.headers.get('cache-control')).toMatch(/^public, max-age=([1-9]|[1-5]\d|60)$/);
    const again = await fetch(`${pantau.url}/status`, { headers: { 'if-none-match': a.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const raw = await rawGet('/status.json', { 'accept-encoding': 'gzip' });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(raw.body).toString('utf8')).title).toBe('Status CCTV Kolaka Utara');
    const asset = /<script src="([^"]+)"/.exec(a.text)![1]!;
    const js = await anon().get(asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    // A new public camera shows only after the next build, not on the next request.
    const { admin } = await signedInClients(pantau);
    expect((await admin.patch(`/api/cameras/${ids.hidden}`, { public: true })).status).toBe(200);
    expect((await anon().get('/status.json')).body.cameras).toHaveLength(2);
  });

  it('lets only admins make a camera public', async () => {
    const { admin, make } = await signedInClients(pantau);
    const owner = await make('pemilik-kedua', 'owner');
    await admin.patch(`/api/cameras/${ids.other}`, { owners: [owner.id] });
    const refused = await owner.client.patch(`/api/cameras/${ids.other}`, { public: false });
    expect(refused.status).toBe(403);
    expect((await owner.client.patch(`/api/cameras/${ids.other}`, { name: 'CCTV Pasar Sentral' })).status).toBe(200);
    expect((await admin.get(`/api/cameras/${ids.other}`)).body.public).toBe(true);
  });

  it('takes public from the CSV import (ya/tidak, true/false; default no) and refuses anything else', async () => {
    const { admin } = await signedInClients(pantau);
    const csv = (rows: string) => admin.post('/api/cameras/import', `name,site,agency,rtsp_url,public\r\n${rows}`, { 'content-type': 'text/csv' });
    const bad = await csv('CCTV Taman,Taman Kota,Dinas Taman,rtsp://10.9.8.9/x,mungkin\r\n');
    expect(bad.status).toBe(422);
    expect(bad.body.rows[0].issues).toEqual([expect.objectContaining({ path: 'public', message: '"mungkin" is not true/false' })]);
    const good = await csv('CCTV Taman,Taman Kota,Dinas Taman,rtsp://10.9.8.9/x,ya\r\nCCTV Alun,Alun-alun,Dinas Taman,rtsp://10.9.8.10/x,\r\n');
    expect(good.status, good.text).toBe(200);
    const cameras = (await admin.get('/api/cameras')).body as { name: string; public: boolean }[];
    expect(cameras.filter((c) => c.name === 'CCTV Taman' || c.name === 'CCTV Alun').map((c) => [c.name, c.public]).sort()).toEqual([['CCTV Alun', false], ['CCTV Taman', true]]);
  });
});

describe('the public status page when off', () => {
  it('answers 404 on every route, not the dashboard', async () => {
    const off = await startTestPantau();
    try {
      for (const path of ['/status', '/status?lang=en', '/status/dinas', '/status.json', '/status.csv', '/status/badge/all.svg', '/status/widget/dinas', '/status/assets/x.js']) {
        const res = await new Client(off.url).get(path);
        expect(res.status, path).toBe(404);
      }
    } finally {
      await off.stop();
    }
  });
});

function rawGet(path: string, headers: Record<string, string>): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${pantau.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
