/**
 * Figure 4, history: a year of flips for 1 000 cameras (lib/history-gen.ts), what a running
 * Pantau keeps of its recent checks (hour check counts for two days, the rounds whose verdict
 * changed for `--rounds-hours`, default as configured: 168), and the hour/day rollups built by
 * the real Roller, in a real store. Measures the database size (per table), the time to answer
 * 90- and 365-day uptime for every camera (History.all) and the agency report over them
 * (Reports.agencies, as the API calls it), and the time rollups take for one more day (minute
 * ticks, hour rolls, the nightly day roll), and the leadership report per innovation since launch
 * (InnovationReports.report: months from day rollups, outages from the outage log, states).
 * Targets: agency report over 365 days < 100 ms; innovation report < 200 ms; the database < 1 GB.
 * Three years, as issue 15 asks: --days 1095.
 *
 * Generating and rolling three years takes many minutes, so `--db FILE` keeps the generated
 * database there (after its first roll-up) and, when FILE exists, starts from a copy of it
 * instead: the copy is opened by the current code, so its migrations run on it first (timed).
 *
 *   npm run bench -- --only history [--cameras 1000] [--days 365] [--rounds-hours 168] [--runs 7] [--db FILE]
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/config/load.js';
import { machinePolicy } from '../src/domain/status-machine.js';
import { createLogger } from '../src/log.js';
import { History, type WindowName } from '../src/services/history.js';
import { Monitor } from '../src/services/monitor.js';
import { Reports } from '../src/services/reports.js';
import { InnovationReports } from '../src/services/innovation-report.js';
import { DEFAULT_STATE_THRESHOLDS } from '../src/domain/innovation-state.js';
import { Roller, SETTLE_MS } from '../src/services/rollups.js';
import { openStore } from '../src/store/index.js';
import { Args } from './lib/args.js';
import { isMain } from './lib/child.js';
import { fleetCamera } from './lib/fleet-sim.js';
import { insertFleet } from './lib/fleet-register.js';
import { generateChecks, generateFlips, generateRounds } from './lib/history-gen.js';
import { figure, printFigure, printMachine, saveResults, type Figure } from './lib/stats.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Local midnight in WITA (UTC+8): the day boundary rollups use. */
const END = Date.UTC(2026, 4, 31, 16, 0, 0);
const TARGET = { reportMs: 100, innovationMs: 200, dbBytes: 1e9 };

export async function run(): Promise<void> {
  const args = new Args();
  const cameras = args.number('cameras', 1000, { min: 1, max: 10_000, integer: true });
  const days = args.number('days', 365, { min: 2, max: 3650, integer: true });
  const roundsHours = args.number('rounds-hours', 168, { min: 0, max: 24 * 90, integer: true });
  const runs = args.number('runs', 7, { min: 1, max: 50, integer: true });
  const kept = args.string('db');
  console.log(`\n# History — ${cameras} cameras, ${days} days of flips, 48 h of check counts (a round every 30 s), ${roundsHours} h of stored rounds, rollups by the real Roller`);
  printMachine();

  const dir = mkdtempSync(path.join(tmpdir(), 'pantau-history-'));
  const file = path.join(dir, 'pantau.db');
  const reuse = kept !== undefined && existsSync(kept);
  if (reuse) copyFileSync(kept, file);
  let t = performance.now();
  const store = openStore(file);
  if (reuse) console.log(`  started from a copy of ${kept}; opening it (migrations) took ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const log = createLogger('warn');
  let now = END;
  const roller = new Roller(store, {
    tzOffsetMinutes: 480,
    timeZone: 'Asia/Makassar',
    nightly: '15 0 * * *',
    retention: { rawHours: roundsHours, hourDays: 90, dayDays: null },
    log,
    now: () => now,
  });
  try {
    let ids: string[];
    let generated: { flips: number; checks: number; raw: number; catchUpSec: number };
    if (reuse) {
      ids = store.cameras.summaries().map((c) => c.id);
      generated = JSON.parse(readFileSync(`${kept}.json`, 'utf8')) as typeof generated;
      // As a server starting on it would: the roller's first run fills what is missing (month rollups).
      now = END + SETTLE_MS;
      t = performance.now();
      roller.rollDue();
      console.log(`  first roll on the copy (month rollups written from the day rollups when missing): ${((performance.now() - t) / 1000).toFixed(1)} s`);
    } else {
      ids = insertFleet(store, Array.from({ length: cameras }, (_, i) => fleetCamera(i)));
      // A hundred innovations of about ten cameras, launched on one of three dates in the history.
      const day = (t: number) => new Date(t + 8 * HOUR).toISOString().slice(0, 10);
      const launches = [END - days * DAY, END - Math.floor(days * 0.75) * DAY, END - Math.floor(days / 3) * DAY].map(day);
      store.db
        .prepare("UPDATE cameras SET innovation_name = 'Inovasi ' || ((rowid % 100) + 1), innovation_launched_on = CASE rowid % 3 WHEN 0 THEN ? WHEN 1 THEN ? ELSE ? END")
        .run(...launches);
      t = performance.now();
      const flips = generateFlips(store, ids, END - days * DAY, END);
      const checks = generateChecks(store, ids, END - 2 * DAY, END, 480);
      const raw = generateRounds(store, END - roundsHours * HOUR, END);
      console.log(`  generated ${flips} flips, ${checks} hour check counts and ${raw} stored rounds in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      t = performance.now();
      now = END + SETTLE_MS; // the last hour and day are rolled once settled
      roller.rollDue();
      generated = { flips, checks, raw, catchUpSec: (performance.now() - t) / 1000 };
      if (kept !== undefined) {
        store.db.pragma('wal_checkpoint(TRUNCATE)');
        copyFileSync(file, kept);
        writeFileSync(`${kept}.json`, JSON.stringify(generated));
        console.log(`  kept the generated database as ${kept}`);
      }
    }
    const { flips, checks, raw, catchUpSec } = generated;
    console.log(`  first roll-up of the whole history (catch-up): ${catchUpSec.toFixed(1)} s`);

    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const tables = store.db
      .prepare("SELECT coalesce(t.tbl_name, d.name) AS name, sum(d.pgsize) AS bytes FROM dbstat d LEFT JOIN sqlite_master t ON t.name = d.name GROUP BY 1 ORDER BY 2 DESC")
      .all() as { name: string; bytes: number }[];
    const rows = (table: string, where = '') => store.db.prepare(`SELECT count(*) FROM ${table} ${where}`).pluck().get() as number;
    const dbBytes = statSync(file).size;
    console.log(`  database: ${(dbBytes / 2 ** 20).toFixed(0)} MB on disk (tables with their indexes):`);
    for (const table of tables.slice(0, 6)) console.log(`    ${table.name.padEnd(16)} ${(table.bytes / 2 ** 20).toFixed(1).padStart(8)} MB`);
    console.log(`    rows: flips ${rows('flips')}, stored rounds ${rows('probe_results')}, check counts ${rows('check_counts')}, rollups hour ${rows('rollups', "WHERE size = 'hour'")}, day ${rows('rollups', "WHERE size = 'day'")}`);

    // Queries at 06:00 local on the day after: whole days from rollups, two partial edges from flips.
    now = END + 6 * HOUR;
    // `first`: the first call on a freshly opened connection (SQLite's page cache empty, as after
    // a restart; the OS file cache is warm); `again`: the same call right after it.
    const timed = (make: (s: { store: typeof store; history: History; reports: Reports; innovations: InnovationReports }) => () => unknown) => {
      const first: number[] = [];
      const again: number[] = [];
      for (let r = 0; r < runs; r++) {
        const fresh = openStore(file);
        try {
          const history = new History(fresh, 480);
          const monitor = new Monitor(fresh, machinePolicy({ failuresToConfirm: 2, recoveriesToConfirm: 2, flapThreshold: 6 }), log, { now: () => now, tzOffsetMinutes: 480 });
          const innovations = new InnovationReports(fresh, history, { tzOffsetMinutes: 480, thresholds: DEFAULT_STATE_THRESHOLDS }, () => now);
          const fn = make({ store: fresh, history, reports: new Reports(fresh, monitor, history, { green: 0.99, yellow: 0.95, darkAfterDays: 7 }, () => now), innovations });
          let start = performance.now();
          fn();
          first.push(performance.now() - start);
          start = performance.now();
          fn();
          again.push(performance.now() - start);
        } finally {
          fresh.close();
        }
      }
      return { first, again };
    };
    const windowMs = (w: WindowName) => ({ '90d': 90 * DAY, '365d': 365 * DAY })[w as '90d' | '365d'];
    const q = {
      all90: timed(({ history }) => () => history.all(ids, now - windowMs('90d'), now)),
      all365: timed(({ history }) => () => history.all(ids, now - windowMs('365d'), now)),
      report90: timed(({ store, reports }) => () => reports.agencies(store.cameras.list({ role: 'admin' }), '90d')),
      report365: timed(({ store, reports }) => () => reports.agencies(store.cameras.list({ role: 'admin' }), '365d')),
      list: timed(({ store }) => () => store.cameras.list({ role: 'admin' })),
      openOutages: timed(({ store }) => () => store.flips.openOutages()),
      innovations: timed(({ store, innovations }) => () => innovations.report(store.cameras.list({ role: 'admin' }), 'innovation')),
      innovationsByAgency: timed(({ store, innovations }) => () => innovations.report(store.cameras.list({ role: 'admin' }), 'agency')),
    };
    const sample = (() => {
      const fresh = openStore(file);
      try {
        return new InnovationReports(fresh, new History(fresh, 480), { tzOffsetMinutes: 480, thresholds: DEFAULT_STATE_THRESHOLDS }, () => now).report(fresh.cameras.list({ role: 'admin' }), 'innovation');
      } finally {
        fresh.close();
      }
    })();
    const states = sample.groups.reduce<Record<string, number>>((n, g) => ((n[g.state] = (n[g.state] ?? 0) + 1), n), {});
    console.log(`  innovation report: ${sample.groups.length} innovations, ${sample.groups[0]?.months.length ?? 0} months each at most; states ${JSON.stringify(states)}`);

    const perDay = addDays(store, roller, ids, (t) => (now = t), Math.min(3, runs));
    const figures: Figure[] = [
      figure(`database size, ${days} days`, 'MB', [dbBytes / 2 ** 20]),
      figure('uptime of all cameras, 90 days (History.all)', 'ms', q.all90.first),
      figure('uptime of all cameras, 365 days (History.all)', 'ms', q.all365.first),
      figure('agency report, 90 days (list + Reports.agencies)', 'ms', q.report90.first),
      figure('agency report, 365 days (list + Reports.agencies)', 'ms', q.report365.first),
      figure('  again, on the same connection', 'ms', q.report365.again),
      figure('  of which listing the cameras', 'ms', q.list.again),
      figure('  of which open outages (flips.openOutages)', 'ms', q.openOutages.again),
      figure(`innovation report since launch, ${days} days (list + InnovationReports.report)`, 'ms', q.innovations.first),
      figure('  again, on the same connection', 'ms', q.innovations.again),
      figure('  per agency instead', 'ms', q.innovationsByAgency.first),
      figure('minute tick (no hour due)', 'ms', perDay.minute),
      figure('hour roll (an hour of check counts and flips)', 'ms', perDay.hour),
      figure('nightly day roll (with its last hour)', 'ms', perDay.day),
      figure('rollups for one day, all ticks summed', 's', perDay.total),
      figure('first roll-up of the whole year (catch-up)', 's', [catchUpSec]),
    ];
    console.log(`\n  ${cameras} cameras (query figures: ${runs} runs; day figures: ${perDay.total.length} days):`);
    figures.forEach(printFigure);
    const report = figures[4]!.median;
    const again = figures[5]!.median;
    const innovationFirst = figures[8]!.median;
    const innovationAgain = figures[9]!.median;
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(
      `  targets: agency report over 365 days < ${TARGET.reportMs} ms: ${verdict(report < TARGET.reportMs)} on a fresh connection (${report.toFixed(0)} ms), ${verdict(again < TARGET.reportMs)} again (${again.toFixed(0)} ms); innovation report < ${TARGET.innovationMs} ms: ${verdict(innovationFirst < TARGET.innovationMs)} fresh (${innovationFirst.toFixed(0)} ms), ${verdict(innovationAgain < TARGET.innovationMs)} again (${innovationAgain.toFixed(0)} ms); database < 1 GB: ${verdict(dbBytes < TARGET.dbBytes)} (${(dbBytes / 1e9).toFixed(2)} GB)`,
    );
    const out = saveResults('history', { cameras, days, roundsHours, flips, checks, raw, tables, figures });
    console.log(`  results: ${path.relative(PACKAGE_ROOT, out)}`);
  } finally {
    roller.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Adds `n` days after END as a running Pantau would: their flips, the check counts of each
 * day's first hour, minute ticks through that hour (the one a minute after it rolls the hour),
 * then the nightly roll after midnight (the hour marker is moved over the rest of the day, which
 * has no counts to roll). Returns the times, and per day the sum 1440 minutes + 24 hours + 1 night.
 */
function addDays(store: ReturnType<typeof openStore>, roller: Roller, ids: string[], setNow: (t: number) => void, n: number) {
  const out = { minute: [] as number[], hour: [] as number[], day: [] as number[], total: [] as number[] };
  for (let d = 0; d < n; d++) {
    const start = END + d * DAY;
    generateFlips(store, ids, start, start + DAY, 100 + d);
    generateChecks(store, ids, start, start + HOUR, 480);
    const minutes: number[] = [];
    const rollsHour = (HOUR + SETTLE_MS) / 60_000;
    for (let m = 1; m <= rollsHour; m++) {
      setNow(start + m * 60_000);
      const t = performance.now();
      roller.rollDue();
      (m === rollsHour ? out.hour : minutes).push(performance.now() - t);
    }
    store.rollups.setMarker('rollup.hour', start + DAY - HOUR);
    setNow(start + DAY + SETTLE_MS);
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
