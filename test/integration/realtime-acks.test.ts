/**
 * Acknowledgements pushed live: when an outage is taken on, through the API or a message's
 * signed link, every socket whose user may see the camera hears who took it on and when, and
 * a socket whose user may not see it hears nothing. Real Pantau, real socket.io clients, a
 * webhook inbox standing in for the owner's contact (it carries the acknowledge link).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/domain/status.js';
import type { AckEvent } from '../../src/realtime/contract.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { RecordingClient, sessionCookie, sleep } from './realtime-client.js';

let pantau: TestPantau;
let hook: FakeHttpServer;
let owner: Client;
const ids: Record<'a' | 'b', string> = { a: '', b: '' };
const sockets: Record<'admin' | 'owner' | 'viewer' | 'stranger', RecordingClient> = {} as never;
const acks: Record<keyof typeof sockets, AckEvent[]> = { admin: [], owner: [], viewer: [], stranger: [] };

const down = (cameraId: string): ProbeResult => ({ cameraId, at: Date.now(), layers: { tcp: { ok: false, reason: 'refused', reached: false } } });

async function darkOutage(cameraId: string): Promise<string> {
  for (let i = 0; i < 2; i++) pantau.monitor.record(down(cameraId), 'liveness');
  return waitFor('the outage', async () => sockets.admin.outages.find((o) => o.cameraId === cameraId && o.state === 'opened')?.id, 10_000);
}

beforeAll(async () => {
  hook = await new FakeHttpServer().start();
  pantau = await startTestPantau({ alerts: { graceSec: 0, delivery: { baseDelayMs: 200, maxDelayMs: 400, maxAttempts: 3, claimMs: 5000 } } });
  const { admin, make } = await signedInClients(pantau);
  const budi = await make('budi', 'owner');
  owner = budi.client;
  expect((await owner.post('/api/contacts', { channel: 'webhook', address: `${hook.origin}/budi` })).status).toBe(201);
  await make('pengamat', 'viewer', [{ scope: 'agency', value: 'Dinas A' }]);
  await make('orang-lain', 'viewer', [{ scope: 'agency', value: 'Dinas B' }]);
  const add = async (name: string, agency: string) => {
    const res = await admin.post('/api/cameras', { name, site: name, agency, rtspUrl: 'rtsp://127.0.0.1:9/x', checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 0, owners: [budi.id] });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  ids.a = await add('Kamera A', 'Dinas A');
  ids.b = await add('Kamera B', 'Dinas A');
  const logins = { admin: ['admin', ADMIN_PASSWORD], owner: ['budi', 'budi-password'], viewer: ['pengamat', 'pengamat-password'], stranger: ['orang-lain', 'orang-lain-password'] } as const;
  for (const [who, [user, password]] of Object.entries(logins) as [keyof typeof sockets, readonly [string, string]][]) {
    const client = new RecordingClient(pantau.url, await sessionCookie(pantau.url, user, password));
    client.socket.on('ack', (e) => acks[who].push(e));
    sockets[who] = await client.connect();
  }
});

afterAll(async () => {
  for (const s of Object.values(sockets)) s.close();
  await pantau?.stop();
  await hook?.stop();
});

describe('acknowledgements pushed live', () => {
  it('an acknowledgement through the API reaches every socket that may see the camera, and no other', async () => {
    const outageId = await darkOutage(ids.a);
    const res = await owner.post(`/api/alerts/${encodeURIComponent(outageId)}/ack`);
    expect(res.status, res.text).toBe(200);
    for (const who of ['admin', 'owner', 'viewer'] as const) {
      const got = await waitFor(`${who} to hear the ack`, async () => acks[who].find((a) => a.outageId === outageId), 5000);
      expect(got).toEqual({ outageId, cameraId: ids.a, by: 'budi', at: res.body.at });
    }
    // The stranger's socket is connected and hears its own statuses; the ack was not for it.
    await sleep(300);
    expect(acks.stranger).toEqual([]);
    // A second acknowledgement changes nothing, so nobody is told again.
    await owner.post(`/api/alerts/${encodeURIComponent(outageId)}/ack`);
    await sleep(300);
    expect(acks.admin.filter((a) => a.outageId === outageId)).toHaveLength(1);
  });

  it('an acknowledgement from the link in a message is pushed the same way', async () => {
    const before = hook.requests.length;
    const outageId = await darkOutage(ids.b);
    const alert = await waitFor(
      'the alert with its acknowledge link',
      async () => hook.requests.slice(before).map((r) => JSON.parse(r.body.toString())).find((e) => e.camera?.id === ids.b && e.ackUrl),
      15_000,
    );
    const token = new URL(alert.ackUrl as string).pathname.split('/').pop()!;
    const res = await fetch(`${pantau.url}/ack/${token}`, { method: 'POST' });
    expect(res.status).toBe(200);
    const got = await waitFor('the viewer to hear the ack', async () => acks.viewer.find((a) => a.outageId === outageId), 5000);
    expect(got).toMatchObject({ cameraId: ids.b, by: 'budi' });
    await sleep(300);
    expect(acks.stranger).toEqual([]);
  });
});
