/**
 * Issue 12, finding 6: anyone could lock any account. Five wrong passwords from five addresses
 * made the right password from a sixth answer 429 for 15 minutes, because a per-account block
 * was checked before the password. Replays it (client addresses come from X-Forwarded-For
 * behind one trusted proxy hop) and asserts the owner still gets in, while the attacker's own
 * addresses are held back and the account's answers slow down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, Client, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

let pantau: TestPantau;

beforeAll(async () => {
  pantau = await startTestPantau({ server: { trustProxy: 1 }, auth: { loginLimit: { perAccount: 5, perIp: 30, windowSec: 900 } } });
  const { make } = await signedInClients(pantau);
  await make('kepala', 'owner');
  await make('bendahara', 'owner');
  await make('sekretaris', 'viewer');
  await make('lambat', 'viewer');
});
afterAll(() => pantau.stop());

let nextAddress = 1;
/** A client at a fresh address, as if on another machine. */
function fromNewAddress() {
  const address = `203.0.113.${nextAddress++}`;
  const client = new Client(pantau.url);
  return (username: string, password: string) => client.post('/api/auth/login', { username, password }, { 'x-forwarded-for': address });
}

describe('login throttling', () => {
  it('lets the right password in from a clean address after failures from five others', async () => {
    for (const username of ['kepala', 'admin']) {
      for (let i = 0; i < 5; i++) expect((await fromNewAddress()(username, 'tebakan-salah')).status).toBe(401);
      const password = username === 'admin' ? ADMIN_PASSWORD : `${username}-password`;
      expect((await fromNewAddress()(username, password)).status, username).toBe(200);
    }
  });

  it('holds back the attacker’s own address, says for how long, and leaves the owner alone', async () => {
    const attacker = fromNewAddress();
    for (let i = 0; i < 5; i++) expect((await attacker('bendahara', 'tebakan-salah')).status).toBe(401);
    const blocked = await attacker('bendahara', 'bendahara-password');
    expect(blocked.status).toBe(429);
    const wait = Number(blocked.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(900);
    expect(blocked.body.message).toContain(`${wait} s`);

    expect((await fromNewAddress()('bendahara', 'bendahara-password')).status).toBe(200);
  });

  it('limits failures per address across accounts', async () => {
    const sprayer = fromNewAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await sprayer(`akun${i}`, 'password')).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect((await fromNewAddress()('admin', ADMIN_PASSWORD)).status).toBe(200);
  });

  it('slows an account failed from many addresses down, without locking it', async () => {
    // 5 failures are free; the 6th, 7th and 8th slow the next answers by 0.5 s, 1 s, then 2 s.
    for (let i = 0; i < 8; i++) expect((await fromNewAddress()('lambat', 'tebakan-salah')).status).toBe(401);
    const started = Date.now();
    expect((await fromNewAddress()('lambat', 'lambat-password')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('treats an unknown username like a known one', async () => {
    const unknown = await fromNewAddress()('tidak-ada', 'password');
    const wrong = await fromNewAddress()('sekretaris', 'password');
    expect([unknown.status, unknown.body]).toEqual([wrong.status, wrong.body]);
  });
});
