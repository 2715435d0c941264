/**
 * Finding 7: `/api/alerts` and `/api/notifications` showed a viewer the cameras of a grouped
 * alert outside its grants, and everyone the deliveries of every recipient: other users'
 * contact ids and the error texts of their failed sends. Now an alert lists only the cameras the
 * user may see, and a delivery is shown only to its contact's user and to admins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/domain/status.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';

let pantau: TestPantau;
let admin: Client;
let hook: FakeHttpServer;
let brokenHook: FakeHttpServer;
let ownerA: Client;
let ownerB: Client;
let viewer: Client;
let contactA: string;
let contactB: string;
let camA: string;
let camB: string;

const down = (cameraId: string): ProbeResult => ({ cameraId, at: Date.now(), layers: { tcp: { ok: false, reason: 'refused', reached: false } } });

interface Listed {
  kind: string;
  cameras: { cameraId: string }[];
  outageIds: string[];
  deliveries: { contactId: string; lastError: string | null }[];
}

beforeAll(async () => {
  hook = await new FakeHttpServer().start();
  // B's receiver fails with words of its own, which land in B's delivery errors.
  brokenHook = await new FakeHttpServer({ status: 503, body: 'relay B down for maintenance' }).start();
  pantau = await startTestPantau({
    alerts: { graceSec: 1, delivery: { baseDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: 3, claimMs: 5000 } },
  });
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  const a = await clients.make('pemilik-a', 'owner');
  const b = await clients.make('pemilik-b', 'owner');
  ownerA = a.client;
  ownerB = b.client;
  const camera = async (name: string, owner: string) => {
    const res = await admin.post('/api/cameras', { name, site: 'Masjid Raya', agency: 'Dinas Kominfo', owners: [owner], rtspUrl: 'rtsp://127.0.0.1:9/x', checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 1 });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  camA = await camera('Menara A', a.id);
  camB = await camera('Menara B', b.id);
  viewer = (await clients.make('pengamat', 'viewer', [{ scope: 'camera', value: camA }])).client;
  const contact = async (userId: string, address: string) => {
    const res = await admin.post('/api/contacts', { userId, channel: 'webhook', address });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  contactA = await contact(a.id, `${hook.origin}/a`);
  contactB = await contact(b.id, `${brokenHook.origin}/b`);

  for (const id of [camA, camB]) for (let i = 0; i < 2; i++) pantau.monitor.record(down(id), 'liveness');
  await waitFor('both sends tried', async () => {
    pantau.alerting.alerts.tick();
    return hook.requests.length > 0 && brokenHook.requests.length > 0 ? true : undefined;
  }, 15_000, 200);
  await waitFor('B’s failure recorded', async () => {
    const listed = (await admin.get('/api/alerts')).body as Listed[];
    return listed.some((x) => x.deliveries.some((d) => d.lastError)) ? true : undefined;
  }, 10_000);
});
afterAll(async () => {
  await pantau?.stop();
  await Promise.all([hook?.stop(), brokenHook?.stop()]);
});

const group = async (client: Client) => ((await client.get('/api/alerts')).body as Listed[]).find((x) => x.kind === 'group');

describe('alerts and notifications show only what is the user’s', () => {
  it('the admin sees the whole group with every delivery', async () => {
    const all = (await group(admin))!;
    expect(all.cameras.map((c) => c.cameraId).sort()).toEqual([camA, camB].sort());
    expect(all.deliveries.map((d) => d.contactId).sort()).toEqual([contactA, contactB].sort());
  });

  it('a viewer sees only the granted camera of the group, and no one’s deliveries', async () => {
    const seen = (await group(viewer))!;
    expect(seen.cameras.map((c) => c.cameraId)).toEqual([camA]);
    expect(seen.outageIds.every((o) => o.startsWith(`${camA}:`))).toBe(true);
    expect(seen.deliveries).toEqual([]);
    const log = await viewer.get(`/api/notifications?cameraId=${camA}`);
    expect(log.status).toBe(200);
    expect(log.body).toEqual([]);
    const everything = viewer.received.join('\n');
    for (const secret of [camB, contactA, contactB, 'relay B down']) expect(everything).not.toContain(secret);
    // Nor by asking for the camera it may not see.
    expect((await viewer.get(`/api/notifications?cameraId=${camB}`)).status).toBe(404);
    expect((await viewer.get(`/api/alerts?cameraId=${camB}`)).status).toBe(404);
  });

  it('an owner sees its own camera and its own deliveries, never the other owner’s contact or errors', async () => {
    const seen = (await group(ownerA))!;
    expect(seen.cameras.map((c) => c.cameraId)).toEqual([camA]);
    expect(seen.deliveries.map((d) => d.contactId)).toEqual([contactA]);
    const log = (await ownerA.get(`/api/notifications?cameraId=${camA}`)).body as { contactId: string; outageId: string | null }[];
    expect(log.map((d) => d.contactId)).toEqual([contactA]);
    // Each names the outage of this camera it was about (for recording its cause), never the group's other one.
    expect(log.map((d) => d.outageId)).toEqual([pantau.alerting.alerts.openOutageId(camA)]);
    const everything = ownerA.received.join('\n');
    for (const secret of [camB, contactB, 'relay B down']) expect(everything).not.toContain(secret);
  });

  it('the other owner sees its own failed delivery with its error', async () => {
    const log = (await ownerB.get(`/api/notifications?cameraId=${camB}`)).body as { contactId: string; attempts: { error: string | null }[] }[];
    expect(log.map((d) => d.contactId)).toEqual([contactB]);
    expect(log[0]!.attempts[0]!.error).toMatch(/503/);
  });
});
