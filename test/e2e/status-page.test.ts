/**
 * The public status page in Chromium on a 360×740 phone, as an anonymous visitor: Indonesian
 * first, a tapped day bar reads its date, uptime and outages, the language switches to English
 * and back, nothing breaks the strict CSP, the widget can be framed by another page and the
 * page itself cannot. Screenshots go to test-artifacts/screenshots/status-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openStore } from '../../src/store/index.js';
import { stateFromLastFlip } from '../../src/domain/restart.js';
import { zoneOffsetMinutes } from '../../src/config/time-zone.js';
import type { Flip } from '../../src/domain/status.js';
import { signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';
import { CHROMIUM, launchPhone, type Phone } from './browser.js';

const SHOTS = path.resolve('test-artifacts/screenshots');
const DAY = 86_400_000;
let pantau: TestPantau;
let phone: Phone;
let page: Page;
const problems: string[] = [];

describe.skipIf(!existsSync(CHROMIUM))('public status page on a phone', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const first = await startTestPantau({ statusPage: { enabled: true } });
    const { admin } = await signedInClients(first);
    const base = { checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, rtspUrl: 'rtsp://10.9.8.3/x', public: true };
    const masjid = (await admin.post('/api/cameras', { ...base, name: 'CCTV Masjid Agung', site: 'Masjid Agung Lasusua', agency: 'Diskominfo', innovation: { name: 'Pantau Masjid' } })).body.id as string;
    const pasar = (await admin.post('/api/cameras', { ...base, name: 'CCTV Pasar', site: 'Pasar Sentral', agency: 'Disperindag' })).body.id as string;
    await first.stop({ keepData: true });

    const store = openStore(`${first.dataDir}/pantau.db`);
    const now = Date.now();
    const tz = zoneOffsetMinutes('Asia/Makassar') * 60_000;
    // Three local days ago, 02:00 to 08:00 WITA: that day reads 75 % with one outage.
    const threeDaysAgo = Math.floor((now + tz) / DAY) * DAY - tz - 3 * DAY;
    const flips: Flip[] = [
      { cameraId: masjid, at: now - 40 * DAY, from: 'unknown', to: 'up', reason: 'ok' },
      { cameraId: masjid, at: threeDaysAgo + 2 * 3_600_000, from: 'up', to: 'down', reason: 'unreachable' },
      { cameraId: masjid, at: threeDaysAgo + 8 * 3_600_000, from: 'down', to: 'up', reason: 'ok' },
      { cameraId: pasar, at: now - 40 * DAY, from: 'unknown', to: 'up', reason: 'ok' },
      { cameraId: pasar, at: now - 5 * 3_600_000, from: 'up', to: 'degraded', reason: 'black' },
    ];
    for (const f of flips) store.flips.insert(f);
    store.flips.saveState(masjid, stateFromLastFlip(masjid, flips[2]!, now), now);
    store.flips.saveState(pasar, stateFromLastFlip(pasar, flips[4]!, now), now);
    store.close();
    pantau = await startTestPantau({ statusPage: { enabled: true, title: 'Status CCTV Kolaka Utara' } }, first.dataDir);
    phone = await launchPhone(new URL(pantau.url).origin);
    page = await phone.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.addInitScript(() => {
      (globalThis as any).document.addEventListener('securitypolicyviolation', (e: any) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
  }, 120_000);

  afterAll(async () => {
    await phone?.close();
    await pantau?.stop();
  });

  const dayLine = (camera: string) => page.locator('article.cam', { hasText: camera }).locator('p.day').textContent();

  it('shows the cameras, the outage now and the zones in Indonesian, and a tapped day reads its numbers', async () => {
    await page.goto(`${pantau.url}/status`);
    expect(await page.locator('html').getAttribute('lang')).toBe('id');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Status CCTV Kolaka Utara');
    const outage = page.locator('li.outage');
    expect(await outage.count()).toBe(1);
    expect(await outage.textContent()).toMatch(/CCTV Pasar\s*Terganggu.*Mulai .*sudah 5 jam 0 menit · Belum ditangani/s);
    expect(await page.locator('article.cam', { hasText: 'CCTV Masjid Agung' }).locator('.st').textContent()).toBe('Aktif');
    expect(await page.getByText('Hijau: uptime ≥ 99 %; kuning: ≥ 95 %; merah: di bawahnya.').count()).toBe(1);

    const bars = page.locator('article.cam', { hasText: 'CCTV Masjid Agung' }).locator('.bars i');
    expect(await bars.count()).toBe(90);
    await bars.nth(86).tap();
    await expect.poll(() => dayLine('CCTV Masjid Agung')).toMatch(/^\S+ \d{1,2} \S+ 20\d\d · 75,0 % · 1 gangguan$/);
    expect(await bars.nth(86).getAttribute('class')).toContain('sel');
    await bars.nth(88).tap();
    await expect.poll(() => dayLine('CCTV Masjid Agung')).toMatch(/ · 100,0 % · tanpa gangguan$/);
    // Nothing wider than the phone.
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: path.join(SHOTS, 'status-id.png'), fullPage: true });
  });

  it('switches to English and back', async () => {
    await page.getByRole('link', { name: 'English' }).tap();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('li.outage').textContent()).toMatch(/CCTV Pasar\s*Degraded.*Started .*for 5 h 0 min · Not acknowledged yet/s);
    const bars = page.locator('article.cam', { hasText: 'CCTV Masjid Agung' }).locator('.bars i');
    await bars.nth(86).tap();
    await expect.poll(() => dayLine('CCTV Masjid Agung')).toMatch(/^\S+ \d{1,2} \S+ 20\d\d · 75\.0% · 1 outage$/);
    await page.screenshot({ path: path.join(SHOTS, 'status-en.png'), fullPage: true });
    // An agency's page keeps the language.
    await page.getByRole('navigation').getByRole('link', { name: 'Disperindag' }).tap();
    await expect.poll(() => page.url()).toContain('/status/disperindag?lang=en');
    expect(await page.locator('article.cam').count()).toBe(1);
    await page.getByRole('link', { name: 'Bahasa Indonesia' }).tap();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('id');
    expect(page.url()).toMatch(/\/status\/disperindag$/);
  });

  it('lets another page frame the widget, but not the status page', async () => {
    // An agency's own site, on another origin (loopback too: Chromium refuses public pages framing local ones).
    const html = `<p>Situs OPD</p><iframe id="w" src="${pantau.url}/status/widget/diskominfo" width="300" height="160"></iframe><iframe id="p" src="${pantau.url}/status" width="300" height="160"></iframe>`;
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const site = `http://localhost:${(server.address() as AddressInfo).port}`;
    await phone.context.route((url) => url.origin === site, (route) => route.continue());
    const host = await phone.context.newPage();
    await host.goto(`${site}/`);
    await expect.poll(async () => (await host.frameLocator('#w').locator('body').textContent({ timeout: 2000 }).catch(() => '')) ?? '').toContain('Diskominfo');
    await host.screenshot({ path: path.join(SHOTS, 'status-widget.png') });
    // The page itself refuses to be framed: its frame shows the browser's refusal instead.
    const frame = await (await host.locator('#p').elementHandle())!.contentFrame();
    await expect.poll(() => frame!.evaluate(() => ((globalThis as any).document.body?.innerText as string | undefined) ?? '').catch(() => '')).toMatch(/127\.0\.0\.1/);
    expect(await frame!.evaluate(() => (globalThis as any).document.body.innerText as string)).not.toContain('Status CCTV');
    await host.close();
    server.close();
  });

  it('ran within the strict CSP without errors', () => {
    expect(problems).toEqual([]);
  });
});
