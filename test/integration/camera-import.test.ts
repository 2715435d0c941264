/** CSV import: good rows land together, a bad row stops the file unless partial import is asked for. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client} from '../support/pantau.js';
import { signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

let pantau: TestPantau;
let admin: Client;
let ownerId: string;

const HEADER = 'name,site,agency,lat,lng,address,innovation,innovation_launched_on,owners,onvif_host,onvif_port,onvif_username,onvif_password,rtsp_url,snapshot_url,check_interval_sec,enabled,tags,parent';
const GOOD = [
  'Router Masjid,Masjid Agung,Diskominfo,-3.45,120.85,"Jl. Poros, Lasusua",Pantau Masjid,2021-08-17,,127.0.0.1,80,admin,rahasia-router,,,60,true,router,',
  'CCTV Masjid Depan,Masjid Agung,Diskominfo,-3.45,120.85,,Pantau Masjid,2021-08-17,pemilik,,,,,rtsp://127.0.0.21/101,,30,ya,masjid;depan,Router Masjid',
];
const BAD = [
  'CCTV Rusak,Pasar,Disperindag,abc,120.8,,,,,,,,,ftp://127.0.0.30/x,,2,maybe,,',
  ',Pasar,Disperindag,,,,,,orang-tak-dikenal,,,,,,,,,,',
];

async function count(): Promise<number> {
  return (await admin.get('/api/cameras')).body.length;
}
const post = (csv: string, query = '') => admin.post(`/api/cameras/import${query}`, csv, { 'content-type': 'text/csv' });

beforeAll(async () => {
  pantau = await startTestPantau();
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  ownerId = (await clients.make('pemilik', 'owner')).id;
});
afterAll(() => pantau.stop());

describe('CSV import', () => {
  it('imports good rows with owners by username, parents by name, and sealed passwords', async () => {
    const res = await post([HEADER, ...GOOD].join('\n'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 2, failed: 0, dryRun: false });
    expect(res.body.rows.map((r: { row: number; ok: boolean }) => [r.row, r.ok])).toEqual([[2, true], [3, true]]);
    const cams = (await admin.get('/api/cameras')).body as any[];
    const router = cams.find((c) => c.name === 'Router Masjid');
    const front = cams.find((c) => c.name === 'CCTV Masjid Depan');
    expect(router).toMatchObject({ onvif: { host: '127.0.0.1', port: 80, username: 'admin', hasPassword: true }, checkIntervalSec: 60, location: { lat: -3.45, lng: 120.85, address: 'Jl. Poros, Lasusua' } });
    expect(front).toMatchObject({ owners: [ownerId], parentId: router.id, tags: ['masjid', 'depan'], innovation: { name: 'Pantau Masjid', launchedOn: '2021-08-17' } });
    expect(res.text).not.toContain('rahasia-router');
  });

  it('writes nothing when one row is bad, and says what is wrong in each row', async () => {
    const before = await count();
    const res = await post([HEADER, GOOD[0]!.replace('Router Masjid', 'Router Dua'), ...BAD].join('\n'));
    expect(res.status).toBe(422);
    expect(res.body.imported).toBe(0);
    expect(await count()).toBe(before);
    const [ok, bad1, bad2] = res.body.rows;
    expect(ok).toMatchObject({ row: 2, ok: true, id: null });
    expect(bad1.row).toBe(3);
    expect(bad1.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['lat', 'enabled', 'rtspUrl', 'checkIntervalSec']));
    expect(bad2.row).toBe(4);
    expect(bad2.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['name', 'owners.0', 'onvif']));
  });

  it('imports the good rows only when partial=true', async () => {
    const before = await count();
    const res = await post([HEADER, GOOD[0]!.replace('Router Masjid', 'Router Tiga'), ...BAD].join('\n'), '?partial=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 1, failed: 2 });
    expect(await count()).toBe(before + 1);
  });

  it('checks without writing on dryRun=true', async () => {
    const before = await count();
    const res = await post([HEADER, GOOD[0]!.replace('Router Masjid', 'Router Empat')].join('\n'), '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 0, failed: 0, dryRun: true });
    expect(await count()).toBe(before);
  });

  it('refuses unknown columns, broken CSV and empty files with a clear reason', async () => {
    const unknown = await post('name,site,agency,colour\nA,B,C,red');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('colour');
    const broken = await post('name,site,agency\n"A,B,C');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toBe('bad_csv');
    expect((await post('name,site,agency\n')).body.message).toContain('no rows');
  });
});
