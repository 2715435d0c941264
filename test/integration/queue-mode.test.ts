/**
 * Queue mode end to end on the shared Redis (own key prefix, removed afterwards): the server
 * keeps one job scheduler per camera and kind on the camera's lane, workers probe and send
 * results back, the server stores them. A site worker takes only its site's cameras; without
 * it they are `unknown` (no_worker), never `down`, and admins get a notice. Credentials travel
 * sealed. The embedded mode never loads bullmq.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LANE, siteLane } from '../../src/jobs/probe-jobs.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { RtspResponderSimulator } from '../support/index.js';
import { signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { inProcessWorker, QUEUE_SECRET, recordRounds, redisBlock } from '../support/queue.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';

const PREFIX = `test-${randomUUID()}`;
const RTSP_PASSWORD = 'kata-sandi-rahasia-77';
const redis = redisBlock(REDIS_URL, PREFIX, { siteQueues: ['lasusua'] });

let pantau: TestPantau;
let admin: Client;
let rounds: ReturnType<typeof recordRounds>;
const sims: RtspResponderSimulator[] = [];
const workers: Array<{ stop(): Promise<void> }> = [];
const ids: Record<string, string> = {};
let siteWorker: Awaited<ReturnType<typeof inProcessWorker>>;
let hook: FakeHttpServer;

const status = async (id: string) => (await admin.get(`/api/cameras/${id}/status`)).body as { status: string; reason: string };
const until = (id: string, want: string, timeoutMs = 15_000) =>
  waitFor(`camera ${id} to be ${want}`, async () => {
    const s = await status(id);
    return s.status === want ? s : undefined;
  }, timeoutMs, 100);

async function schedulers(lane: string): Promise<string[]> {
  const r = new Redis(REDIS_URL);
  try {
    return (await r.zrange(`${PREFIX}:${lane}:repeat`, '0', '-1')).sort();
  } finally {
    r.disconnect();
  }
}

beforeAll(async () => {
  // The cameras answer DESCRIBE only (no picture to judge): no first-picture wait (config probes).
  pantau = await startTestPantau({ secret: QUEUE_SECRET, redis, probes: { livenessTimeoutMs: 1000, awaitPictureBeforeUp: false } });
  rounds = recordRounds(pantau);
  ({ admin } = await signedInClients(pantau));
  hook = await new FakeHttpServer().start();
  expect((await admin.post('/api/contacts', { channel: 'webhook', address: `${hook.origin}/pantau`, language: 'en' })).status).toBe(201);
  const central = new RtspResponderSimulator();
  const mosque = new RtspResponderSimulator({ username: 'admin', password: RTSP_PASSWORD });
  for (const s of [central, mosque]) {
    await s.start();
    sims.push(s);
  }
  const base = { agency: 'Diskominfo', checkIntervalSec: 5, imageCheckIntervalSec: 86_400 };
  for (const [name, body] of [
    ['central', { site: 'Kantor Bupati', rtspUrl: central.url }],
    ['mosque', { site: 'Lasusua', rtspUrl: mosque.url, rtspAuth: { username: 'admin', password: RTSP_PASSWORD } }],
  ] as const) {
    const res = await admin.post('/api/cameras', { name, ...base, ...body });
    expect(res.status, res.text).toBe(201);
    ids[name] = res.body.id;
  }
  workers.push(await inProcessWorker(redis));
  siteWorker = await inProcessWorker(redis, ['lasusua']);
  workers.push(siteWorker);
});

afterAll(async () => {
  await Promise.allSettled(workers.map((w) => w.stop()));
  await pantau?.stop();
  await Promise.allSettled([...sims.map((s) => s.stop()), hook?.stop()]);
  await deleteKeys(REDIS_URL, PREFIX);
});

describe('queue mode', () => {
  it('probes through workers: each camera on its lane, one scheduler per camera and kind', async () => {
    await until(ids.central!, 'up');
    await until(ids.mosque!, 'up');
    expect(await schedulers(DEFAULT_LANE)).toEqual([`image:${ids.central}`, `probe:${ids.central}`].sort());
    expect(await schedulers(siteLane('lasusua'))).toEqual([`image:${ids.mosque}`, `probe:${ids.mosque}`].sort());
    const byCamera = (id: string) => new Set(rounds.filter((r) => r.cameraId === id).map((r) => r.worker));
    expect([...byCamera(ids.mosque!)]).toEqual([siteWorker.name]);
    expect(byCamera(ids.central!).has(siteWorker.name)).toBe(false);
  });

  it('carries credentials sealed: no password in Redis, yet the worker signs in', async () => {
    const r = new Redis(REDIS_URL);
    try {
      let cursor = '0';
      let dump = '';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          const type = await r.type(key);
          if (type === 'hash') dump += JSON.stringify(await r.hgetall(key));
          else if (type === 'string') dump += await r.get(key);
          else if (type === 'list') dump += (await r.lrange(key, 0, -1)).join();
        }
      } while (cursor !== '0');
      expect(dump).toContain(ids.mosque!);
      expect(dump).not.toContain(RTSP_PASSWORD);
    } finally {
      r.disconnect();
    }
    expect(sims[1]!.requests.DESCRIBE).toBeGreaterThan(0);
    expect((await status(ids.mosque!)).status).toBe('up');
  });

  it('a site without a live worker is unknown (no_worker), not down, and admins are told', async () => {
    await siteWorker.stop();
    const s = await until(ids.mosque!, 'unknown');
    expect(s.reason).toBe('no_worker');
    expect((await status(ids.central!)).status).toBe('up');
    const metrics = (await admin.get('/metrics')).text;
    expect(metrics).toMatch(/pantau_queue_lanes_without_worker 1/);
    expect(metrics).toContain(`pantau_queue_workers{lane="${siteLane('lasusua')}"} 0`);
    expect(pantau.logText()).toContain('no worker serves this probe lane');
    const notices = () => pantau.store.notifications.alertsFor(null, 0).map((a) => a.key).filter((k) => k.startsWith(`notice:no-worker:${siteLane('lasusua')}:`));
    expect(notices().filter((k) => k.endsWith(':lost'))).toHaveLength(1);
    await hook.waitFor(1, 10_000);
    expect(hook.requests[0]!.body.toString()).toContain(siteLane('lasusua'));

    // A site worker again: the cameras resume where they stood, with no flip to down.
    siteWorker = await inProcessWorker(redis, ['lasusua']);
    workers.push(siteWorker);
    await until(ids.mosque!, 'up');
    const flips = pantau.store.flips.forWindow(ids.mosque!, 0, Date.now() + 1).flips.map((f) => `${f.from}>${f.to}:${f.reason}`);
    expect(flips).toEqual(['unknown>up:ok', 'up>unknown:no_worker', 'unknown>up:monitor_resumed']);
    await waitFor('the all-clear notice', async () => (notices().some((k) => k.endsWith(':back')) ? true : undefined), 5000, 100);
    expect(notices()).toHaveLength(2);
  });

  it('pausing or deleting a camera removes its schedulers', async () => {
    expect((await admin.patch(`/api/cameras/${ids.central}`, { enabled: false })).status).toBe(200);
    await waitFor('the schedulers to go', async () => ((await schedulers(DEFAULT_LANE)).length === 0 ? true : undefined), 5000, 100);
    expect((await admin.patch(`/api/cameras/${ids.central}`, { enabled: true })).status).toBe(200);
    await waitFor('the schedulers to return', async () => ((await schedulers(DEFAULT_LANE)).length === 2 ? true : undefined), 5000, 100);
    expect((await admin.delete(`/api/cameras/${ids.mosque}`)).status).toBe(204);
    await waitFor('the site schedulers to go', async () => ((await schedulers(siteLane('lasusua'))).length === 0 ? true : undefined), 5000, 100);
  });
});
