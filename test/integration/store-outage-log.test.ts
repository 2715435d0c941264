/**
 * The outage log: kept by the flip store as flips are written, and filled by migration 0007 from
 * flips stored before it. Both must give the same outages as the domain's own reading of the
 * flips (computeUptime), for a random history with restarts (unknown) inside outages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { CameraStatus, Flip } from '../../src/domain/status.js';
import { computeUptime } from '../../src/domain/uptime.js';
import { migrate, openDatabase } from '../../src/store/db.js';
import { FlipStore } from '../../src/store/flips.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { mulberry32 } from '../support/random.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDb = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pantau-outage-log-'));
  dirs.push(dir);
  return path.join(dir, 'pantau.db');
};

function randomFlips(cameraId: string, seed: number): Flip[] {
  const random = mulberry32(seed);
  const statuses: CameraStatus[] = ['up', 'down', 'degraded', 'unknown', 'paused'];
  const flips: Flip[] = [];
  let status: CameraStatus = 'unknown';
  let at = 1_000_000;
  for (let i = 0; i < 300; i++) {
    const to = statuses[Math.floor(random() * statuses.length)]!;
    if (to === status) continue;
    at += 1 + Math.floor(random() * 100_000);
    flips.push({ cameraId, at, from: status, to, reason: to === 'up' ? 'ok' : 'unreachable' });
    status = to;
  }
  return flips;
}

const logOf = (db: ReturnType<typeof openDatabase>, cameraId: string) =>
  db.prepare('SELECT start, end_at AS "end", worst FROM outage_log WHERE camera_id = ? ORDER BY start').all(cameraId) as { start: number; end: number | null; worst: string }[];

const domainOutages = (flips: Flip[]) =>
  computeUptime({ flips, from: 0, to: flips.at(-1)!.at + 1, initialStatus: 'unknown' }).outages.map((o) => ({ start: o.start, end: o.end, worst: o.worst }));

it('is kept with each flip written, and matches the outages the domain reads from the flips', () => {
  const db = openDatabase(tempDb());
  db.prepare(`INSERT INTO cameras (id, name, site, agency, created_at, updated_at) VALUES ('a', 'a', 'S', 'A', 0, 0), ('b', 'b', 'S', 'A', 0, 0)`).run();
  const store = new FlipStore(db);
  for (const [id, seed] of [['a', 1], ['b', 2]] as const) {
    const flips = randomFlips(id, seed);
    for (const f of flips) store.insert(f);
    expect(logOf(db, id)).toEqual(domainOutages(flips));
    expect(logOf(db, id).length).toBeGreaterThan(20);
  }
  db.close();
});

it('migration 0007 fills it from the flips stored before it, the same as keeping it would have', () => {
  const file = tempDb();
  const before = MIGRATIONS.findIndex((m) => m.id === '2026-12-07-0010-outage-records');
  const old = openDatabase(file, MIGRATIONS.slice(0, before));
  old.prepare(`INSERT INTO cameras (id, name, site, agency, created_at, updated_at) VALUES ('a', 'a', 'S', 'A', 0, 0), ('b', 'b', 'S', 'A', 0, 0)`).run();
  const history = { a: randomFlips('a', 3), b: randomFlips('b', 4) };
  const insert = old.prepare('INSERT INTO flips (camera_id, at, from_status, to_status, reason) VALUES (?, ?, ?, ?, ?)');
  for (const flips of Object.values(history)) for (const f of flips) insert.run(f.cameraId, f.at, f.from, f.to, f.reason);
  expect(migrate(old, MIGRATIONS)).toContain('2026-12-07-0010-outage-records');
  for (const [id, flips] of Object.entries(history)) expect(logOf(old, id)).toEqual(domainOutages(flips));
  old.close();
});
