/**
 * The alert policy under a burst: a district of cameras goes dark at once in a large fleet.
 * The policy is pure (src/domain), so this runs it directly: the fleet settles up, then
 * `--dark` cameras flip to down 10 ms apart, taken in batches of 50 as the alert service takes
 * them, and the clock is ticked every 5 s past the grace, the alerts and two reminders. Reports
 * the CPU of the flips, of the ticks while the outages are open, and of a tick when the fleet
 * is settled (the every-5-s cost of a quiet day), as medians of several runs.
 *
 *   npm run bench -- --only alert-burst [--cameras 10000] [--dark 1000] [--runs 5]
 */
import { alertPolicy, initialAlertState, onFlips, tick, type AlertState, type CameraFacts } from '../src/domain/alert-policy.js';
import type { Flip } from '../src/domain/status.js';
import { Args } from './lib/args.js';
import { isMain } from './lib/child.js';
import { figure, printFigure } from './lib/stats.js';

const BATCH = 50;
const TICK_MS = 5000;

export async function run(): Promise<void> {
  const args = new Args();
  const cameras = args.number('cameras', 10_000, { min: 100, max: 100_000, integer: true });
  const dark = args.number('dark', 1000, { min: 1, max: cameras, integer: true });
  const runs = args.number('runs', 5, { min: 1, max: 50, integer: true });
  console.log(`\n# Alert burst — ${dark} of ${cameras} cameras go dark within ${(dark * 10) / 1000} s; ${runs} runs`);
  const results = Array.from({ length: runs }, () => once(cameras, dark));
  printFigure(figure('flips taken in (all batches)', 'ms', results.map((r) => r.flipsMs)));
  printFigure(figure('ticks while dark (one each 5 s for 10 min)', 'ms', results.map((r) => r.darkTicksMs)));
  printFigure(figure('one tick, fleet settled', 'ms', results.map((r) => r.settledTickMs)));
  printFigure(figure('messages raised', 'actions', results.map((r) => r.actions)));
  await Promise.resolve();
}

function cpuMs<T>(fn: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const out = fn();
  const c = process.cpuUsage(c0);
  return [out, (c.user + c.system) / 1000];
}

function once(n: number, dark: number): { flipsMs: number; darkTicksMs: number; settledTickMs: number; actions: number } {
  const facts = new Map<string, CameraFacts>();
  for (let i = 0; i < n; i++) facts.set(`cam-${i}`, { id: `cam-${i}`, site: `site-${i % 500}`, agency: `opd-${i % 20}`, parentId: null, graceSec: null, mutedUntil: null, siteMutedUntil: null, flappingSince: null });
  const policy = alertPolicy({ graceSec: 120, reminderEverySec: 240 });
  const flip = (cameraId: string, at: number, from: Flip['from'], to: Flip['to']): Flip => ({ cameraId, at, from, to, reason: to === 'up' ? 'ok' : 'unreachable' });
  let state: AlertState = tick(initialAlertState(), facts, 0, policy).state;
  state = onFlips(state, [...facts.values()].map((f, i) => ({ flip: flip(f.id, 1000 + i, 'unknown', 'up'), camera: f })), policy).state;
  state = tick(state, facts, 90_000, policy).state;

  const items = [...facts.values()].slice(0, dark).map((f, i) => ({ flip: flip(f.id, 100_000 + i * 10, 'up', 'down'), camera: f }));
  let actions = 0;
  const [, flipsMs] = cpuMs(() => {
    for (let i = 0; i < items.length; i += BATCH) {
      const step = onFlips(state, items.slice(i, i + BATCH), policy);
      state = step.state;
      actions += step.actions.length;
    }
  });
  const [, darkTicksMs] = cpuMs(() => {
    for (let t = 100_000 + dark * 10; t < 700_000; t += TICK_MS) {
      const step = tick(state, facts, t, policy);
      state = step.state;
      actions += step.actions.length;
    }
  });
  const back = [...facts.values()].slice(0, dark).map((f, i) => ({ flip: flip(f.id, 700_000 + i, 'down', 'up'), camera: f }));
  for (let i = 0; i < back.length; i += BATCH) state = onFlips(state, back.slice(i, i + BATCH), policy).state;
  for (let t = 800_000; t < 900_000; t += TICK_MS) state = tick(state, facts, t, policy).state;
  const ticks = 20;
  const [, settledMs] = cpuMs(() => {
    for (let k = 0; k < ticks; k++) state = tick(state, facts, 900_000 + k * TICK_MS, policy).state;
  });
  return { flipsMs, darkTicksMs, settledTickMs: settledMs / ticks, actions };
}

if (isMain(import.meta.url)) await run();
