/**
 * Fault: the server restarts in queue mode (the workers go on). Its job schedulers are
 * re-asserted under the same ids, so none is doubled and every camera is still probed exactly
 * once per interval; an outage open before the restart is still open after it.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LANE } from '../../src/jobs/probe-jobs.js';
import { RtspResponderSimulator } from '../support/index.js';
import { signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { inProcessWorker, QUEUE_SECRET, recordRounds, redisBlock } from '../support/queue.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';

const PREFIX = `test-${randomUUID()}`;
const INTERVAL_MS = 5000;
const queue = redisBlock(REDIS_URL, PREFIX);
// The cameras answer DESCRIBE only (no picture to judge): no first-picture wait.
const settings = { secret: QUEUE_SECRET, redis: queue, probes: { livenessTimeoutMs: 1000, failuresToConfirm: 1, awaitPictureBeforeUp: false } };

let pantau: TestPantau;
let admin: Client;
const sims: RtspResponderSimulator[] = [];
const workers: Array<{ stop(): Promise<void> }> = [];
const ids: string[] = [];
let broken: string;

const status = async (id: string) => (await admin.get(`/api/cameras/${id}/status`)).body as { status: string };
const until = (id: string, want: string) =>
  waitFor(`camera ${id} to be ${want}`, async () => ((await status(id)).status === want ? true : undefined), 20_000, 100);

async function schedulerCount(): Promise<number> {
  const r = new Redis(REDIS_URL);
  try {
    return await r.zcard(`${PREFIX}:${DEFAULT_LANE}:repeat`);
  } finally {
    r.disconnect();
  }
}

beforeAll(async () => {
  pantau = await startTestPantau(settings);
  ({ admin } = await signedInClients(pantau));
  for (const name of ['satu', 'dua', 'tiga', 'empat']) {
    const sim = new RtspResponderSimulator({ mode: name === 'empat' ? 'refuse' : 'ok' });
    await sim.start();
    sims.push(sim);
    const res = await admin.post('/api/cameras', { name, site: 'Pasar', agency: 'Diskominfo', rtspUrl: sim.url, checkIntervalSec: INTERVAL_MS / 1000, imageCheckIntervalSec: 86_400 });
    expect(res.status, res.text).toBe(201);
    ids.push(res.body.id);
  }
  broken = ids[3]!;
  workers.push(await inProcessWorker(queue));
});

afterAll(async () => {
  await Promise.allSettled(workers.map((w) => w.stop()));
  await pantau?.stop();
  await Promise.allSettled(sims.map((s) => s.stop()));
  await deleteKeys(REDIS_URL, PREFIX);
});

describe('the server restarts', () => {
  it('does not double its schedulers, keeps probing once per interval, and keeps the open outage open', async () => {
    for (const id of ids.slice(0, 3)) await until(id, 'up');
    await until(broken, 'down');
    const outageBefore = (await admin.get(`/api/cameras/${broken}/outages`)).body as { start: string; end: string | null }[];
    expect(outageBefore).toHaveLength(1);
    expect(outageBefore[0]!.end).toBeNull();
    expect(await schedulerCount()).toBe(8);

    const dataDir = pantau.dataDir;
    await pantau.stop({ keepData: true });
    await new Promise((r) => setTimeout(r, 1000));
    pantau = await startTestPantau(settings, dataDir);
    ({ admin } = await signedInClients(pantau));
    const rounds = recordRounds(pantau);
    expect(await schedulerCount()).toBe(8);

    // Two whole intervals after the restart: each camera exactly once per interval.
    const from = Math.ceil(Date.now() / INTERVAL_MS) * INTERVAL_MS;
    const to = from + 2 * INTERVAL_MS;
    await new Promise((r) => setTimeout(r, to - Date.now() + 1500));
    for (const id of ids) {
      const ticks = rounds.filter((r) => r.cameraId === id && r.kind === 'liveness' && r.scheduledAt >= from && r.scheduledAt < to).map((r) => r.scheduledAt);
      expect(ticks, `ticks of ${id}`).toHaveLength(2);
      expect(new Set(ticks).size).toBe(2);
    }
    expect(rounds.duplicates).toEqual([]);
    expect(await schedulerCount()).toBe(8);

    expect((await status(broken)).status).toBe('down');
    const outageAfter = (await admin.get(`/api/cameras/${broken}/outages`)).body as { start: string; end: string | null }[];
    expect(outageAfter).toHaveLength(1);
    expect(outageAfter[0]!.start).toBe(outageBefore[0]!.start);
    expect(outageAfter[0]!.end).toBeNull();
  }, 60_000);
});
