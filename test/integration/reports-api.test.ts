/** Uptime, outages and the agency report over the API, from a prepared history. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { stateFromLastFlip } from '../../src/domain/restart.js';
import type { Flip } from '../../src/domain/status.js';
import type { Client} from '../support/pantau.js';
import { signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

const DAY = 86_400_000;
let pantau: TestPantau;
let admin: Client;
let viewer: Client;
const ids: Record<string, string> = {};
const now = Date.now();

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pantau-reports-'));
  const store = openStore(path.join(dataDir, 'pantau.db'));
  const start = now - 30 * DAY - 3_600_000;
  const camera = (name: string, agency: string) =>
    store.cameras.insert(
      { name, site: name, agency, location: null, innovation: { name: `Inovasi ${name}`, launchedOn: '2021-08-17' }, owners: [], onvif: null, rtsp: { url: 'rtsp://127.0.0.1:9/x', username: null, passwordEnc: null }, snapshot: null, checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 120, enabled: true, private: false, public: false, tags: [], parentId: null, externalId: null },
      start,
    ).id;
  ids.masjid = camera('Masjid', 'Diskominfo');
  ids.kantor = camera('Kantor', 'Diskominfo');
  ids.pasar = camera('Pasar', 'Disperindag');
  const history: Record<string, Flip[]> = {
    // Dark for the last ten days: an innovation dying quietly.
    masjid: [
      { cameraId: ids.masjid, at: start, from: 'unknown', to: 'up', reason: 'ok' },
      { cameraId: ids.masjid, at: now - 10 * DAY, from: 'up', to: 'down', reason: 'unreachable' },
    ],
    kantor: [{ cameraId: ids.kantor, at: start, from: 'unknown', to: 'up', reason: 'ok' }],
    // Black for 0.9 of a day twenty days ago: 97 % over 30 days.
    pasar: [
      { cameraId: ids.pasar, at: start, from: 'unknown', to: 'up', reason: 'ok' },
      { cameraId: ids.pasar, at: now - 20 * DAY, from: 'up', to: 'degraded', reason: 'black' },
      { cameraId: ids.pasar, at: now - 20 * DAY + 0.9 * DAY, from: 'degraded', to: 'up', reason: 'ok' },
    ],
  };
  for (const [name, flips] of Object.entries(history)) {
    for (const f of flips) store.flips.insert(f);
    store.flips.saveState(ids[name]!, stateFromLastFlip(ids[name]!, flips.at(-1)!, now), now);
  }
  store.close();
  pantau = await startTestPantau({}, dataDir);
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  viewer = (await clients.make('kadis-perdagangan', 'viewer', [{ scope: 'agency', value: 'Disperindag' }])).client;
});
afterAll(() => pantau.stop());

describe('uptime and outages', () => {
  it('GET /uptime gives uptime over time known, seconds per status, outages, MTTR', async () => {
    const res = await admin.get(`/api/cameras/${ids.pasar}/uptime?window=30d`);
    expect(res.status).toBe(200);
    expect(res.body.window).toBe('30d');
    expect(res.body.uptime).toBeCloseTo(1 - 0.9 / 30, 3);
    expect(res.body.secondsByStatus.degraded).toBeCloseTo(0.9 * 86_400, 0);
    expect(res.body.outages).toBe(1);
    expect(res.body.mttrSec).toBeCloseTo(0.9 * 86_400, 0);
    const week = (await admin.get(`/api/cameras/${ids.masjid}/uptime?window=7d`)).body;
    expect(week.uptime).toBe(0);
    expect(week.outages).toBe(0); // it started before the window
  });

  it('GET /outages lists each outage with start, end, duration and cause', async () => {
    const res = await admin.get(`/api/cameras/${ids.masjid}/outages`);
    expect(res.body).toEqual([expect.objectContaining({ open: true, end: null, cause: 'unreachable', worst: 'down', acknowledged: null })]);
    expect(res.body[0].id).toMatch(new RegExp(`^${ids.masjid}:\\d+$`));
    expect(res.body[0].durationSec).toBeCloseTo(10 * 86_400, -2);
    const closed = (await admin.get(`/api/cameras/${ids.pasar}/outages?from=${new Date(now - 25 * DAY).toISOString()}`)).body;
    expect(closed).toEqual([expect.objectContaining({ open: false, cause: 'black', endedBy: 'up' })]);
    expect((await admin.get(`/api/cameras/${ids.pasar}/outages?from=yesterday`)).status).toBe(400);
    expect((await admin.get(`/api/cameras/${ids.pasar}/uptime?window=2w`)).status).toBe(400);
  });
});

describe('uptime for status-page bars and grids', () => {
  it('GET /uptime/daily gives one entry per local day, null before the camera was known', async () => {
    const days = (await admin.get(`/api/cameras/${ids.pasar}/uptime/daily?days=40`)).body as { day: string; uptime: number | null }[];
    expect(days).toHaveLength(40);
    expect(days.slice(0, 8).every((d) => d.uptime === null)).toBe(true);
    expect(days.at(-1)!.uptime).toBe(1);
    // The 0.9-day black spell twenty days ago spans one or two local days; together they lose 0.9 of a day.
    const lost = days.filter((d) => d.uptime !== null).reduce((sum, d) => sum + (1 - d.uptime!), 0);
    expect(lost).toBeGreaterThan(0.85);
    expect(lost).toBeLessThan(1.5);
  });

  it('GET /api/uptime answers every visible camera at once', async () => {
    const all = (await admin.get('/api/uptime?window=30d')).body as Record<string, number | null>;
    expect(Object.keys(all).sort()).toEqual(Object.values(ids).sort());
    expect(all[ids.kantor!]).toBe(1);
    expect(all[ids.masjid!]).toBeCloseTo(20 / 30, 3);
    expect(Object.keys((await viewer.get('/api/uptime?window=30d')).body)).toEqual([ids.pasar]);
  });
});

describe('agency report', () => {
  it('gives zones per agency and the cameras dark for more than 7 days', async () => {
    const res = await admin.get('/api/reports/agencies?window=30d');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.agencies.map((a: { agency: string }) => [a.agency, a]));
    expect(byName.Diskominfo).toMatchObject({ cameras: 2, zone: 'red', dark: 1 });
    expect(byName.Diskominfo.uptime).toBeCloseTo((20 / 30 + 1) / 2, 3);
    expect(byName.Disperindag).toMatchObject({ cameras: 1, zone: 'yellow', dark: 0 });
    expect(res.body.dark).toEqual([expect.objectContaining({ cameraId: ids.masjid, cameraName: 'Masjid', innovation: 'Inovasi Masjid', status: 'down' })]);
    expect(res.body.dark[0].darkForMs).toBeGreaterThan(9.9 * DAY);
  });

  it('comes as CSV with Accept: text/csv or ?format=csv', async () => {
    const viaAccept = await admin.request('GET', '/api/reports/agencies?window=30d', undefined, { accept: 'text/csv' });
    expect(viaAccept.headers.get('content-type')).toContain('text/csv');
    const lines = viaAccept.text.trim().split('\r\n');
    expect(lines[0]).toBe('agency,cameras,uptime,zone,up,degraded,down,unknown,paused,dark');
    expect(lines).toContain('"Diskominfo","2","0.83333","red","1","0","1","0","0","1"');
    expect(viaAccept.text).toContain('"Masjid","Diskominfo","Inovasi Masjid","down"');
    const viaQuery = await admin.get('/api/reports/agencies?window=30d&format=csv');
    expect(viaQuery.text.split('\r\n')[0]).toBe(lines[0]);
  });

  it('shows a viewer only the agencies it may see', async () => {
    const res = await viewer.get('/api/reports/agencies?window=30d');
    expect(res.body.agencies.map((a: { agency: string }) => a.agency)).toEqual(['Disperindag']);
    expect(res.body.dark).toEqual([]);
    expect((await viewer.get(`/api/cameras/${ids.masjid}/uptime`)).status).toBe(404);
  });
});
