/**
 * A grouped alert about several cameras of one site links to the grid filtered to that site
 * (`#/lokasi/<site>`), and the link survives sign-in: opened signed out on a phone, the owner
 * signs in and sees that site's cameras alone, with the site chosen in the filter.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ProbeResult } from '../../src/domain/status.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

const PUBLIC_URL = 'https://pantau.kolutkab.go.id';
const SITE = 'Masjid Agung Lasusua';

let pantau: TestPantau;
let admin: Client;
let hook: FakeHttpServer;
let phone: Phone;
let page: Page;

const down = (cameraId: string): ProbeResult => ({ cameraId, at: Date.now(), layers: { tcp: { ok: false, reason: 'refused', reached: false } } });

describe.skipIf(!existsSync(CHROMIUM))('a grouped alert opens its site on a phone', () => {
  const ids: string[] = [];

  beforeAll(async () => {
    await buildDashboard();
    hook = await new FakeHttpServer().start();
    pantau = await startTestPantau({
      server: { port: 0, host: '127.0.0.1', publicUrl: PUBLIC_URL },
      alerts: { delivery: { baseDelayMs: 200, maxDelayMs: 400, maxAttempts: 3, claimMs: 5000 } },
    });
    const clients = await signedInClients(pantau);
    admin = clients.admin;
    const owner = await clients.make('budi', 'owner');
    expect((await owner.client.post('/api/contacts', { channel: 'webhook', address: `${hook.origin}/budi` })).status).toBe(201);
    const add = async (name: string, site: string) => {
      const res = await admin.post('/api/cameras', {
        name, site, agency: 'Diskominfo', rtspUrl: 'rtsp://127.0.0.1:9/x', checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 2, owners: [owner.id],
      });
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    ids.push(await add('CCTV Masjid Depan', SITE), await add('CCTV Masjid Belakang', SITE));
    await add('CCTV Pasar Lasusua', 'Pasar Lasusua');
    phone = await launchPhone(new URL(pantau.url).origin);
    page = await phone.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await phone?.close();
    await pantau?.stop();
    await hook?.stop();
  });

  it('links to the grid filtered to the site, through sign-in', async () => {
    for (const id of ids) for (let i = 0; i < 2; i++) pantau.monitor.record(down(id), 'liveness');
    const event = await waitFor(
      'the grouped alert',
      async () => hook.requests.map((r) => JSON.parse(r.body.toString())).find((e) => Array.isArray(e.cameras) && e.cameras.length === 2),
      20_000,
    );
    const link = new URL(event.dashboardUrl as string);
    expect(link.origin + link.pathname).toBe(`${PUBLIC_URL}/`);
    expect(link.hash).toBe(`#/lokasi/${encodeURIComponent(SITE)}`);

    await phone.context.clearCookies();
    await page.goto(`${pantau.url}${link.pathname}${link.hash}`);
    await page.getByRole('button', { name: 'Masuk' }).waitFor();
    await page.getByLabel('Nama pengguna').fill('budi');
    await page.getByLabel('Kata sandi').fill('budi-password');
    await page.getByRole('button', { name: 'Masuk' }).click();

    const tiles = page.locator('ul.grid a.tile h3');
    await page.locator('ul.grid a.tile').first().waitFor({ timeout: 10_000 });
    await waitFor('two tiles', async () => ((await tiles.count()) === 2 ? true : undefined), 10_000);
    expect((await tiles.allTextContents()).sort()).toEqual(['CCTV Masjid Belakang', 'CCTV Masjid Depan']);
    expect(await page.getByLabel('Lokasi').inputValue()).toBe(SITE);
    // The plain grid's address now: the filter is the user's to change.
    expect(new URL(page.url()).hash).toBe('#/');
  }, 60_000);
});
