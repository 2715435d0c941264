/** A camera's owners are named by id or by username, in JSON as in CSV; a name that is neither is reported as a name. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClients, startTestPantau, type Client, type TestPantau } from '../support/pantau.js';

let pantau: TestPantau;
let admin: Client;
let budi: string;
let rina: string;

beforeAll(async () => {
  pantau = await startTestPantau();
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  budi = (await clients.make('budi', 'owner')).id;
  rina = (await clients.make('rina', 'owner')).id;
});
afterAll(() => pantau.stop());

const camera = { name: 'CCTV Pasar', site: 'Pasar Sentral', agency: 'Dinas Perdagangan', snapshotUrl: 'http://127.0.0.1:9/snap.jpg' };

describe('camera owners', () => {
  it('takes usernames and ids together in JSON, on create and on edit, and answers ids', async () => {
    const created = await admin.post('/api/cameras', { ...camera, owners: ['budi', rina] });
    expect(created.status, created.text).toBe(201);
    expect(created.body.owners.sort()).toEqual([budi, rina].sort());
    const edited = await admin.patch(`/api/cameras/${created.body.id}`, { owners: ['rina'] });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.owners).toEqual([rina]);
  });

  it('reports an owner that is neither an id nor a username at its place in the list', async () => {
    const res = await admin.post('/api/cameras', { ...camera, name: 'CCTV Pasar 2', owners: ['budi', 'siapa'] });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([expect.objectContaining({ path: 'owners.1' })]);
  });

  it('says in the CSV import that the owners column takes usernames, naming the unknown one', async () => {
    const csv = ['name,site,agency,snapshot_url,owners', `CCTV Terminal,Terminal,Dishub,http://127.0.0.1:9/snap.jpg,budi;${rina};siapa`].join('\n');
    const res = await admin.post('/api/cameras/import?dryRun=true', csv, { 'content-type': 'text/csv' });
    expect(res.status).toBe(422);
    const issues = res.body.rows[0].issues;
    expect(issues).toEqual([expect.objectContaining({ path: 'owners.2', code: 'unknown_user', params: { value: 'siapa' }, message: expect.stringContaining('no user named "siapa"') })]);
  });
});
