/**
 * Figure 4, history: a year of flips for 1 000 cameras (lib/history-gen.ts), the last day of
 * raw probe results, and the minute/hour/day rollups built by the real Roller, in a real
 * store. Measures the database size (per table), the time to answer 90- and 365-day uptime for
 * every camera (History.all) and the agency report over them (Reports.agencies, as the API
 * calls it), and the time rollups take for one more day (minute ticks, hour rolls, the nightly
 * day roll). Targets: agency report over 365 days < 100 ms; the database < 1 GB.
 *
 *   npm run bench -- --only history [--cameras 1000] [--days 365] [--raw-hours 24] [--runs 7]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/config/load.js';
import { machinePolicy } from '../src/domain/status-machine.js';
import { createLogger } from '../src/log.js';
import { History, type WindowName } from '../src/services/history.js';
import { Monitor } from '../src/services/monitor.js';
import { Reports } from '../src/services/reports.js';
import { Roller } from '../src/services/rollups.js';
import { openStore } from '../src/store/index.js';
import { Args } from './lib/args.js';
import { isMain } from './lib/child.js';
import { fleetCamera } from './lib/fleet-sim.js';
import { insertFleet } from './lib/fleet-register.js';
import { generateFlips, generateRaw } from './lib/history-gen.js';
import { figure, printFigure, printMachine, saveResults, type Figure } from './lib/stats.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Local midnight in WITA (UTC+8): the day boundary rollups use. */
const END = Date.UTC(2026, 4, 31, 16, 0, 0);
const TARGET = { reportMs: 100, dbBytes: 1e9 };

export async function run(): Promise<void> {
  const args = new Args();
  const cameras = args.number('cameras', 1000, { min: 1, max: 10_000, integer: true });
  const days = args.number('days', 365, { min: 2, max: 3650, integer: true });
  const rawHours = args.number('raw-hours', 24, { min: 0, max: 24, integer: true });
  const runs = args.number('runs', 7, { min: 1, max: 50, integer: true });
  console.log(`\n# History — ${cameras} cameras, ${days} days of flips, ${rawHours} h of raw results (a round every 30 s), rollups by the real Roller`);
  printMachine();

  const dir = mkdtempSync(path.join(tmpdir(), 'pantau-history-'));
  const file = path.join(dir, 'pantau.db');
  const store = openStore(file);
  const log = createLogger('warn');
  let now = END;
  const roller = new Roller(store, {
    tzOffsetMinutes: 480,
    timeZone: 'Asia/Makassar',
    nightly: '15 0 * * *',
    retention: { rawHours: 24, minuteHours: 24, hourDays: 90, dayDays: null },
    log,
    now: () => now,
  });
  try {
    const ids = insertFleet(store, Array.from({ length: cameras }, (_, i) => fleetCamera(i)));
    let t = performance.now();
    const flips = generateFlips(store, ids, END - days * DAY, END);
    const raw = generateRaw(store, ids, END - rawHours * HOUR, END);
    console.log(`  generated ${flips} flips and ${raw} raw results in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    t = performance.now();
    roller.rollDue();
    const catchUpSec = (performance.now() - t) / 1000;
    console.log(`  first roll-up of the whole history (catch-up): ${catchUpSec.toFixed(1)} s`);

    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const tables = store.db
      .prepare("SELECT coalesce(t.tbl_name, d.name) AS name, sum(d.pgsize) AS bytes FROM dbstat d LEFT JOIN sqlite_master t ON t.name = d.name GROUP BY 1 ORDER BY 2 DESC")
      .all() as { name: string; bytes: number }[];
    const rows = (table: string, where = '') => store.db.prepare(`SELECT count(*) FROM ${table} ${where}`).pluck().get() as number;
    const dbBytes = statSync(file).size;
    console.log(`  database: ${(dbBytes / 2 ** 20).toFixed(0)} MB on disk (tables with their indexes):`);
    for (const table of tables.slice(0, 6)) console.log(`    ${table.name.padEnd(16)} ${(table.bytes / 2 ** 20).toFixed(1).padStart(8)} MB`);
    console.log(`    rows: flips ${rows('flips')}, raw ${rows('probe_results')}, rollups minute ${rows('rollups', "WHERE size = 'minute'")}, hour ${rows('rollups', "WHERE size = 'hour'")}, day ${rows('rollups', "WHERE size = 'day'")}`);
    const withoutRaw = dbBytes - (tables.find((x) => x.name === 'probe_results')?.bytes ?? 0);

    // Queries at 06:00 local on the day after: whole days from rollups, two partial edges from flips.
    now = END + 6 * HOUR;
    const history = new History(store, 480);
    const monitor = new Monitor(store, machinePolicy({ failuresToConfirm: 2, recoveriesToConfirm: 2, flapThreshold: 6 }), log, () => now);
    const reports = new Reports(store, monitor, history, { green: 0.99, yellow: 0.95, darkAfterDays: 7 }, () => now);
    // Day sums over long windows are cached until day rollups change (the nightly roll):
    // `cold` times a call right after such a change, `warm` the calls that follow it.
    const dropDaySums = () => store.rollups.pruneBefore('day', 0); // deletes nothing, drops the cache
    const timed = (fn: () => unknown) => {
      const cold: number[] = [];
      const warm: number[] = [];
      for (let r = 0; r < runs; r++) {
        dropDaySums();
        let start = performance.now();
        fn();
        cold.push(performance.now() - start);
        start = performance.now();
        fn();
        warm.push(performance.now() - start);
      }
      return { cold, warm };
    };
    const windowMs = (w: WindowName) => ({ '90d': 90 * DAY, '365d': 365 * DAY })[w as '90d' | '365d'];
    const q = {
      all90: timed(() => history.all(ids, now - windowMs('90d'), now)),
      all365: timed(() => history.all(ids, now - windowMs('365d'), now)),
      report90: timed(() => reports.agencies(store.cameras.list({ role: 'admin' }), '90d')),
      report365: timed(() => reports.agencies(store.cameras.list({ role: 'admin' }), '365d')),
      list: timed(() => store.cameras.list({ role: 'admin' })),
      openOutages: timed(() => store.flips.openOutages()),
    };

    const perDay = addDays(store, roller, ids, (t) => (now = t), Math.min(3, runs));
    const figures: Figure[] = [
      figure(`database size, ${days} days`, 'MB', [dbBytes / 2 ** 20]),
      figure('  without the raw results', 'MB', [withoutRaw / 2 ** 20]),
      figure('uptime of all cameras, 90 days (History.all)', 'ms', q.all90.cold),
      figure('uptime of all cameras, 365 days (History.all)', 'ms', q.all365.cold),
      figure('agency report, 90 days (list + Reports.agencies)', 'ms', q.report90.cold),
      figure('agency report, 365 days (list + Reports.agencies)', 'ms', q.report365.cold),
      figure('  again, day sums cached until the next roll', 'ms', q.report365.warm),
      figure('  of which listing the cameras', 'ms', q.list.warm),
      figure('  of which open outages (flips.openOutages)', 'ms', q.openOutages.warm),
      figure('minute tick (minute rollups, all cameras)', 'ms', perDay.minute),
      figure('hour roll (on the hour, with its minute)', 'ms', perDay.hour),
      figure('nightly day roll (with its minute and hour)', 'ms', perDay.day),
      figure('rollups for one day, all ticks summed', 's', perDay.total),
      figure('first roll-up of the whole year (catch-up)', 's', [catchUpSec]),
    ];
    console.log(`\n  ${cameras} cameras (query figures: ${runs} runs; day figures: ${perDay.total.length} days):`);
    figures.forEach(printFigure);
    const report = figures[5]!.median;
    const again = figures[6]!.median;
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(
      `  targets: agency report over 365 days < ${TARGET.reportMs} ms: ${verdict(report < TARGET.reportMs)} on the first call after a roll (${report.toFixed(0)} ms), ${verdict(again < TARGET.reportMs)} after it (${again.toFixed(0)} ms); database < 1 GB: ${verdict(dbBytes < TARGET.dbBytes)} (${(dbBytes / 1e9).toFixed(2)} GB; ${verdict(withoutRaw < TARGET.dbBytes)} without the raw results)`,
    );
    const out = saveResults('history', { cameras, days, rawHours, flips, raw, tables, figures });
    console.log(`  results: ${path.relative(PACKAGE_ROOT, out)}`);
  } finally {
    roller.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Adds `n` days after END as a running Pantau would: their flips, the raw results of each
 * day's first hour, minute ticks through that hour (the last one rolls the hour), then the
 * nightly roll at midnight (the markers are moved over the rest of the day, which has no raw
 * results to roll). Returns the times, and per day the sum 1440 minutes + 24 hours + 1 night.
 */
function addDays(store: ReturnType<typeof openStore>, roller: Roller, ids: string[], setNow: (t: number) => void, n: number) {
  const out = { minute: [] as number[], hour: [] as number[], day: [] as number[], total: [] as number[] };
  for (let d = 0; d < n; d++) {
    const start = END + d * DAY;
    generateFlips(store, ids, start, start + DAY, 100 + d);
    generateRaw(store, ids, start, start + HOUR);
    const minutes: number[] = [];
    for (let m = 1; m <= 60; m++) {
      setNow(start + m * 60_000);
      const t = performance.now();
      roller.rollDue();
      (m === 60 ? out.hour : minutes).push(performance.now() - t);
    }
    store.rollups.setMarker('rollup.minute', start + DAY - 60_000);
    store.rollups.setMarker('rollup.hour', start + DAY - HOUR);
    setNow(start + DAY);
    const t = performance.now();
    roller.rollDue();
    out.day.push(performance.now() - t);
    const minute = minutes.sort((a, b) => a - b)[Math.floor(minutes.length / 2)]!;
    out.minute.push(...minutes);
    out.total.push((1440 * minute + 24 * (out.hour.at(-1)! - minute) + out.day.at(-1)!) / 1000);
  }
  return out;
}

if (isMain(import.meta.url)) await run();
