/**
 * The sign-in screen in Chromium: after too many failures it says how many seconds to wait,
 * and a dashboard whose session ends elsewhere (signed out in another tab, or by an admin)
 * goes back to the sign-in form by itself, without a reload.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

let pantau: TestPantau;
let phone: Phone;
let page: Page;

describe.skipIf(!existsSync(CHROMIUM))('sign-in screen', () => {
  beforeAll(async () => {
    await buildDashboard();
    pantau = await startTestPantau({ auth: { loginLimit: { perAccount: 2, perIp: 100, windowSec: 120 } } });
    const { make } = await signedInClients(pantau);
    await make('petugas', 'viewer');
    phone = await launchPhone(new URL(pantau.url).origin);
    page = await phone.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await phone?.close();
    await pantau?.stop();
  });

  const signIn = async (username: string, password: string) => {
    await page.getByLabel('Nama pengguna').fill(username);
    await page.getByLabel('Kata sandi').fill(password);
    await page.getByRole('button', { name: 'Masuk' }).click();
  };

  it('says how many seconds to wait after too many failures', async () => {
    await page.goto(pantau.url);
    for (let i = 0; i < 2; i++) {
      await signIn('admin', 'salah-sandi');
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('salah');
    }
    await signIn('admin', ADMIN_PASSWORD);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Coba lagi dalam \d+ detik/);
    expect(await page.getByRole('button', { name: 'Masuk' }).isDisabled()).toBe(true);
  });

  it('goes back to the sign-in form when the session is ended elsewhere', async () => {
    await page.goto(pantau.url);
    await signIn('petugas', 'petugas-password');
    await page.waitForSelector('nav.bottom');
    const cookie = (await phone.context.cookies()).find((c) => c.name === 'pantau_session')!;
    const res = await fetch(`${pantau.url}/api/auth/logout`, { method: 'POST', headers: { cookie: `${cookie.name}=${cookie.value}` } });
    expect(res.status).toBe(204);
    await page.getByRole('button', { name: 'Masuk' }).waitFor({ timeout: 5000 });
  });
});
