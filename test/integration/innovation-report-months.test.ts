/**
 * The leadership report's fast path (month rollups, day rollups only for partial months, the
 * outage log only outside whole months) gives exactly what a straightforward reading gives: every
 * day rollup since the start grouped by local month, every logged outage since the launch. A
 * generated history rolled as a running Pantau rolls it: outages across month ends (open when their
 * month was written, closed later), Pantau away (unknown), pauses, cameras added part-way, launch
 * dates on a month's first day, in the middle of one, before the history, after it and none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STATE_THRESHOLDS, groupReports, type CameraFigures, type GroupReport, type Seconds } from '../../src/domain/innovation-state.js';
import { monthStartOf, nextMonthStart } from '../../src/domain/months.js';
import { bucketStartOf } from '../../src/domain/rollup.js';
import type { CameraStatus, FlipReason } from '../../src/domain/status.js';
import { createLogger } from '../../src/log.js';
import { DAY_ROLLED_MARKER, History, MONTH_ROLLED_MARKER } from '../../src/services/history.js';
import { InnovationReports, type ReportGrouping } from '../../src/services/innovation-report.js';
import { Roller } from '../../src/services/rollups.js';
import type { Camera } from '../../src/store/cameras.js';
import { openStore, type Store } from '../../src/store/index.js';
import { mulberry32 } from '../support/random.js';

const TZ = 480;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Local (WITA) midnight of 2025-01-01. */
const T0 = Date.UTC(2024, 11, 31, 16);
const localDate = (t: number) => new Date(t + TZ * 60_000).toISOString().slice(0, 10);

let dir: string;
let store: Store;
let now = T0;
let roller: Roller;
let reports: InnovationReports;
/** Reports compared at moments through the history, taken while it was being written. */
const checks: { at: number; by: ReportGrouping; fast: GroupReport[]; plain: GroupReport[]; fromDays: GroupReport[] }[] = [];

interface Sim {
  id: string;
  status: CameraStatus;
  /** When the camera's next status change is due. */
  next: number;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pantau-months-'));
  store = openStore(path.join(dir, 'pantau.db'));
  roller = new Roller(store, { tzOffsetMinutes: TZ, timeZone: 'Asia/Makassar', nightly: '15 0 * * *', retention: { rawHours: 24, hourDays: 3, dayDays: null }, log: createLogger('warn'), now: () => now });
  reports = new InnovationReports(store, new History(store, TZ), { tzOffsetMinutes: TZ, thresholds: DEFAULT_STATE_THRESHOLDS }, () => now);
  const random = mulberry32(15);
  const sims: Sim[] = [];
  const add = (name: string, launchedOn: string | null, at: number) => {
    const id = store.cameras.insert(
      { name, site: name, agency: `Dinas ${sims.length % 3}`, location: null, innovation: { name, launchedOn }, owners: [], onvif: null, rtsp: { url: 'rtsp://127.0.0.1:9/x', username: null, passwordEnc: null }, snapshot: null, checkIntervalSec: 60, imageCheckIntervalSec: 3600, alertGraceSec: 120, enabled: true, private: false, public: false, tags: [], parentId: null, externalId: null },
      at,
    ).id;
    sims.push({ id, status: 'unknown', next: at + random() * 6 * HOUR });
  };
  add('on-the-first', '2025-02-01', T0);
  add('mid-month', '2025-02-17', T0);
  add('before-history', '2024-06-05', T0);
  add('no-launch', null, T0 + 5 * HOUR);
  add('launch-later', '2026-01-20', T0);
  add('mid-month-2', '2025-03-09', T0 + 2 * DAY);
  const end = T0 + 400 * DAY;
  const flip = (s: Sim, at: number, to: CameraStatus, reason: FlipReason) => {
    store.cameras.transaction(() => store.flips.insert({ cameraId: s.id, at: Math.round(at), from: s.status, to, reason }));
    s.status = to;
  };
  // Walk the history an hour at a time; roll as the running roller would, mostly every few
  // hours, sometimes only after days (Pantau away), and take figures at chosen moments.
  const checkAt = new Set([40, 59, 60, 61, 75, 120, 151, 152, 200, 243, 280, 334, 365, 399].map((d) => T0 + d * DAY + 7 * HOUR));
  for (let t = T0; t < end; t += HOUR) {
    const day = Math.floor((t - T0) / DAY);
    if (day === 45 && t % DAY === T0 % DAY) add('added-mid-way', null, t + 3 * HOUR); // mid-February, no launch
    if (day === 130 && t % DAY === T0 % DAY) add('added-later-launched-before', '2025-01-15', t + 11 * HOUR);
    for (const s of sims) {
      while (s.next < t + HOUR) {
        const at = s.next;
        const r = random();
        if (s.status === 'up') {
          // Mostly short outages; now and then one of days that crosses into another month.
          const long = r < 0.08;
          flip(s, at, r < 0.55 ? 'down' : r < 0.85 ? 'degraded' : r < 0.93 ? 'unknown' : 'paused', r < 0.55 ? 'unreachable' : r < 0.85 ? 'black' : r < 0.93 ? 'monitor_offline' : 'disabled');
          s.next = at + (long ? 3 * DAY + random() * 20 * DAY : random() * 8 * HOUR);
        } else if (s.status === 'down' && r < 0.3) {
          flip(s, at, 'degraded', 'frozen'); // still the same outage
          s.next = at + random() * 5 * HOUR;
        } else if (s.status === 'unknown' && r < 0.3) {
          flip(s, at, 'down', 'unreachable'); // back from a restart gap into an outage
          s.next = at + random() * 30 * HOUR;
        } else {
          flip(s, at, 'up', 'ok');
          s.next = at + random() * 6 * DAY;
        }
      }
    }
    now = t + HOUR;
    // Pantau was away from the 200th to the 214th day: nothing rolled, then all of it at once.
    const away = day >= 200 && day < 214;
    if (!away && (now - T0) % (5 * HOUR) === 0) roller.rollDue();
    if (checkAt.has(now)) {
      const cameras = store.cameras.list({ role: 'admin' });
      // By innovation (one camera each here) and by agency (cameras summed).
      for (const by of ['innovation', 'agency'] as const) {
        checks.push({ at: now, by, fast: reports.groups(cameras, by), plain: groupReports(plainFigures(store, cameras, now, by), now), fromDays: withoutMonthRollups(() => reports.groups(cameras, by)) });
      }
    }
  }
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The figures read the plain way: every day rollup and every logged outage, summed in JS. */
function plainFigures(s: Store, cameras: readonly Camera[], at: number, by: ReportGrouping): CameraFigures[] {
  const recentMs = DEFAULT_STATE_THRESHOLDS.recentDays * DAY;
  const rolledUntil = Math.min(at, s.rollups.getMarker(DAY_ROLLED_MARKER) ?? at);
  const history = new History(s, TZ);
  const recent = history.all(cameras.map((c) => c.id), at - recentMs, at);
  const before = history.all(cameras.map((c) => c.id), at - 4 * recentMs, at - recentMs);
  const open = s.flips.openOutages();
  const ms = (x: number) => Math.round(x * 1000) / 1000;
  const seconds = (x: { up: number; degraded: number; down: number }): Seconds => ({ up: x.up, dark: x.degraded + x.down, known: x.up + x.degraded + x.down });
  return cameras.map((c) => {
    const launchedOn = c.innovation?.launchedOn ? Date.parse(`${c.innovation.launchedOn}T00:00:00Z`) - TZ * 60_000 : null;
    const start = launchedOn ?? bucketStartOf(c.createdAt, 'day', TZ);
    const byMonth = new Map<number, { days: number; up: number; degraded: number; down: number }>();
    for (const r of s.rollups.range('day', start, nextMonthStart(rolledUntil, TZ), c.id)) {
      const m = monthStartOf(r.bucketStart, TZ);
      const acc = byMonth.get(m) ?? { days: 0, up: 0, degraded: 0, down: 0 };
      acc.days += 1;
      acc.up += r.secondsByStatus.up;
      acc.degraded += r.secondsByStatus.degraded;
      acc.down += r.secondsByStatus.down;
      byMonth.set(m, acc);
    }
    const months = [...byMonth].sort((a, b) => a[0] - b[0]).map(([month, x]) => ({ month, seconds: seconds({ up: ms(x.up), degraded: ms(x.degraded), down: ms(x.down) }) }));
    const outages = (s.db.prepare('SELECT start, end_at FROM outage_log WHERE camera_id = ? AND start < ?').all(c.id, at) as { start: number; end_at: number | null }[]).filter((o) => o.start >= (launchedOn ?? -Infinity));
    return {
      cameraId: c.id,
      group: by === 'agency' ? c.agency : (c.innovation?.name ?? ''),
      launchedOn,
      daysMonitored: [...byMonth.values()].reduce((n, x) => n + x.days, 0),
      months,
      recent: seconds(recent.get(c.id)!.seconds),
      before: seconds(before.get(c.id)!.seconds),
      outages: outages.length,
      recentOutages: outages.filter((o) => o.start >= at - recentMs).length,
      longestOutageMs: Math.max(0, ...outages.map((o) => (o.end_at ?? at) - o.start)),
      causes: {},
      darkSince: open.get(c.id)?.start ?? null,
    };
  });
}

/** Runs `fn` as if no month had been rolled yet (every month from day rollups and the outage log). */
function withoutMonthRollups<T>(fn: () => T): T {
  const marker = store.rollups.getMarker(MONTH_ROLLED_MARKER);
  store.db.prepare('DELETE FROM markers WHERE name = ?').run(MONTH_ROLLED_MARKER);
  try {
    return fn();
  } finally {
    if (marker !== undefined) store.rollups.setMarker(MONTH_ROLLED_MARKER, marker);
  }
}

describe('the leadership report from month rollups', () => {
  it('took its figures at every planned moment, with months written and outages running across month ends', () => {
    expect(checks).toHaveLength(28);
    // Months were written while the history grew, and some held an outage still open then.
    expect(store.db.prepare('SELECT count(DISTINCT month_start) FROM month_rollups').pluck().get()).toBe(13);
    expect(store.db.prepare('SELECT count(*) FROM month_rollups WHERE open_start IS NOT NULL').pluck().get()).toBeGreaterThan(3);
    const crossing = store.db.prepare('SELECT count(*) FROM month_rollups m JOIN outage_log o ON o.camera_id = m.camera_id AND o.start = m.open_start WHERE o.end_at - o.start > m.longest_ms').pluck().get() as number;
    expect(crossing).toBeGreaterThan(0);
  });

  it('gives exactly the report of a plain reading of every day rollup and the outage log', () => {
    for (const c of checks) expect(c.fast, `by ${c.by} at ${localDate(c.at)}`).toEqual(c.plain);
  });

  it('gives exactly the report it gives without month rollups', () => {
    for (const c of checks) expect(c.fast, `by ${c.by} at ${localDate(c.at)}`).toEqual(c.fromDays);
  });

  it('counts the days of a camera added part-way from the day it was added, and none before a launch', () => {
    const last = checks.findLast((c) => c.by === 'innovation')!;
    const byName = new Map(last.fast.map((g) => [g.group, g]));
    // Added on the 45th day at 03:00 local: its first day rollup is that day's.
    expect(byName.get('added-mid-way')!.daysMonitored).toBe(399 - 45);
    // Launched 2026-01-20, the 384th day: nothing before it, its days after.
    expect(byName.get('launch-later')!.daysMonitored).toBe(399 - 384);
    const early = checks.find((c) => c.by === 'innovation' && c.at < T0 + 384 * DAY)!;
    const launchLater = early.fast.find((g) => g.group === 'launch-later')!;
    expect(launchLater).toMatchObject({ daysMonitored: 0, months: [], outages: 0, longestOutageSec: 0 });
    // Launched 2025-02-17: from that day on, so its first month is a part of February.
    const mid = byName.get('mid-month')!;
    expect(localDate(mid.months[0]!.month)).toBe('2025-02-01');
    expect(mid.launchedOn).toBe(Date.UTC(2025, 1, 17) - TZ * 60_000);
    expect(mid.daysMonitored).toBe(399 - (Date.UTC(2025, 1, 17) - Date.UTC(2025, 0, 1)) / DAY);
  });
});
