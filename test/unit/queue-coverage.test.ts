/**
 * The coverage watch on a hand-driven clock: a lane without a worker past the grace is lost
 * once; after Redis was unreachable (and may have lost every heartbeat), workers get their
 * reconnection backoff before their lanes are judged again.
 */
import { describe, expect, it } from 'vitest';
import { CoverageWatch, type CoverageEvent } from '../../src/jobs/coverage.js';
import { createLogger } from '../../src/log.js';
import { Writable } from 'node:stream';

const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

function watch(reconnectAllowanceMs: number) {
  let now = 1_000_000;
  let workers = new Map<string, number>([['default', 1]]);
  let reachable = true;
  const events: CoverageEvent[] = [];
  const suspended: string[] = [];
  const w = new CoverageWatch({
    coverage: async () => {
      if (!reachable) throw new Error('connect ECONNREFUSED');
      return workers;
    },
    cameraLanes: () => new Map([['default', ['cam-1', 'cam-2']]]),
    suspend: (id, reason) => (suspended.push(`${id}:${reason}`), true),
    knownLanes: ['default'],
    graceMs: 2000,
    everyMs: 250,
    reconnectAllowanceMs,
    log: quiet,
    now: () => now,
    notify: (e) => events.push(e),
  });
  return {
    events,
    suspended,
    at: async (ms: number) => {
      now = 1_000_000 + ms;
      await w.check();
    },
    redisDown: () => (reachable = false),
    redisBackEmpty: () => {
      reachable = true;
      workers = new Map();
    },
    workersBack: () => (workers = new Map([['default', 2]])),
  };
}

const kinds = (events: CoverageEvent[]) => events.map((e) => `${e.type}:${e.reason}${e.lane ? `:${e.lane}` : ''}`);

describe('coverage after Redis comes back empty', () => {
  it('waits for the workers to reconnect before judging their lanes', async () => {
    const w = watch(2250);
    await w.at(0);
    w.redisDown();
    await w.at(250);
    await w.at(2500); // past the grace: announced
    w.redisBackEmpty(); // no heartbeat survived
    await w.at(10_000);
    // The workers' backoff is longer than the grace: without the allowance this would be a loss.
    await w.at(12_100);
    w.workersBack();
    await w.at(12_200);
    await w.at(20_000);
    expect(kinds(w.events)).toEqual(['lost:queue_offline', 'back:queue_offline']);
    expect(w.suspended.every((s) => s.endsWith(':queue_offline'))).toBe(true);
  });

  it('still reports a lane whose workers never come back, once the allowance and the grace have passed', async () => {
    const w = watch(2250);
    await w.at(0);
    w.redisDown();
    await w.at(250);
    await w.at(2500);
    w.redisBackEmpty();
    await w.at(10_000);
    await w.at(12_000); // within the allowance: not judged
    await w.at(12_300); // the grace starts here
    await w.at(14_200);
    expect(kinds(w.events)).toEqual(['lost:queue_offline', 'back:queue_offline']);
    await w.at(14_400);
    expect(kinds(w.events)).toEqual(['lost:queue_offline', 'back:queue_offline', 'lost:no_worker:default']);
    expect(w.suspended).toContain('cam-1:no_worker');
  });

  it('without an outage, a lane is judged from its first look', async () => {
    const w = watch(2250);
    await w.at(0);
    w.redisBackEmpty(); // workers gone, Redis fine
    await w.at(100);
    await w.at(2200);
    expect(kinds(w.events)).toEqual(['lost:no_worker:default']);
  });
});
