/**
 * The JobQueue contract: what every adapter (in-process and BullMQ) must do, stated in the
 * test names. job-queue.test.ts runs it against each adapter, on real time; each test gets a
 * fresh queue (for BullMQ, its own key prefix) and cleans it up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JobQueue, JobRun } from '../../src/jobs/job-queue.js';

export interface QueueUnderTest {
  queue: JobQueue<Record<string, unknown>>;
  /** Closes the queue and removes whatever it left behind. */
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export function jobQueueContract(adapter: string, open: () => Promise<QueueUnderTest>): void {
  describe(`JobQueue contract: ${adapter}`, () => {
    let current: QueueUnderTest | undefined;
    const fresh = async () => (current = await open());
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });

    it('each scheduled tick runs once, on its phase, with no gaps', async () => {
      const { queue } = await fresh();
      const every = 200;
      const offset = 70;
      const ticks: number[] = [];
      const consumer = queue.consume(async (job) => void ticks.push(job.scheduledAt), { lanes: ['a'], concurrency: 4 });
      await queue.upsertSchedule({ id: 'tick:one', lane: 'a', name: 'tick', everyMs: every, offsetMs: offset, data: {} });
      await sleep(1500);
      await queue.removeSchedule('a', 'tick:one');
      await consumer.stop();
      expect(ticks.length).toBeGreaterThanOrEqual(6);
      expect(new Set(ticks).size).toBe(ticks.length);
      for (const t of ticks) expect(((t % every) + every) % every).toBe(offset);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBe(every);
    });

    it('upserting a schedule again (a restart, a second server) never doubles its ticks', async () => {
      const { queue } = await fresh();
      const every = 250;
      const ticks: number[] = [];
      const consumer = queue.consume(async (job) => void ticks.push(job.scheduledAt), { lanes: ['a'], concurrency: 4 });
      const spec = { id: 'tick:again', lane: 'a', name: 'tick', everyMs: every, offsetMs: 50, data: { v: 1 } };
      await queue.upsertSchedule(spec);
      for (let i = 0; i < 5; i++) {
        await sleep(190);
        await queue.upsertSchedule({ ...spec, data: { v: i + 2 } });
      }
      await sleep(300);
      await queue.removeSchedule('a', spec.id);
      await consumer.stop();
      expect(ticks.length).toBeGreaterThanOrEqual(4);
      expect(new Set(ticks).size).toBe(ticks.length);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBe(every);
      expect(await queue.scheduleIds('a')).toEqual([]);
    });

    it('concurrency never exceeds the limit', async () => {
      const { queue } = await fresh();
      let inFlight = 0;
      let peak = 0;
      let done = 0;
      const consumer = queue.consume(
        async () => {
          peak = Math.max(peak, ++inFlight);
          await sleep(120);
          inFlight--;
          done++;
        },
        { lanes: ['a', 'b'], concurrency: 3 },
      );
      for (let i = 0; i < 12; i++) await queue.add({ lane: i % 2 ? 'a' : 'b', name: 'work', data: { i } });
      await until('every job done', () => done === 12, 10_000);
      expect(peak).toBe(3);
      await consumer.stop();
    });

    it('a failed job retries with backoff, then stops at its last attempt', async () => {
      const { queue } = await fresh();
      const runs: Array<{ at: number; attempt: number; name: string }> = [];
      const failures: Array<{ attempt: number; retry: boolean }> = [];
      const consumer = queue.consume(
        async (job) => {
          runs.push({ at: Date.now(), attempt: job.attempt, name: job.name });
          if (job.name === 'flaky' && job.attempt < 3) throw new Error('temporary');
          if (job.name === 'broken') throw new Error('always');
        },
        { lanes: ['a'], concurrency: 2, onFailed: (job, _err, retry) => failures.push({ attempt: job.attempt, retry }) },
      );
      await queue.add({ lane: 'a', name: 'flaky', data: {}, attempts: 5, backoffMs: 150 });
      await queue.add({ lane: 'a', name: 'broken', data: {}, attempts: 2, backoffMs: 100 });
      await until('flaky to succeed and broken to give up', () => runs.filter((r) => r.name === 'flaky').length === 3 && runs.filter((r) => r.name === 'broken').length === 2);
      await sleep(500);
      const flaky = runs.filter((r) => r.name === 'flaky');
      expect(flaky.map((r) => r.attempt)).toEqual([1, 2, 3]);
      // Exponential: the second retry waits about twice the first.
      expect(flaky[1]!.at - flaky[0]!.at).toBeGreaterThanOrEqual(140);
      expect(flaky[2]!.at - flaky[1]!.at).toBeGreaterThanOrEqual(290);
      expect(runs.filter((r) => r.name === 'broken').map((r) => r.attempt)).toEqual([1, 2]);
      expect(failures.filter((f) => !f.retry)).toHaveLength(1);
      await consumer.stop();
    });

    it('stop waits for running jobs and takes no new ones', async () => {
      const { queue } = await fresh();
      const started: string[] = [];
      let finishedAt = 0;
      const consumer = queue.consume(
        async (job) => {
          started.push(job.name);
          await sleep(600);
          finishedAt = Date.now();
        },
        { lanes: ['a'], concurrency: 1 },
      );
      await queue.add({ lane: 'a', name: 'long', data: {} });
      await until('the job to start', () => started.length === 1);
      const stopping = consumer.stop();
      await queue.add({ lane: 'a', name: 'late', data: {} });
      expect(consumer.inFlight).toBe(1);
      await stopping;
      expect(finishedAt).toBeGreaterThan(0);
      expect(Date.now()).toBeGreaterThanOrEqual(finishedAt);
      await sleep(300);
      expect(started).toEqual(['long']);
    });

    it('stop with a grace hands a job still running back, and another consumer takes it', async () => {
      const { queue } = await fresh();
      const seen: Array<{ who: string; id: string }> = [];
      const stubborn = queue.consume(
        async (job: JobRun<Record<string, unknown>>) => {
          seen.push({ who: 'first', id: job.id });
          await new Promise((_resolve, reject) => job.signal.addEventListener('abort', () => reject(new Error('aborted'))));
        },
        { lanes: ['a'], concurrency: 1 },
      );
      await queue.add({ lane: 'a', name: 'slow', data: {} });
      await until('the first consumer to start it', () => seen.length === 1);
      await stubborn.stop({ graceMs: 100 });
      const second = queue.consume(async (job) => void seen.push({ who: 'second', id: job.id }), { lanes: ['a'], concurrency: 1 });
      await until('the second consumer to take it', () => seen.length === 2);
      expect(seen[1]).toEqual({ who: 'second', id: seen[0]!.id });
      await second.stop();
    });

    it('one check per key at a time: a tick whose previous tick still runs is missed, one behind another job waits its turn', async () => {
      const { queue } = await fresh();
      const running = new Map<string, number>();
      let peakPerKey = 0;
      const runs: string[] = [];
      const missed: string[] = [];
      const consumer = queue.consume(
        async (job) => {
          const key = String(job.data.key);
          running.set(key, (running.get(key) ?? 0) + 1);
          peakPerKey = Math.max(peakPerKey, running.get(key)!);
          runs.push(job.name);
          await sleep(job.name === 'slow' ? 500 : 50);
          running.set(key, running.get(key)! - 1);
        },
        { lanes: ['a'], concurrency: 8, onMissed: (job) => missed.push(job.name) },
      );
      // "slow" holds the camera longer than its interval: its own next ticks are missed, while
      // "patient" (another schedule on the same key) waits for the key and runs.
      await queue.upsertSchedule({ id: 'probe:cam', lane: 'a', name: 'slow', everyMs: 200, offsetMs: 10, data: { key: 'cam' }, key: 'cam' });
      // A second between "patient" ticks leaves room for a loaded CI machine: it waits at most one "slow" run.
      await queue.upsertSchedule({ id: 'image:cam', lane: 'a', name: 'patient', everyMs: 1500, offsetMs: 100, data: { key: 'cam' }, key: 'cam' });
      await sleep(3300);
      await Promise.all([queue.removeSchedule('a', 'probe:cam'), queue.removeSchedule('a', 'image:cam')]);
      await consumer.stop();
      expect(peakPerKey).toBe(1);
      expect(missed.filter((n) => n === 'slow').length).toBeGreaterThan(0);
      expect(missed.filter((n) => n === 'patient')).toEqual([]);
      expect(runs.filter((n) => n === 'patient').length).toBeGreaterThanOrEqual(2);
    });

    it('removing a schedule stops it', async () => {
      const { queue } = await fresh();
      const ticks: number[] = [];
      const consumer = queue.consume(async (job) => void ticks.push(job.scheduledAt), { lanes: ['a'], concurrency: 2 });
      await queue.upsertSchedule({ id: 'probe:gone', lane: 'a', name: 'tick', everyMs: 150, offsetMs: 0, data: {} });
      await until('two ticks', () => ticks.length >= 2);
      await queue.removeSchedule('a', 'probe:gone');
      const after = ticks.length;
      await sleep(700);
      expect(ticks.length).toBeLessThanOrEqual(after + 1);
      expect(await queue.scheduleIds('a')).toEqual([]);
      await consumer.stop();
    });

    it('coverage counts the live consumers of each lane', async () => {
      const { queue } = await fresh();
      const a = queue.consume(async () => undefined, { lanes: ['a'], concurrency: 1 });
      const ab = queue.consume(async () => undefined, { lanes: ['a', 'b'], concurrency: 1 });
      await until('both to be seen', () => true);
      let lanes = await queue.coverage();
      expect(Object.fromEntries(lanes)).toEqual({ a: 2, b: 1 });
      await ab.stop();
      lanes = await queue.coverage();
      expect(Object.fromEntries(lanes)).toEqual({ a: 1 });
      await a.stop();
      expect((await queue.coverage()).size).toBe(0);
    });
  });
}
