/**
 * Issue 12, finding 5: access that outlived a password. Replays the attack — a second session
 * and an API token kept working after the password changed, a reset left tokens (which could
 * mint more), re-enabling an account revived its tokens, tokens never expired, and open sockets
 * kept receiving frames after logout, disabling or a revoked grant — and asserts each is closed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { HttpSnapshotSimulator } from '../support/index.js';
import { Client, signedInClients, startTestPantau, waitFor, type TestPantau } from '../support/pantau.js';
import { RecordingClient, sessionCookie, sleep } from '../integration/realtime-client.js';

const DAY = 86_400_000;
let pantau: TestPantau;
let camera: HttpSnapshotSimulator;
let cameraId: string;
let admin: Client;
let make: Awaited<ReturnType<typeof signedInClients>>['make'];
const sockets: RecordingClient[] = [];

beforeAll(async () => {
  // Sockets are also rechecked each minute; the waits below are a few seconds, so they see the events.
  pantau = await startTestPantau({ probes: { livenessTimeoutMs: 1500, imageTimeoutMs: 5000 } });
  camera = new HttpSnapshotSimulator();
  await camera.start();
  ({ admin, make } = await signedInClients(pantau));
  const made = await admin.post('/api/cameras', { name: 'Kamera Pasar', site: 'Pasar', agency: 'Dinas Pasar', snapshotUrl: camera.url, checkIntervalSec: 5, imageCheckIntervalSec: 3600 });
  expect(made.status, made.text).toBe(201);
  cameraId = made.body.id as string;
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await pantau?.stop();
  await camera?.stop();
});

const bearer = (token: string) => new Client(pantau.url, token);
const tokenOf = async (client: Client, body: Record<string, unknown> = { name: 'script' }) => {
  const res = await client.post('/api/tokens', body);
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; token: string; expiresAt: string; lastUsedAt: string | null };
};

describe('a changed password', () => {
  it('ends every other session and revokes the tokens, and keeps the session that changed it', async () => {
    const victim = await make('korban', 'viewer');
    const thief = await new Client(pantau.url).login('korban', 'korban-password');
    const token = await tokenOf(thief);
    expect((await bearer(token.token).get('/api/me')).status).toBe(200);

    const changed = await victim.client.patch('/api/me', { password: 'korban-new-password', currentPassword: 'korban-password' });
    expect(changed.status, changed.text).toBe(200);

    expect((await thief.get('/api/me')).status).toBe(401);
    expect((await bearer(token.token).get('/api/me')).status).toBe(401);
    expect((await victim.client.get('/api/me')).status).toBe(200);
    expect((await victim.client.get('/api/tokens')).body).toEqual([]);
  });

  it('reset by an admin ends the sessions and revokes the tokens, so none can mint new ones', async () => {
    const user = await make('direset', 'owner');
    const token = await tokenOf(user.client);
    // A token cannot make tokens at all: a stolen one could otherwise outlive its own expiry.
    expect((await bearer(token.token).post('/api/tokens', { name: 'spare' })).status).toBe(403);

    expect((await admin.patch(`/api/users/${user.id}`, { password: 'reset-by-admin' })).status).toBe(200);
    expect((await user.client.get('/api/me')).status).toBe(401);
    expect((await bearer(token.token).get('/api/me')).status).toBe(401);
    expect((await bearer(token.token).post('/api/tokens', { name: 'spare' })).status).toBe(401);
  });
});

describe('a disabled account', () => {
  it('is not revived by re-enabling: its old sessions and tokens stay dead', async () => {
    const user = await make('cuti', 'viewer');
    const token = await tokenOf(user.client);
    expect((await admin.patch(`/api/users/${user.id}`, { disabled: true })).status).toBe(200);
    expect((await admin.patch(`/api/users/${user.id}`, { disabled: false })).status).toBe(200);

    expect((await bearer(token.token).get('/api/me')).status).toBe(401);
    expect((await user.client.get('/api/me')).status).toBe(401);
    expect((await new Client(pantau.url).login('cuti', 'cuti-password').then((c) => c.get('/api/me'))).status).toBe(200);
  });
});

describe('API tokens', () => {
  it('expire after 90 days by default, at most a year, and can be given a shorter life', async () => {
    const { client } = await make('penjadwal', 'viewer');
    const byDefault = await tokenOf(client);
    expect(Date.parse(byDefault.expiresAt) - Date.now()).toBeGreaterThan(89 * DAY);
    expect(Date.parse(byDefault.expiresAt) - Date.now()).toBeLessThanOrEqual(90 * DAY);
    const week = await tokenOf(client, { name: 'week', expiresInDays: 7 });
    expect(Math.round((Date.parse(week.expiresAt) - Date.now()) / DAY)).toBe(7);
    const at = new Date(Date.now() + 30 * DAY).toISOString();
    expect((await tokenOf(client, { name: 'dated', expiresAt: at })).expiresAt).toBe(at);

    for (const body of [
      { name: 'forever', expiresInDays: null },
      { name: 'too long', expiresInDays: 366 },
      { name: 'too far', expiresAt: new Date(Date.now() + 400 * DAY).toISOString() },
      { name: 'past', expiresAt: new Date(Date.now() - DAY).toISOString() },
      { name: 'both', expiresInDays: 3, expiresAt: at },
    ]) {
      expect((await client.post('/api/tokens', body)).status, body.name).toBe(400);
    }
  });

  it('stop working once expired', async () => {
    const user = await make('kedaluwarsa', 'viewer');
    const now = Date.now();
    pantau.store.sessions.createToken('pnt_expired-token-value', user.id, 'old', now - 2 * DAY, now - DAY);
    const res = await bearer('pnt_expired-token-value').get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('show when they were last used, written at most once a minute', async () => {
    const user = await make('pemakai', 'viewer');
    const token = await tokenOf(user.client);
    expect(token.lastUsedAt).toBeNull();
    expect((await bearer(token.token).get('/api/me')).status).toBe(200);
    const used = (await user.client.get('/api/tokens')).body[0].lastUsedAt as string;
    expect(Date.now() - Date.parse(used)).toBeLessThan(10_000);

    const t0 = Date.parse(used);
    pantau.store.sessions.resolveToken(token.token, t0 + 30_000);
    expect(pantau.store.sessions.listTokens(user.id)[0]!.lastUsedAt).toBe(t0);
    pantau.store.sessions.resolveToken(token.token, t0 + 61_000);
    expect(pantau.store.sessions.listTokens(user.id)[0]!.lastUsedAt).toBe(t0 + 61_000);
  });

  it('are described truthfully in the OpenAPI document', async () => {
    const doc = (await new Client(pantau.url).get('/api/openapi.json')).body;
    const out = doc.components.schemas.Token;
    expect(out.required).toContain('expiresAt');
    expect(JSON.stringify(out.properties.expiresAt)).not.toContain('null');
    const input = doc.components.schemas.TokenInput.properties;
    expect(input.expiresInDays.maximum).toBe(365);
    expect(input.expiresAt).toBeDefined();
  });
});

describe('upgrading a database', () => {
  it('gives tokens without an expiry 90 days, and revokes what disabled accounts kept', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pantau-migrate-'));
    try {
      const before = MIGRATIONS.findIndex((m) => m.id === '2026-12-06-0005-token-lifetimes');
      const db = openDatabase(path.join(dir, 'pantau.db'), MIGRATIONS.slice(0, before));
      const user = db.prepare(`INSERT INTO users (id, username, display_name, role, disabled, created_at, updated_at) VALUES (?, ?, ?, 'viewer', ?, 0, 0)`);
      user.run('on', 'aktif', 'Aktif', 0);
      user.run('off', 'nonaktif', 'Nonaktif', 1);
      const token = db.prepare(`INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, 'x', ?, 0, NULL)`);
      token.run('t-on', 'on', 'hash-on');
      token.run('t-off', 'off', 'hash-off');
      db.prepare(`INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at) VALUES ('s-off', 'off', 0, 9e15, 0)`).run();

      migrate(db, MIGRATIONS);
      const rows = db.prepare('SELECT id, expires_at AS expiresAt FROM api_tokens').all() as { id: string; expiresAt: number }[];
      expect(rows.map((r) => r.id)).toEqual(['t-on']);
      expect(Math.abs(rows[0]!.expiresAt - (Date.now() + 90 * DAY))).toBeLessThan(60_000);
      expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('live sockets follow at once', () => {
  /** A signed-in socket of a fresh viewer, receiving full-size frames and statuses of the camera. */
  async function watchingViewer(name: string) {
    const user = await make(name, 'viewer', [{ scope: 'agency', value: 'Dinas Pasar' }]);
    const cookie = await sessionCookie(pantau.url, name, `${name}-password`);
    const socket = new RecordingClient(pantau.url, cookie);
    sockets.push(socket);
    await socket.connect();
    const answer = await socket.watch({ cameraIds: [cameraId], size: 'full', fps: 2 });
    expect(answer.watching).toEqual([cameraId]);
    await waitFor('frames', async () => (socket.framesOf(cameraId).length >= 1 ? true : undefined), 15_000);
    return { ...user, cookie, socket };
  }

  const ended = (socket: RecordingClient) => waitFor('the socket to be ended', async () => (socket.socket.connected ? undefined : true), 3000, 50);

  /** Nothing more arrives once a frame already on the wire has landed. */
  async function expectSilence(socket: RecordingClient) {
    await sleep(600);
    const frames = socket.frames.length;
    const statuses = socket.statuses.length;
    await sleep(2500);
    expect(socket.frames.length).toBe(frames);
    expect(socket.statuses.length).toBe(statuses);
  }

  it('logout ends the socket of that session', async () => {
    const viewer = await watchingViewer('keluar');
    const res = await fetch(`${pantau.url}/api/auth/logout`, { method: 'POST', headers: { cookie: viewer.cookie } });
    expect(res.status).toBe(204);
    await ended(viewer.socket);
    await expectSilence(viewer.socket);
    // Ended by the server, which socket.io does not retry: the dashboard goes to sign-in.
    await sleep(1000);
    expect(viewer.socket.socket.connected).toBe(false);
  });

  it('disabling the user ends its sockets', async () => {
    const viewer = await watchingViewer('dinonaktifkan');
    expect((await admin.patch(`/api/users/${viewer.id}`, { disabled: true })).status).toBe(200);
    await ended(viewer.socket);
    await expectSilence(viewer.socket);
  });

  it('a password change ends the other sessions’ sockets and keeps its own', async () => {
    const viewer = await watchingViewer('gantisandi');
    const other = new RecordingClient(pantau.url, await sessionCookie(pantau.url, 'gantisandi', 'gantisandi-password'));
    sockets.push(other);
    await other.connect();
    const res = await fetch(`${pantau.url}/api/me`, {
      method: 'PATCH',
      headers: { cookie: viewer.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'gantisandi-new', currentPassword: 'gantisandi-password' }),
    });
    expect(res.status).toBe(200);
    await ended(other);
    await sleep(500);
    expect(viewer.socket.socket.connected).toBe(true);
  });

  it('a revoked grant takes the camera off the socket', async () => {
    const viewer = await watchingViewer('dicabut');
    expect((await admin.patch(`/api/users/${viewer.id}`, { grants: [] })).status).toBe(200);
    await expectSilence(viewer.socket);
    expect(viewer.socket.socket.connected).toBe(true);
    // Asking again is refused too.
    expect(await viewer.socket.watch({ cameraIds: [cameraId], size: 'full', fps: 2 })).toMatchObject({ watching: [], denied: [cameraId] });
  });
});
