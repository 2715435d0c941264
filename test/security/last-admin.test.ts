/**
 * Finding 9: two admins demoted (or disabled) by concurrent requests must not leave Pantau
 * without an enabled admin. Each request alone is allowed (the other admin remains); together
 * they are not, so exactly one must fail with 409 `last_admin`, checked inside the write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

let pantau: TestPantau;
/** The admin still standing after each test, signed in. */
let admin: { id: string; client: Client };

beforeAll(async () => {
  pantau = await startTestPantau();
  const client = (await signedInClients(pantau)).admin;
  admin = { id: pantau.store.users.findByUsername('admin')!.id, client };
});
afterAll(() => pantau?.stop());

/** A second admin, signed in, made by the standing one. */
async function secondAdmin(username: string): Promise<{ id: string; client: Client }> {
  const password = `${username}-password`;
  const res = await admin.client.post('/api/users', { username, role: 'admin', password });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id as string, client: await new Client(pantau.url).login(username, password) };
}

const enabledAdmins = () => pantau.store.users.list().filter((u) => u.role === 'admin' && !u.disabled);

/** Each admin takes the other's rights at the same moment; returns the answers in order a, b. */
async function race(a: { id: string; client: Client }, b: { id: string; client: Client }, change: Record<string, unknown>) {
  // A new password makes each request wait for hashing between the route's check and its write: the race.
  const answers = await Promise.all([
    a.client.patch(`/api/users/${b.id}`, { ...change, password: 'a-new-password-1' }),
    b.client.patch(`/api/users/${a.id}`, { ...change, password: 'a-new-password-2' }),
  ]);
  expect(answers.map((x) => x.status).sort()).toEqual([200, 409]);
  const refused = answers.find((x) => x.status === 409)!;
  expect(refused.body).toMatchObject({ error: 'last_admin' });
  expect(refused.body.message).toMatch(/no enabled admin/);
  expect(enabledAdmins()).toHaveLength(1);
  // The target of the refused request is the one still standing.
  return answers[0]!.status === 409 ? b : a;
}

describe('at least one enabled admin stays', () => {
  it('refuses the second of two concurrent demotions with 409', async () => {
    admin = await race(admin, await secondAdmin('admin-dua'), { role: 'owner' });
  });

  it('refuses the second of two concurrent disables with 409', async () => {
    admin = await race(admin, await secondAdmin('admin-tiga'), { disabled: true });
  });

  it('guards the store itself: a demotion or a delete of the last admin fails', () => {
    expect(() => pantau.store.users.update(admin.id, { role: 'owner' }, Date.now())).toThrow(/no enabled admin/);
    expect(() => pantau.store.users.update(admin.id, { disabled: true }, Date.now())).toThrow(/no enabled admin/);
    expect(() => pantau.store.users.delete(admin.id)).toThrow(/no enabled admin/);
    expect(enabledAdmins().map((u) => u.id)).toEqual([admin.id]);
  });
});
