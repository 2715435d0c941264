/** Sign-in, sessions, tokens, rate limits and the admin CLI. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, Client, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

const run = promisify(execFile);
let pantau: TestPantau;

beforeAll(async () => {
  pantau = await startTestPantau({ auth: { loginLimit: { perAccount: 3, perIp: 1000, windowSec: 60 } } });
});
afterAll(() => pantau.stop());

describe('sessions', () => {
  it('sets an httpOnly SameSite session cookie, and logout ends the session on the server', async () => {
    const res = await fetch(`${pantau.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^pantau_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const session = cookie.split(';')[0]!;
    const me = await fetch(`${pantau.url}/api/me`, { headers: { cookie: session } });
    expect(((await me.json()) as { username: string }).username).toBe('admin');

    await fetch(`${pantau.url}/api/auth/logout`, { method: 'POST', headers: { cookie: session } });
    // The old cookie value no longer works, even if a client kept it.
    expect((await fetch(`${pantau.url}/api/me`, { headers: { cookie: session } })).status).toBe(401);
  });

  it('refuses cross-site writes made with a session cookie', async () => {
    const admin = await new Client(pantau.url).login('admin', ADMIN_PASSWORD);
    const res = await admin.post('/api/users', { username: 'evil', role: 'admin', password: 'password123' }, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect((await admin.get('/api/users')).body.map((u: { username: string }) => u.username)).not.toContain('evil');
  });

  it('ends sessions when an admin disables the account or changes its password', async () => {
    const { admin, make } = await signedInClients(pantau);
    const user = await make('sementara', 'viewer');
    expect((await user.client.get('/api/me')).status).toBe(200);
    await admin.patch(`/api/users/${user.id}`, { disabled: true });
    expect((await user.client.get('/api/me')).status).toBe(401);
    expect((await new Client(pantau.url).post('/api/auth/login', { username: 'sementara', password: 'sementara-password' })).status).toBe(401);
  });

  it('keeps the last admin', async () => {
    const admin = await new Client(pantau.url).login('admin', ADMIN_PASSWORD);
    const me = (await admin.get('/api/me')).body;
    expect((await admin.patch(`/api/users/${me.id}`, { role: 'viewer' })).status).toBe(409);
    expect((await admin.delete(`/api/users/${me.id}`)).status).toBe(409);
  });
});

describe('API tokens', () => {
  it('are shown once, work as Bearer with the user’s role, and can be revoked', async () => {
    const { make } = await signedInClients(pantau);
    const viewer = await make('skrip', 'viewer');
    const made = await viewer.client.post('/api/tokens', { name: 'cron' });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^pnt_/);
    const list = await viewer.client.get('/api/tokens');
    expect(list.text).not.toContain(made.body.token);

    const bot = new Client(pantau.url, made.body.token);
    expect((await bot.get('/api/me')).body.username).toBe('skrip');
    expect((await bot.get('/api/users')).status).toBe(403);
    await viewer.client.delete(`/api/tokens/${made.body.id}`);
    const after = await bot.get('/api/me');
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('invalid_token');
  });
});

describe('login rate limits', () => {
  it('blocks an address on an account after repeated failures from it, even with the right password, and says when to retry', async () => {
    const { make } = await signedInClients(pantau);
    await make('target', 'viewer');
    const anon = new Client(pantau.url);
    for (let i = 0; i < 3; i++) expect((await anon.post('/api/auth/login', { username: 'target', password: 'wrong' })).status).toBe(401);
    const blocked = await anon.post('/api/auth/login', { username: 'target', password: 'target-password' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other accounts are not affected.
    expect((await anon.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
  });

  it('limits failed attempts per client IP across accounts', async () => {
    const tight = await startTestPantau({ auth: { loginLimit: { perAccount: 100, perIp: 4, windowSec: 60 } } });
    try {
      const anon = new Client(tight.url);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await anon.post('/api/auth/login', { username: `user${i}`, password: 'x' })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await tight.stop();
    }
  });
});

describe('admin CLI', () => {
  it('adds a user with a role from a piped password', async () => {
    const env = { ...process.env, PANTAU_DATA_DIR: pantau.dataDir, PANTAU_ADMIN_PASSWORD: '' };
    const child = execFile('npx', ['tsx', 'src/cli.ts', 'user', 'add', '--name', 'kadis', '--role', 'admin', '--password-stdin'], { env });
    child.stdin!.end('kadis-password\n');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    await new Client(pantau.url).login('kadis', 'kadis-password');
    const bad = await run('npx', ['tsx', 'src/cli.ts', 'user', 'add', '--name', 'x', '--role', 'boss', '--password-stdin'], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('role');
  });
});
