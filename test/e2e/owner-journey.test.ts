/**
 * The owner's journey on a 360×740 phone, in Bahasa Indonesia and in English: a camera of theirs
 * dies, the alert reaches their webhook (a local stand-in), and its dashboard link — opened
 * signed out — leads through sign-in to that camera's page, not the grid. Screenshots go to
 * test-artifacts/screenshots/owner-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ProbeResult } from '../../src/domain/status.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { signedInClients, startTestPantau, type Client, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

const SHOTS = path.resolve('test-artifacts/screenshots');
const PUBLIC_URL = 'https://pantau.kolutkab.go.id';

let pantau: TestPantau;
let admin: Client;
let hook: FakeHttpServer;
let phone: Phone;
let page: Page;

const W = {
  id: { username: 'Nama pengguna', password: 'Kata sandi', signIn: 'Masuk', english: 'English' },
  en: { username: 'Username', password: 'Password', signIn: 'Sign in', english: 'English' },
} as const;
const CASES = {
  id: { owner: 'budi', camera: 'CCTV Masjid Agung', site: 'Masjid Agung' },
  en: { owner: 'rina', camera: 'CCTV Terminal Lasusua', site: 'Terminal Lasusua' },
} as const;

const down = (cameraId: string): ProbeResult => ({ cameraId, at: Date.now(), layers: { tcp: { ok: false, reason: 'refused', reached: false } } });

describe.skipIf(!existsSync(CHROMIUM))('the owner follows an alert to the camera on a phone', () => {
  const ownerIds: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildDashboard();
    hook = await new FakeHttpServer().start();
    pantau = await startTestPantau({
      server: { port: 0, host: '127.0.0.1', publicUrl: PUBLIC_URL },
      alerts: { graceSec: 0, delivery: { baseDelayMs: 200, maxDelayMs: 400, maxAttempts: 3, claimMs: 5000 } },
    });
    const clients = await signedInClients(pantau);
    admin = clients.admin;
    for (const c of Object.values(CASES)) {
      const made = await clients.make(c.owner, 'owner');
      ownerIds[c.owner] = made.id;
      const res = await made.client.post('/api/contacts', { channel: 'webhook', address: `${hook.origin}/${c.owner}` });
      expect(res.status, res.text).toBe(201);
    }
    phone = await launchPhone(new URL(pantau.url).origin);
    page = await phone.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await phone?.close();
    await pantau?.stop();
    await hook?.stop();
  });

  for (const lang of ['id', 'en'] as const) {
    const w = W[lang];
    const c = CASES[lang];

    it(`opens the camera's page from the alert's link, through sign-in (${lang})`, async () => {
      const res = await admin.post('/api/cameras', {
        name: c.camera, site: c.site, agency: 'Diskominfo', rtspUrl: 'rtsp://127.0.0.1:9/x', checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 0, owners: [ownerIds[c.owner]],
      });
      expect(res.status, res.text).toBe(201);
      const id = res.body.id as string;
      const before = hook.requests.length;
      for (let i = 0; i < 2; i++) pantau.monitor.record(down(id), 'liveness');
      await hook.waitFor(before + 1, 15_000);
      const alert = hook.requests.slice(before).map((r) => ({ path: r.path, event: JSON.parse(r.body.toString()) })).find((r) => r.path === `/${c.owner}`)!;
      expect(alert.event).toMatchObject({ event: 'camera.down', camera: { id } });
      const link = new URL(alert.event.dashboardUrl as string);
      expect(link.origin + link.pathname).toBe(`${PUBLIC_URL}/`);
      expect(link.hash).toBe(`#/kamera/${encodeURIComponent(id)}`);

      // The link as the phone opens it: this test server stands in for the public address.
      await phone.context.clearCookies();
      await page.goto('about:blank');
      await page.goto(`${pantau.url}${link.pathname}${link.hash}`);
      if (lang === 'en') await page.getByRole('button', { name: w.english }).click();
      await page.getByRole('button', { name: w.signIn }).waitFor();
      await page.getByLabel(w.username).fill(c.owner);
      await page.getByLabel(w.password).fill(`${c.owner}-password`);
      await page.getByRole('button', { name: w.signIn }).click();
      await page.getByRole('heading', { level: 1, name: c.camera }).waitFor({ timeout: 10_000 });
      expect(new URL(page.url()).hash).toBe(`#/kamera/${encodeURIComponent(id)}`);
      await page.screenshot({ path: path.join(SHOTS, `owner-link-${lang}.png`) });

      // A link of the old form, from a message sent before, lands there too.
      const old = await fetch(`${pantau.url}/cameras/${encodeURIComponent(id)}`, { redirect: 'manual' });
      expect(old.status).toBe(302);
      expect(old.headers.get('location')).toBe(`/#/kamera/${encodeURIComponent(id)}`);
    }, 60_000);
  }
});
