/**
 * Migration 0007 on a database written before it: grants made then keep their meaning
 * (pictures), cameras are not private; and the viewing record is append-only in the database
 * itself — a viewing is closed once, nothing else of it changes — and rows leave only through
 * retention.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { CameraStore } from '../../src/store/cameras.js';
import { ViewingStore } from '../../src/store/viewings.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function before0007() {
  const dir = mkdtempSync(path.join(tmpdir(), 'pantau-migrate-'));
  dirs.push(dir);
  const at = MIGRATIONS.findIndex((m) => m.id === '2026-12-07-0008-viewing-rights');
  expect(at).toBeGreaterThan(0);
  return openDatabase(path.join(dir, 'pantau.db'), MIGRATIONS.slice(0, at));
}

it('keeps grants made before levels as pictures grants, and cameras not private', () => {
  const db = before0007();
  db.prepare(`INSERT INTO users (id, username, display_name, role, created_at, updated_at) VALUES ('u1', 'pengamat', 'P', 'viewer', 0, 0)`).run();
  db.prepare(`INSERT INTO cameras (id, name, site, agency, created_at, updated_at) VALUES ('c1', 'Kamera', 'Pasar', 'Dinas A', 0, 0)`).run();
  db.prepare(`INSERT INTO access_grants (id, user_id, scope, value, created_at) VALUES ('g1', 'u1', 'agency', 'Dinas A', 0)`).run();
  expect(migrate(db, MIGRATIONS)).toContain('2026-12-07-0008-viewing-rights');
  expect(db.prepare('SELECT level FROM access_grants').pluck().get()).toBe('pictures');
  const cameras = new CameraStore(db);
  expect(cameras.get('c1')!.private).toBe(false);
  expect(cameras.accessOf('c1', { role: 'viewer', userId: 'u1' })).toBe('pictures');
  db.close();
});

it('closes a viewing once and refuses every other change; retention is the way rows leave', () => {
  const db = before0007();
  migrate(db, MIGRATIONS);
  const views = new ViewingStore(db);
  const id = views.open({ userId: 'u1', cameraId: 'c1', kind: 'frames', start: 1000, address: '10.0.0.9', client: 'Android' });
  expect(views.close(id, 5000, 1234)).toBe(true);
  // Closed already: a second close changes nothing.
  expect(views.close(id, 9000, 9999)).toBe(false);
  expect(views.list({}, 10)[0]).toMatchObject({ start: 1000, end: 5000, bytes: 1234, username: null, cameraName: null });
  expect(() => db.prepare('UPDATE viewings SET bytes = 0 WHERE id = ?').run(id)).toThrow(/append-only/);
  const open = views.open({ userId: 'u1', cameraId: 'c1', kind: 'live', start: 2000, address: null, client: null });
  expect(() => db.prepare('UPDATE viewings SET user_id = ?, end_at = 3000 WHERE id = ?').run('u2', open)).toThrow(/append-only/);
  expect(() => db.prepare('UPDATE viewings SET address = ? WHERE id = ?').run('1.2.3.4', open)).toThrow(/append-only/);
  expect(views.pruneBefore(4000)).toBe(1); // the open one, started at 2000 and never closed
  expect(views.pruneBefore(4000)).toBe(0);
  expect(views.count({})).toBe(1);
  db.close();
});
