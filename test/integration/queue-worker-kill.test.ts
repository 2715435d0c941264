/**
 * Graceful shutdown: on SIGTERM a worker stops taking jobs, finishes the rounds it runs, sends
 * their results and exits 0.
 *
 * Fault: a worker process is SIGKILLed in the middle of probe rounds. Its jobs stay locked in
 * Redis until their lock lapses; then another worker's stalled-job check takes them and runs
 * them; nothing is stored twice. (Short locks here: redis.lockMs 1 s.)
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LANE } from '../../src/jobs/probe-jobs.js';
import { RtspResponderSimulator } from '../support/index.js';
import { signedInClients, startTestPantau, waitFor, type TestPantau } from '../support/pantau.js';
import { ChildWorker, inProcessWorker, QUEUE_SECRET, recordRounds, redisBlock } from '../support/queue.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';

const PREFIX = `test-${randomUUID()}`;
const queue = redisBlock(REDIS_URL, PREFIX, { lockMs: 1000 });
// Cameras that accept a connection and never answer hold each round for the whole deadline.
const ROUND_MS = 3000;

let pantau: TestPantau;
let rounds: ReturnType<typeof recordRounds>;
const sims: RtspResponderSimulator[] = [];
let doomed: ChildWorker | undefined;
let survivor: Awaited<ReturnType<typeof inProcessWorker>> | undefined;
const redis = new Redis(REDIS_URL);

beforeAll(async () => {
  // The cameras answer DESCRIBE only (no picture to judge): no first-picture wait (config probes).
  pantau = await startTestPantau({ secret: QUEUE_SECRET, redis: queue, probes: { awaitPictureBeforeUp: false } });
  rounds = recordRounds(pantau);
  const { admin } = await signedInClients(pantau);
  for (let i = 0; i < 6; i++) {
    const sim = new RtspResponderSimulator({ mode: 'silent' });
    await sim.start();
    sims.push(sim);
    const res = await admin.post('/api/cameras', { name: `bisu-${i}`, site: 'Dermaga', agency: 'Dishub', rtspUrl: sim.url, checkIntervalSec: 5, imageCheckIntervalSec: 86_400 });
    expect(res.status, res.text).toBe(201);
  }
});

afterAll(async () => {
  await doomed?.signal('SIGKILL');
  await survivor?.stop();
  await pantau?.stop();
  await Promise.allSettled(sims.map((s) => s.stop()));
  redis.disconnect();
  await deleteKeys(REDIS_URL, PREFIX);
});

describe('a worker is killed mid-job', () => {
  it('its jobs are taken by another worker once their lock lapses, and nothing is stored twice', async () => {
    doomed = await ChildWorker.start(queue, { probes: { livenessTimeoutMs: ROUND_MS } });
    const activeKey = `${PREFIX}:${DEFAULT_LANE}:active`;
    const held = await waitFor('the worker to be mid-round on several cameras', async () => {
      const ids = (await redis.lrange(activeKey, 0, -1)).filter((id) => id.startsWith('repeat:probe:'));
      return ids.length >= 3 ? ids : undefined;
    }, 20_000, 50);
    survivor = await inProcessWorker(queue, [], { livenessTimeoutMs: ROUND_MS });
    const killedAt = Date.now();
    expect(await doomed.signal('SIGKILL')).toBeNull();
    expect(doomed.child.signalCode).toBe('SIGKILL');

    // Each held job is `repeat:probe:<cameraId>:<due>`: the tick it stands for.
    const ticks = held.map((id) => {
      const [, , cameraId, due] = id.split(':');
      return { cameraId: cameraId!, scheduledAt: Number(due) };
    });
    const stored = (t: { cameraId: string; scheduledAt: number }) => rounds.filter((r) => r.cameraId === t.cameraId && r.kind === 'liveness' && r.scheduledAt === t.scheduledAt);
    // Each held tick is run again by the survivor — unless the camera's next tick got there first
    // (one check per camera at a time), which covers the camera just as well.
    const covered = (t: { cameraId: string; scheduledAt: number }) => rounds.some((r) => r.cameraId === t.cameraId && r.kind === 'liveness' && r.scheduledAt >= t.scheduledAt && r.worker === survivor!.name);
    await waitFor('every held camera to be probed again by the survivor', async () => (ticks.every(covered) ? true : undefined), 20_000, 100);
    const takenOver = ticks.filter((t) => stored(t).some((r) => r.worker === survivor!.name));
    expect(takenOver.length).toBeGreaterThanOrEqual(1);
    for (const t of takenOver) {
      expect(stored(t)).toHaveLength(1);
      // Not before the dead worker's lock lapsed.
      expect(stored(t)[0]!.storedAt - killedAt).toBeGreaterThanOrEqual(queue.lockMs);
    }
    expect(rounds.duplicates).toEqual([]);
  }, 60_000);

  it('on SIGTERM a worker finishes its running rounds, sends their results, and exits 0', async () => {
    await survivor?.stop();
    survivor = undefined;
    const leaving = await ChildWorker.start(queue, { probes: { livenessTimeoutMs: ROUND_MS } });
    const name = leaving.text().match(/"name":"([^"]+)"/)?.[1];
    expect(name).toBeDefined();
    // The only worker now: whatever is active is its own.
    const held = await waitFor('the worker to be mid-round', async () => {
      const ids = (await redis.lrange(`${PREFIX}:${DEFAULT_LANE}:active`, 0, -1)).filter((id) => id.startsWith('repeat:probe:'));
      return ids.length >= 2 ? ids : undefined;
    }, 20_000, 50);
    const stoppedAt = Date.now();
    expect(await leaving.signal('SIGTERM')).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(ROUND_MS + 3000);
    expect(leaving.text()).toContain('worker stopping: finishing running rounds');
    await new Promise((r) => setTimeout(r, 300));
    // Rounds running at SIGTERM were finished and reported by it, not dropped or handed on.
    for (const id of held) {
      const [, , cameraId, due] = id.split(':');
      expect(rounds.filter((r) => r.cameraId === cameraId && r.scheduledAt === Number(due)).map((r) => r.worker)).toEqual([name]);
    }
    expect(rounds.duplicates).toEqual([]);
  }, 60_000);
});
