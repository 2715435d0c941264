/**
 * Finding 4: an owner received and could acknowledge other owners' outages. A site's grouped
 * alert and a router's alert (with the cameras behind it) went to the owners of every camera in
 * them, each message listing every camera; an acknowledge link covered all of its outages; an
 * owner could name any camera as its camera's parent and any site as its site.
 * Replayed here against a running Pantau with one webhook per owner (set by the admin), and
 * each exact request body checked.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/domain/status.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { ackToken } from '../../src/services/alert-messages.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';

let pantau: TestPantau;
let admin: Client;
let hook: FakeHttpServer;
const users: Record<'a' | 'b' | 'x', { id: string; client: Client }> = {} as never;

const down = (cameraId: string): ProbeResult => ({ cameraId, at: Date.now(), layers: { tcp: { ok: false, reason: 'refused', reached: false } } });
/** Two rounds confirm a change (the default). */
function goDown(...cameraIds: string[]): void {
  for (const id of cameraIds) for (let i = 0; i < 2; i++) pantau.monitor.record(down(id), 'liveness');
}

async function camera(name: string, site: string, agency: string, owner: 'a' | 'b' | 'x', extra: Record<string, unknown> = {}): Promise<string> {
  const res = await admin.post('/api/cameras', { name, site, agency, owners: [users[owner].id], rtspUrl: 'rtsp://127.0.0.1:9/x', checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 1, ...extra });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

interface HookBody {
  event: string;
  cameras: { id: string }[];
  ackUrl: string | null;
  text: string;
}
/** What each owner's webhook received, in order. */
const received = (who: 'a' | 'b' | 'x'): HookBody[] => hook.requests.filter((r) => r.path === `/${who}`).map((r) => JSON.parse(r.body.toString()) as HookBody);

/** Ticks the alert policy until every named owner has `count` messages (the grace, a second, is the group window). */
async function messages(count: number, ...who: ('a' | 'b' | 'x')[]): Promise<void> {
  await waitFor(`${count} messages to ${who.join(', ')}`, async () => {
    pantau.alerting.alerts.tick();
    return who.every((w) => received(w).length >= count) ? true : undefined;
  }, 15_000, 200);
}

const outageOf = (cameraId: string) => pantau.alerting.alerts.openOutageId(cameraId)!;
const linkOutages = (ackUrl: string): string[] => JSON.parse(Buffer.from(ackUrl.split('/ack/')[1]!.split('.')[0]!, 'base64url').toString()).o;

let a1: string;
let b1: string;

beforeAll(async () => {
  hook = await new FakeHttpServer().start();
  pantau = await startTestPantau({
    server: { port: 0, host: '127.0.0.1', publicUrl: 'https://pantau.kolutkab.go.id' },
    alerts: { graceSec: 1, delivery: { baseDelayMs: 200, maxDelayMs: 400, maxAttempts: 3, claimMs: 5000 } },
  });
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  for (const who of ['a', 'b', 'x'] as const) {
    users[who] = await clients.make(`pemilik-${who}`, 'owner');
    // Set by the admin: addresses an admin sets are the admin's call (no outbound-address policy in the way).
    const res = await admin.post('/api/contacts', { userId: users[who].id, channel: 'webhook', address: `${hook.origin}/${who}`, language: 'en' });
    expect(res.status, res.text).toBe(201);
  }
  a1 = await camera('Menara A', 'Masjid Raya', 'Dinas Kominfo', 'a');
  b1 = await camera('Menara B', 'Masjid Raya', 'Dinas Kominfo', 'b');
});
afterAll(async () => {
  await pantau?.stop();
  await hook?.stop();
});

describe('a site group tells each owner only of its own cameras', () => {
  it('sends one grouped alert, and each owner reads only its camera', async () => {
    goDown(a1, b1);
    await messages(1, 'a', 'b');
    const grouped = (await admin.get('/api/alerts')).body.find((x: { kind: string }) => x.kind === 'group');
    expect(grouped.cameras.map((c: { cameraId: string }) => c.cameraId).sort()).toEqual([a1, b1].sort());

    const [toA] = received('a');
    const [toB] = received('b');
    expect(toA!.cameras.map((c) => c.id)).toEqual([a1]);
    expect(toB!.cameras.map((c) => c.id)).toEqual([b1]);
    expect(toA!.text).not.toContain('Menara B');
    expect(toB!.text).not.toContain('Menara A');
    // Each link covers only the recipient's own outage.
    expect(linkOutages(toA!.ackUrl!)).toEqual([outageOf(a1)]);
    expect(linkOutages(toB!.ackUrl!)).toEqual([outageOf(b1)]);
  });

  it('an acknowledge link acknowledges only what its user may acknowledge, even a link naming more', async () => {
    // A link as Pantau signed them before: every outage of the group, for owner B.
    const box = SecretBox.fromKeyFile(path.join(pantau.dataDir, 'secret.key'));
    const token = ackToken([outageOf(a1), outageOf(b1)], users.b.id, { box, now: Date.now() });
    const res = await fetch(`${pantau.url}/ack/${token}`, { method: 'POST' });
    expect(res.status).toBe(200);
    // The page's link opens the one camera it acknowledged.
    expect(await res.text()).toContain(`href="/#/kamera/${encodeURIComponent(b1)}"`);
    expect(pantau.store.notifications.acknowledgementOf(outageOf(b1))?.by).toBe('pemilik-b');
    expect(pantau.store.notifications.acknowledgementOf(outageOf(a1))).toBeUndefined();
    // Nor through the API.
    expect((await users.b.client.post(`/api/alerts/${encodeURIComponent(outageOf(a1))}/ack`)).status).toBe(404);
    expect(pantau.store.notifications.acknowledgementOf(outageOf(a1))).toBeUndefined();
  });
});

describe('a parent tells the owners behind it only of what they may see', () => {
  it('sends the router alert with the camera behind it, each owner reading only its own device', async () => {
    const router = await camera('Router Kecamatan', 'Kantor Camat', 'Dinas PU', 'a');
    const behind = await camera('Kamera Loket', 'Kantor Camat', 'Dinas PU', 'b', { parentId: router });
    const before = { a: received('a').length, b: received('b').length };
    goDown(router, behind);
    await messages(before.a + 1, 'a');
    await messages(before.b + 1, 'b');
    const toA = received('a')[before.a]!;
    const toB = received('b')[before.b]!;
    expect(toA.cameras.map((c) => c.id)).toEqual([router]);
    expect(toB.cameras.map((c) => c.id)).toEqual([behind]);
    expect(toB.text).not.toContain('Router Kecamatan');
    expect(linkOutages(toB.ackUrl!)).toEqual([outageOf(behind)]);
  });

  it('refuses an owner a parent it may not see, worded as for one that does not exist', async () => {
    const own = await camera('Kamera Pasar', 'Pasar Sentral', 'Dinas Pasar', 'x');
    const hidden = await camera('Router Lain', 'Kantor Lain', 'Dinas Kominfo', 'a');
    const res = await users.x.client.patch(`/api/cameras/${own}`, { parentId: hidden });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ path: 'parentId', message: `no camera or device with id "${hidden}"` }]);
    expect((await users.x.client.patch(`/api/cameras/${own}`, { parentId: 'no-such-id' })).body.issues).toEqual([
      { path: 'parentId', message: 'no camera or device with id "no-such-id"' },
    ]);
    expect(pantau.store.cameras.get(own)!.parentId).toBeNull();
    // A parent the admin set stays through the owner's other edits.
    expect((await admin.patch(`/api/cameras/${own}`, { parentId: hidden })).status).toBe(200);
    expect((await users.x.client.patch(`/api/cameras/${own}`, { name: 'Kamera Pasar Baru' })).status).toBe(200);
    expect(pantau.store.cameras.get(own)!.parentId).toBe(hidden);
  });
});

describe('a site named after another agency’s site joins nothing of theirs', () => {
  it('groups the owner’s camera apart, and neither side reads the other', async () => {
    const theirs = await camera('Menara C', 'Masjid Agung', 'Dinas Kominfo', 'a');
    const mine = await camera('Kamera X', 'Pasar Ikan', 'Dinas Pasar', 'x');
    const renamed = await users.x.client.patch(`/api/cameras/${mine}`, { site: 'Masjid Agung' });
    expect(renamed.status, renamed.text).toBe(200);
    // Nor may it move the camera into their agency.
    expect((await users.x.client.patch(`/api/cameras/${mine}`, { agency: 'Dinas Kominfo' })).status).toBe(403);

    const before = { a: received('a').length, x: received('x').length };
    goDown(theirs, mine);
    await messages(before.a + 1, 'a');
    await messages(before.x + 1, 'x');
    expect(received('a')[before.a]!.cameras.map((c) => c.id)).toEqual([theirs]);
    expect(received('x')[before.x]!.cameras.map((c) => c.id)).toEqual([mine]);
    // Two alerts, not one group: grouping is by site within an agency.
    const all = (await admin.get('/api/alerts')).body as { cameras: { cameraId: string }[] }[];
    const withMine = all.filter((x) => x.cameras.some((c) => c.cameraId === mine));
    expect(withMine).toHaveLength(1);
    expect(withMine[0]!.cameras.map((c) => c.cameraId)).toEqual([mine]);
  });
});
