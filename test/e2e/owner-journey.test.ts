/**
 * The owner's journey on a 360×740 phone, in Bahasa Indonesia and in English: a camera of theirs
 * dies, the alert reaches their webhook (a local stand-in), and its dashboard link — opened
 * signed out — leads through sign-in to that camera's page, not the grid. Then the owner adds
 * contacts: only the channels this server has are offered, a webhook gets a signing key (the
 * test message arrives signed, in the contact's own language), and "send a test" says what the
 * channel answered — delivered, an HTTP status, unreachable; and the camera's page lists what
 * was sent about it to the owner's contacts. Screenshots go to
 * test-artifacts/screenshots/owner-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createHmac } from 'node:crypto';
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
let broken: FakeHttpServer;
let telegram: FakeHttpServer;
let phone: Phone;
let page: Page;

const W = {
  id: {
    username: 'Nama pengguna', password: 'Kata sandi', signIn: 'Masuk', english: 'English', navAccount: 'Akun', addContact: 'Tambah kontak',
    channel: 'Saluran', address: 'Alamat', secret: 'Kunci tanda tangan (opsional)', language: 'Bahasa pesan', add: 'Tambah', signed: 'bertanda tangan',
    sendTest: 'Kirim tes', delivered: 'Terkirim: penerima menjawab HTTP 200.', http503: 'Tidak terkirim: penerima menjawab HTTP 503.',
    unreachable: 'Tidak terjangkau: penerima tidak dapat dihubungi.', otherLanguage: 'English', testTitle: 'Pantau test message',
    history: 'Notifikasi terkirim', alertLine: 'Peringatan · Webhook', to: 'ke', sent: 'terkirim',
  },
  en: {
    username: 'Username', password: 'Password', signIn: 'Sign in', english: 'English', navAccount: 'Account', addContact: 'Add a contact',
    channel: 'Channel', address: 'Address', secret: 'Signing key (optional)', language: 'Message language', add: 'Add', signed: 'signed',
    sendTest: 'Send a test', delivered: 'Delivered: the receiver answered HTTP 200.', http503: 'Not delivered: the receiver answered HTTP 503.',
    unreachable: 'Unreachable: the receiver could not be reached.', otherLanguage: 'Bahasa Indonesia', testTitle: 'Pesan uji Pantau',
    history: 'Notifications sent', alertLine: 'Alert · Webhook', to: 'to', sent: 'delivered',
  },
} as const;
const CASES = {
  id: { owner: 'budi', camera: 'CCTV Masjid Agung', site: 'Masjid Agung' },
  en: { owner: 'rina', camera: 'CCTV Terminal Lasusua', site: 'Terminal Lasusua' },
} as const;

const down = (cameraId: string): ProbeResult => ({ cameraId, at: Date.now(), layers: { tcp: { ok: false, reason: 'refused', reached: false } } });

describe.skipIf(!existsSync(CHROMIUM))('the owner follows an alert to the camera on a phone', () => {
  const ownerIds: Record<string, string> = {};
  const cameraIds: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildDashboard();
    hook = await new FakeHttpServer().start();
    broken = await new FakeHttpServer({ status: 503, body: 'down for maintenance' }).start();
    telegram = await new FakeHttpServer({ status: 200, body: { ok: true, result: { message_id: 7 } } }).start();
    pantau = await startTestPantau({
      server: { port: 0, host: '127.0.0.1', publicUrl: PUBLIC_URL },
      // Telegram and webhooks only: no email, no WhatsApp gateway on this server.
      notifiers: { telegram: { botToken: '123456:TEST-token-abc', apiBase: telegram.origin } },
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
    await Promise.all([hook?.stop(), broken?.stop(), telegram?.stop()]);
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
      cameraIds[lang] = id;
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

    it(`adds a signed webhook in its own language and reads what each test answered (${lang})`, async () => {
      await page.getByRole('link', { name: w.navAccount }).click();
      const form = page.locator('form', { has: page.getByRole('heading', { name: w.addContact }) });
      await form.waitFor({ timeout: 10_000 });
      // Only what this server can send through: no email, no WhatsApp.
      expect(await form.getByLabel(w.channel).locator('option').allTextContents()).toEqual(['Telegram', 'Webhook']);
      expect(await form.getByLabel(w.secret).count()).toBe(0);

      const add = async (address: string, secret?: string) => {
        await form.getByLabel(w.channel).selectOption('webhook');
        await form.getByLabel(w.address).fill(address);
        if (secret) await form.getByLabel(w.secret).fill(secret);
        await form.getByLabel(w.language).selectOption({ label: w.otherLanguage });
        await form.getByRole('button', { name: w.add, exact: true }).click();
        const item = page.locator('li.contact', { hasText: address });
        await item.waitFor();
        return item;
      };
      const tested = async (item: Awaited<ReturnType<typeof add>>) => {
        await item.getByRole('button', { name: w.sendTest }).click();
        const answer = item.locator('.contact-answer');
        await expect.poll(() => answer.textContent(), { timeout: 15_000 }).not.toMatch(/^$|…$/);
        return answer.textContent();
      };

      const secret = `kunci-${c.owner}-rahasia`;
      const good = await add(`${hook.origin}/${c.owner}-signed`, secret);
      expect(await good.textContent()).toContain(w.signed);
      const before = hook.requests.length;
      expect(await tested(good)).toBe(w.delivered);
      const req = hook.requests.slice(before).find((r) => r.path === `/${c.owner}-signed`)!;
      expect(req.headers['x-pantau-signature']).toBe(`sha256=${createHmac('sha256', secret).update(req.body).digest('hex')}`);
      // The contact's language, not the page's.
      expect(JSON.parse(req.body.toString()).text).toContain(w.testTitle);
      // The key is never sent back.
      expect((await admin.get('/api/contacts')).text).not.toContain(secret);

      const refusing = await add(`${broken.origin}/${c.owner}`);
      expect(await tested(refusing)).toBe(w.http503);
      expect(await tested(await add(`http://127.0.0.1:9/${c.owner}`))).toBe(w.unreachable);
      // Each answer stays by its contact when the list is drawn again.
      expect(await good.locator('.contact-answer').textContent()).toBe(w.delivered);
      expect(await refusing.locator('.contact-answer').textContent()).toBe(w.http503);
      await good.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.evaluate(() => (globalThis as any).scrollBy(0, -60));
      await page.screenshot({ path: path.join(SHOTS, `owner-contacts-${lang}.png`) });
    }, 60_000);

    it(`shows on the camera's page what was sent to whom, when, and whether it arrived (${lang})`, async () => {
      await page.goto(`${pantau.url}/#/kamera/${encodeURIComponent(cameraIds[lang]!)}`);
      const section = page.locator('section.camera-notifications');
      await section.getByRole('heading', { name: w.history }).waitFor({ timeout: 10_000 });
      const item = section.locator('li.notification').first();
      await item.waitFor({ timeout: 10_000 });
      expect(await item.locator('strong').textContent()).toBe(w.alertLine);
      expect(await item.textContent()).toContain(`${w.to} ${hook.origin}/${c.owner}`);
      expect(await item.textContent()).toContain(w.sent);
      // Only the owner's own contacts: the other owner's deliveries are not listed.
      const other = lang === 'id' ? CASES.en.owner : CASES.id.owner;
      expect(await section.textContent()).not.toContain(`/${other}`);
      await section.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.evaluate(() => (globalThis as any).scrollBy(0, -60));
      await page.screenshot({ path: path.join(SHOTS, `owner-history-${lang}.png`) });
    }, 30_000);
  }
});
