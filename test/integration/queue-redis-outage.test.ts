/**
 * Fault: Redis dies (SIGKILL, no persistence: every job, scheduler and heartbeat is lost) for
 * a while and comes back on the same port. The server and the workers reconnect by themselves,
 * the server re-plans its schedulers, and probing resumes. The gap is `unknown`
 * (queue_offline) — no flip to down or degraded is invented — and the alert outbox, which
 * lives in SQLite and is sent by the server, neither loses nor doubles a message.
 *
 * PANTAU_TEST_REDIS_DOWN_MS sets how long Redis stays away (default 10 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeHttpServer } from '../support/fake-http.js';
import { RtspResponderSimulator } from '../support/index.js';
import { signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { inProcessWorker, QUEUE_SECRET, redisBlock } from '../support/queue.js';
import { PrivateRedis } from '../support/redis.js';

const DOWN_MS = Number(process.env.PANTAU_TEST_REDIS_DOWN_MS ?? 10_000);

let redis: PrivateRedis;
let pantau: TestPantau;
let admin: Client;
let hook: FakeHttpServer;
const sims: RtspResponderSimulator[] = [];
const workers: Array<{ stop(): Promise<void> }> = [];
const steady: string[] = [];
let failing: { id: string; sim: RtspResponderSimulator };

const status = async (id: string) => (await admin.get(`/api/cameras/${id}/status`)).body as { status: string; reason: string };
const until = (id: string, want: (s: { status: string; reason: string }) => boolean, what: string, timeoutMs = 20_000) =>
  waitFor(`camera ${id}: ${what}`, async () => {
    const s = await status(id);
    return want(s) ? s : undefined;
  }, timeoutMs, 100);
const events = () => hook.requests.map((r) => String(r.headers['x-pantau-event']));
const flipsSince = (id: string, from: number) => pantau.store.flips.forWindow(id, from, Date.now() + 1).flips.map((f) => `${f.from}>${f.to}:${f.reason}`);

beforeAll(async () => {
  redis = await PrivateRedis.start();
  const queue = redisBlock(redis.url, 'pantau-outage');
  pantau = await startTestPantau({
    secret: QUEUE_SECRET,
    redis: queue,
    // The cameras answer DESCRIBE only (no picture to judge): no first-picture wait.
    probes: { livenessTimeoutMs: 1000, failuresToConfirm: 1, awaitPictureBeforeUp: false },
    alerts: { groupWindowSec: 0, delivery: { baseDelayMs: 200, maxDelayMs: 400, claimMs: 5000 } },
  });
  ({ admin } = await signedInClients(pantau));
  hook = await new FakeHttpServer().start();
  expect((await admin.post('/api/contacts', { channel: 'webhook', address: `${hook.origin}/pantau`, language: 'en' })).status).toBe(201);
  const add = async (name: string) => {
    const sim = new RtspResponderSimulator();
    await sim.start();
    sims.push(sim);
    const res = await admin.post('/api/cameras', { name, site: 'Kantor Bupati', agency: 'Diskominfo', rtspUrl: sim.url, checkIntervalSec: 5, imageCheckIntervalSec: 86_400, alertGraceSec: 0 });
    expect(res.status, res.text).toBe(201);
    return { id: res.body.id as string, sim };
  };
  for (const name of ['gerbang', 'lobi', 'parkir']) steady.push((await add(name)).id);
  failing = await add('menara');
  workers.push(await inProcessWorker(queue), await inProcessWorker(queue));
});

afterAll(async () => {
  await Promise.allSettled(workers.map((w) => w.stop()));
  await pantau?.stop();
  await Promise.allSettled([...sims.map((s) => s.stop()), hook?.stop(), redis?.stop()]);
});

describe('Redis stops for a while and comes back', () => {
  it('reconnects by itself; the gap is unknown, not down; no alert is lost or doubled', async () => {
    for (const id of [...steady, failing.id]) await until(id, (s) => s.status === 'up', 'up');
    await failing.sim.setMode('refuse');
    await until(failing.id, (s) => s.status === 'down', 'down');
    await waitFor('the down alert', async () => (events().includes('camera.down') ? true : undefined), 10_000, 100);

    const gapStart = Date.now();
    await redis.stop();
    for (const id of steady) await until(id, (s) => s.status === 'unknown' && s.reason === 'queue_offline', 'unknown while Redis is away');
    // The camera mends while nobody can look; the outage must stay one outage.
    await failing.sim.setMode('ok');
    await new Promise((r) => setTimeout(r, Math.max(0, DOWN_MS - (Date.now() - gapStart))));
    await redis.start();

    for (const id of steady) await until(id, (s) => s.status === 'up', 'up again after the gap');
    await until(failing.id, (s) => s.status === 'up', 'recovered after the gap', 30_000);
    await waitFor('the recovery', async () => (events().includes('camera.recovered') ? true : undefined), 10_000, 100);
    await new Promise((r) => setTimeout(r, 2000)); // room for a double to show

    for (const id of steady) expect(flipsSince(id, gapStart)).toEqual(['up>unknown:queue_offline', 'unknown>up:monitor_resumed']);
    expect(flipsSince(failing.id, gapStart)).toEqual(['down>unknown:queue_offline', 'unknown>down:monitor_resumed', 'down>up:ok']);
    expect(events().filter((e) => e.startsWith('camera.'))).toEqual(['camera.down', 'camera.recovered']);
    const outages = (await admin.get(`/api/cameras/${failing.id}/outages`)).body as { end: unknown }[];
    expect(outages).toHaveLength(1);
    // Admins heard that probing stopped and that it resumed, once each.
    expect(events().filter((e) => e === 'digest')).toHaveLength(2);
    expect(pantau.logText()).toContain('queue: probe schedules in place');
    expect(pantau.logText()).toContain('Redis reconnected');
  }, 90_000);
});
