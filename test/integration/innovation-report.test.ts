/**
 * The leadership report over the HTTP API, from a prepared history rolled up by the real Roller:
 * states per innovation and per agency, uptime since launch and per month, days dark, the longest
 * outage, causes; CSV; grants; and the weekly digest naming innovations whose state changed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateFromLastFlip } from '../../src/domain/restart.js';
import { stateChanges } from '../../src/domain/innovation-state.js';
import type { Flip } from '../../src/domain/status.js';
import { createLogger } from '../../src/log.js';
import { Roller } from '../../src/services/rollups.js';
import { openStore } from '../../src/store/index.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { type Client, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

const DAY = 86_400_000;
const now = Date.now();
const launch = new Date(now + 8 * 3_600_000 - 120 * DAY).toISOString().slice(0, 10); // a local (WITA) date
let pantau: TestPantau;
let hook: FakeHttpServer;
let admin: Client;
let viewer: Client;
const ids: Record<string, string> = {};

type Group = { group: string; state: string; reasons: string[]; cameras: number; launchedOn: string | null; daysMonitored: number; uptimeSinceLaunch: number | null; months: { month: string; uptime: number | null }[]; daysDark: number; longestOutageSec: number; outages: number; outagesByCause: Record<string, number>; unrecorded: number; darkNow: number };

beforeAll(async () => {
  hook = await new FakeHttpServer().start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pantau-innovations-'));
  const store = openStore(path.join(dataDir, 'pantau.db'));
  const start = now - 130 * DAY;
  const camera = (key: string, innovation: string, agency: string) =>
    (ids[key] = store.cameras.insert(
      { name: `Kamera ${key}`, site: key, agency, location: null, innovation: { name: innovation, launchedOn: launch }, owners: [], onvif: null, rtsp: { url: 'rtsp://127.0.0.1:9/x', username: null, passwordEnc: null }, snapshot: null, checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 120, enabled: true, private: false, public: false, tags: [], parentId: null, externalId: null },
      start,
    ).id);
  camera('masjid', 'Masjid Aman', 'Diskominfo');
  camera('pasar', 'Pasar Pintar', 'Diskominfo');
  camera('kantor', 'Kantor Bersih', 'Disperindag');
  camera('sekolah', 'Sekolah Ramah', 'Disperindag');
  const f = (key: string, at: number, to: Flip['to'], reason: Flip['reason'] = to === 'up' ? 'ok' : 'unreachable'): Flip => ({ cameraId: ids[key]!, at, from: 'unknown', to, reason });
  const history: Record<string, Flip[]> = {
    masjid: [f('masjid', start, 'up'), f('masjid', now - 40 * DAY, 'down')],
    pasar: [f('pasar', start, 'up'), f('pasar', now - 20 * DAY, 'degraded', 'black')],
    kantor: [f('kantor', start, 'up'), f('kantor', now - 60 * DAY, 'down'), f('kantor', now - 59 * DAY, 'up')],
    sekolah: [f('sekolah', start, 'up'), ...[25, 20, 15, 10].flatMap((d) => [f('sekolah', now - d * DAY, 'down'), f('sekolah', now - d * DAY + 3_600_000, 'up')])],
  };
  for (const [key, flips] of Object.entries(history)) {
    store.cameras.transaction(() => flips.forEach((x) => store.flips.insert(x)));
    store.flips.saveState(ids[key]!, stateFromLastFlip(ids[key]!, flips.at(-1)!, now), now);
  }
  store.outageNotes.append({ outageId: `${ids.kantor}:${now - 60 * DAY}`, cameraId: ids.kantor!, cause: 'power', note: '', fixedBy: '', publicNote: '', by: 'admin', at: now });
  // Roll the days up as a running Pantau would have.
  new Roller(store, { tzOffsetMinutes: 480, timeZone: 'Asia/Makassar', nightly: '15 0 * * *', retention: { rawHours: 24, hourDays: 90, dayDays: null }, log: createLogger('warn') }).rollDue();
  store.close();
  pantau = await startTestPantau({}, dataDir);
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  viewer = (await clients.make('kadis-perdagangan', 'viewer', [{ scope: 'agency', value: 'Disperindag' }])).client;
});
afterAll(async () => {
  await pantau.stop();
  await hook.stop();
});

const groupsOf = async (c: Client, q = '') => (await c.get(`/api/reports/innovations${q}`)).body.groups as Group[];

describe('GET /api/reports/innovations', () => {
  it('gives each innovation its state: dead, dying, at risk, healthy — worst first', async () => {
    const groups = await groupsOf(admin);
    expect(groups.map((g) => [g.group, g.state])).toEqual([
      ['Masjid Aman', 'dead'],
      ['Pasar Pintar', 'dying'],
      ['Sekolah Ramah', 'at_risk'],
      ['Kantor Bersih', 'healthy'],
    ]);
    expect(groups.find((g) => g.group === 'Sekolah Ramah')!.reasons).toContain('repeated_outages');
  });

  it('sums uptime since launch and per month, days dark, the longest outage and causes from rollups and the outage log', async () => {
    const groups = await groupsOf(admin);
    const masjid = groups.find((g) => g.group === 'Masjid Aman')!;
    expect(masjid.launchedOn).toBe(launch);
    expect(masjid.cameras).toBe(1);
    // Rolled days since launch: about 120, the last 40 dark (today is not rolled yet).
    expect(masjid.daysMonitored).toBeGreaterThanOrEqual(118);
    expect(masjid.daysMonitored).toBeLessThanOrEqual(121);
    expect(masjid.daysDark).toBeGreaterThan(38.5);
    expect(masjid.daysDark).toBeLessThan(40.5);
    expect(masjid.uptimeSinceLaunch!).toBeCloseTo(1 - masjid.daysDark / masjid.daysMonitored, 1);
    expect(masjid.longestOutageSec).toBeCloseTo(40 * 86_400, -3);
    expect(masjid.darkNow).toBe(1);
    expect(masjid.months.length).toBeGreaterThanOrEqual(4);
    expect(masjid.months[0]!.uptime).toBe(1);
    expect(masjid.months.at(-1)!.uptime).toBe(0);
    expect(masjid.months.every((m) => /^\d{4}-\d{2}$/.test(m.month))).toBe(true);
    const kantor = groups.find((g) => g.group === 'Kantor Bersih')!;
    expect(kantor.outages).toBe(1);
    expect(kantor.outagesByCause.power).toBe(1);
    expect(kantor.unrecorded).toBe(0);
    expect(kantor.longestOutageSec).toBeCloseTo(86_400, 0);
    const sekolah = groups.find((g) => g.group === 'Sekolah Ramah')!;
    expect(sekolah).toMatchObject({ outages: 4, unrecorded: 4 });
  });

  it('groups by agency on request', async () => {
    const groups = await groupsOf(admin, '?by=agency');
    expect(groups.map((g) => [g.group, g.state, g.cameras])).toEqual([
      ['Diskominfo', 'dying', 2],
      // Four outages over two cameras: two each, under repeatedOutages (3 per camera).
      ['Disperindag', 'healthy', 2],
    ]);
  });

  it('shows each user only the cameras its grants reach', async () => {
    expect((await groupsOf(viewer)).map((g) => g.group).sort()).toEqual(['Kantor Bersih', 'Sekolah Ramah']);
  });

  it('answers CSV with ?format=csv or Accept: text/csv', async () => {
    const res = await admin.get('/api/reports/innovations?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const [head, ...rows] = res.text.trim().split('\r\n');
    expect(head).toContain('innovation,state,reasons,launched_on,cameras,days_monitored,uptime_since_launch');
    expect(head).toContain('cause_power');
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^"Masjid Aman","dead",/);
    const byAccept = await admin.request('GET', '/api/reports/innovations?by=agency', undefined, { accept: 'text/csv' });
    expect(byAccept.text.split('\r\n')[0]).toMatch(/^agency,state,/);
    expect((await admin.get('/api/reports/innovations?by=site')).status).toBe(400);
  });
});

describe('the weekly digest', () => {
  it('names the innovations whose state changed since the last digest, and links the report', async () => {
    const { make } = await signedInClients(pantau);
    const head = await make('kadis-kominfo', 'viewer', [{ scope: 'agency', value: 'Diskominfo' }]);
    await admin.patch(`/api/users/${head.id}`, { headOf: ['Diskominfo'] });
    await head.client.post('/api/contacts', { channel: 'webhook', address: `${hook.origin}/digest` });
    expect(pantau.alerting.digest.send()).toBeGreaterThanOrEqual(1);
    await hook.waitFor(1, 10_000);
    const lines = (JSON.parse(hook.requests[0]!.body.toString()).digest as string[]).join('\n');
    expect(lines).toContain('Inovasi Masjid Aman: baru → mati');
    expect(lines).toContain('Inovasi Pasar Pintar: baru → sekarat');
    expect(lines).not.toContain('Sekolah Ramah'); // another agency's
    expect(lines).toContain('#/laporan');
    // Remembered: the next digest names only what moved since.
    expect(pantau.store.reportStates.all().get('Masjid Aman')).toBe('dead');
    pantau.store.reportStates.save(new Map([['Masjid Aman', 'dying']]), now);
    expect(stateChanges(pantau.store.reportStates.all(), (await groupsOf(admin)).map((g) => ({ group: g.group, state: g.state as never }))).map((c) => c.group)).toEqual(['Masjid Aman']);
  });
});
