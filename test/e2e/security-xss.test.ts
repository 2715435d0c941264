/**
 * Stored XSS, replayed in Chromium on a phone against a real Pantau (issue 12, finding 1): an
 * owner renamed its camera to markup that would make it admin when an admin hovered the map
 * pin. Here every field a user can edit carries script payloads (an <img onerror>, an <svg
 * onload>, a "><script> break-out and a javascript: URL), and every page is opened as admin and
 * as viewer, the map pin hovered and tapped. A payload that runs (it reports to this test, or
 * opens a dialog), a Content-Security-Policy violation, or a javascript: link fails the test:
 * the policy is a second wall, so markup that reaches the DOM fails here even though the
 * policy stops it from running.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { simpleParser } from 'mailparser';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import { FakeSmtpServer } from '../support/fake-smtp.js';
import { HttpSnapshotSimulator } from '../support/index.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

/** A tile server that exists only inside the browser (answered by a route below): nothing leaves the machine. */
const TILE_ORIGIN = 'http://tiles.pantau.test';
const TILE_PNG = readFileSync(path.join(PACKAGE_ROOT, 'web', 'public', 'icon-192.png'));

const run = (field: string) => `__pwned.push('${field}')`;
/** All four shapes in one value (fits the 200-character fields). */
const payload = (field: string) => `javascript:${run(field)}//"><script>${run(field)}</script><img src=x onerror=${run(field)}><svg onload=alert('${field}')>`;

const P = {
  name: payload('camera-name'),
  site: payload('site'),
  agency: payload('agency'),
  innovation: payload('innovation'),
  address: payload('address'),
  // Tags are at most 50 characters: one shape each.
  tags: [`<img src=x onerror=${run('tag-img')}>`, `"><script>${run('tag-script')}</script>`, `<svg onload=alert('tag-svg')>`, `javascript:${run('tag-url')}`],
  ownerName: payload('owner-display-name'),
  viewerName: payload('viewer-display-name'),
  headOf: payload('head-of'),
  muteReason: payload('mute-reason'),
  webhook: `https://hook.pantau.invalid/"><img src=x onerror=${run('webhook')}><svg onload=alert('webhook')>`,
  // An email address cannot hold < > ( " : only an attribute break-out fits.
  email: "'/onmouseover=alert`email`//@pantau.test",
  attribution: `<img src=x onerror=${run('attribution')}>`,
};

let smtp: FakeSmtpServer;
let live: HttpSnapshotSimulator;
let pantau: TestPantau;
let admin: Client;
let owner: Client;
let viewer: Client;
let phone: Phone;
let page: Page;
let cameraId = '';
let ackPath = '';
/** What the page reported: payloads that ran, CSP violations, dialogs, console errors about the policy. */
const seen: string[] = [];
const sockets: string[] = [];

/** Fails when anything ran or was refused since the last call; a moment first for images to fail and handlers to fire. */
async function clean(where: string): Promise<void> {
  await page.waitForTimeout(600);
  const jsLinks = await page.locator('a[href^="javascript:" i]').count();
  if (jsLinks) seen.push(`${jsLinks} javascript: link(s)`);
  const found = seen.splice(0);
  expect(found, `on ${where}`).toEqual([]);
}

async function signIn(username: string, password: string): Promise<void> {
  await phone.context.clearCookies();
  await page.goto(`${pantau.url}/#/`);
  await page.evaluate(() => (globalThis as any).localStorage.clear());
  await page.reload();
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.locator('nav.bottom').waitFor();
}

describe.skipIf(!existsSync(CHROMIUM))('stored XSS and the Content-Security-Policy', () => {
  beforeAll(async () => {
    await buildDashboard();
    smtp = await new FakeSmtpServer().start();
    live = new HttpSnapshotSimulator({ mode: 'live' });
    await live.start();
    pantau = await startTestPantau({
      probes: { livenessTimeoutMs: 1000, imageTimeoutMs: 2000, failuresToConfirm: 1 },
      alerts: { graceSec: 0, groupWindowSec: 0, delivery: { baseDelayMs: 200, maxDelayMs: 400 } },
      notifiers: { email: { host: '127.0.0.1', port: smtp.port, from: 'Pantau <pantau@pantau.test>', starttls: 'off' } },
      map: { tileUrl: `${TILE_ORIGIN}/{z}/{x}/{y}.png`, attribution: P.attribution },
    });
    const clients = await signedInClients(pantau);
    admin = clients.admin;
    const o = await clients.make('pemilik', 'owner');
    owner = o.client;
    expect((await admin.patch(`/api/users/${o.id}`, { displayName: P.ownerName, headOf: [P.headOf] })).status).toBe(200);

    // The camera an admin registered (from a spreadsheet of hostile text), down from the start
    // (nothing listens on port 9) so that it has an outage, an alert and an acknowledge link.
    const created = await admin.post('/api/cameras', {
      name: 'CCTV Balai Desa', site: P.site, agency: P.agency, innovation: { name: P.innovation },
      location: { lat: -3.4587, lng: 120.8236, address: P.address }, tags: P.tags, owners: [o.id],
      snapshotUrl: 'http://127.0.0.1:9/snapshot.jpg', checkIntervalSec: 5, imageCheckIntervalSec: 3600, alertGraceSec: 0,
    });
    expect(created.status, created.text).toBe(201);
    cameraId = created.body.id;
    // The attack as found: the owner renames its own camera.
    const renamed = await owner.patch(`/api/cameras/${cameraId}`, { name: P.name });
    expect(renamed.status, renamed.text).toBe(200);
    expect((await owner.post('/api/contacts', { channel: 'email', address: 'pemilik@pantau.test' })).status).toBe(201);
    // A working camera beside it, so that frames (blob: images) are shown under the policy too.
    const working = await admin.post('/api/cameras', { name: 'CCTV Pasar', site: 'Pasar', agency: P.agency, snapshotUrl: live.url, checkIntervalSec: 5, imageCheckIntervalSec: 5 });
    expect(working.status, working.text).toBe(201);

    // The viewer sees the camera through a grant on its (hostile) agency.
    const v = await clients.make('pemantau', 'viewer', [{ scope: 'agency', value: P.agency }]);
    viewer = v.client;
    expect((await viewer.patch('/api/me', { displayName: P.viewerName })).status).toBe(200);
    for (const contact of [{ channel: 'webhook', address: P.webhook }, { channel: 'email', address: P.email }]) {
      const res = await viewer.post('/api/contacts', contact);
      expect(res.status, res.text).toBe(201);
    }
    expect((await viewer.get(`/api/cameras/${cameraId}`)).status).toBe(200);

    // Where a URL is stored, a javascript: URL is refused outright.
    expect((await admin.patch(`/api/cameras/${cameraId}`, { snapshotUrl: `javascript:${run('snapshot-url')}` })).status).toBe(400);
    expect((await viewer.post('/api/contacts', { channel: 'webhook', address: `javascript:${run('webhook-url')}` })).status).toBe(400);

    const mail = await waitFor('the alert email', async () => smtp.mails.find((m) => m.to.includes('pemilik@pantau.test')), 30_000);
    const parsed = await simpleParser(mail.raw);
    ackPath = /\/ack\/[\w.~-]+/.exec(parsed.text ?? '')![0];
    // The email's HTML shows the hostile text as text.
    const html = String(parsed.html);
    expect(html).toContain('&lt;img src=x onerror=');
    for (const raw of ['<img src=x', '<svg', '<script']) expect(html).not.toContain(raw);

    const muted = await owner.post('/api/mutes', { cameraId, until: new Date(Date.now() + 3_600_000).toISOString(), reason: P.muteReason });
    expect(muted.status, muted.text).toBe(201);

    phone = await launchPhone(new URL(pantau.url).origin);
    await phone.context.route(`${TILE_ORIGIN}/**`, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: TILE_PNG }));
    await phone.context.exposeBinding('__xssReport', (_source, what: string) => void seen.push(what));
    await phone.context.addInitScript(() => {
      const report = (globalThis as any).__xssReport as (what: string) => void;
      (globalThis as any).__pwned = { push: (field: string) => report(`payload ran: ${field}`) };
      (globalThis as any).document.addEventListener('securitypolicyviolation', (e: any) => report(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} ${e.sample}`), true);
    });
    page = await phone.context.newPage();
    page.on('dialog', (dialog) => {
      seen.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('websocket', (ws) => void sockets.push(ws.url()));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content.Security.Policy|Refused to/i.test(msg.text())) seen.push(`console: ${msg.text()}`);
    });
  }, 180_000);

  // What an earlier test left behind is that test's failure, not this one's.
  beforeEach(() => void seen.splice(0));
  afterAll(async () => {
    await phone?.close();
    await pantau?.stop();
    await smtp?.stop();
    await live?.stop();
  });

  it('sends a strict Content-Security-Policy with the page, the API and the acknowledge page', async () => {
    for (const url of ['/', `/#/kamera/${cameraId}`, '/api/me', '/api/cameras', ackPath, '/ack.css']) {
      const res = await fetch(pantau.url + url);
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
      expect(directives.get('script-src'), `${url}: ${csp}`).toEqual(["'self'"]);
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('style-src')).toEqual(["'self'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(directives.get('base-uri')).toEqual(["'none'"]);
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      // The tile server comes from the config, and is the only other origin allowed.
      expect(directives.get('img-src')).toEqual(["'self'", 'blob:', 'data:', TILE_ORIGIN]);
      expect(directives.get('connect-src')).toEqual(["'self'"]);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*(?!\.)/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  for (const role of ['admin', 'viewer'] as const) {
    it(`runs no payload on any page as ${role}`, async () => {
      await signIn(role === 'admin' ? 'admin' : 'pemantau', role === 'admin' ? ADMIN_PASSWORD : 'pemantau-password');
      await clean(`${role}: sign-in`);

      // Grid: the tile and the "dark now" list, with the filters listing site and agency.
      const hostile = page.locator('.grid .tile', { has: page.locator('h3').getByText(P.name, { exact: true }) });
      await hostile.waitFor({ timeout: 15_000 });
      await page.locator('.dark-list .dark-row strong').getByText(P.name, { exact: true }).waitFor({ timeout: 15_000 });
      expect(await hostile.locator('.meta').textContent()).toBe(`${P.site} · ${P.agency}`);
      // The live link works under the policy: a WebSocket to Pantau itself, and frames as blob: images.
      // (Below the dark-now cards, whose pictures push the grid down: scrolled to, as a user would.)
      await page.locator('.grid .tile', { hasText: 'CCTV Pasar' }).scrollIntoViewIfNeeded();
      const frame = page.locator('.grid .tile', { hasText: 'CCTV Pasar' }).locator('.pic:not(.empty) img[src^="blob:"]');
      await frame.waitFor({ timeout: 20_000 });
      await expect.poll(() => frame.evaluate((img: any) => img.complete && img.naturalWidth > 0)).toBe(true);
      expect(sockets.some((url) => url.startsWith(pantau.url.replace(/^http/, 'ws')) && url.includes('/socket.io/'))).toBe(true);
      if (role === 'admin') expect(await page.evaluate(() => (globalThis as any).navigator.serviceWorker.ready.then(() => true))).toBe(true);
      await clean(`${role}: grid`);

      // Camera page: heading, innovation, address, outages, and the map with its pin.
      await page.goto(`${pantau.url}/#/kamera/${encodeURIComponent(cameraId)}`);
      await page.locator('.camera-page h1').getByText(P.name, { exact: true }).waitFor();
      expect(await page.locator('.camera-page .meta').textContent()).toContain(P.innovation);
      await page.locator('.map-fallback p').getByText(P.address, { exact: true }).waitFor();
      await page.locator('.outages .outage').first().waitFor({ timeout: 15_000 });
      // The map loads on tap; tiles load from the configured server under the policy, so it stays.
      // Clicked in the page: the payloads' long words widen the layout, so a tap by position misses.
      await page.getByRole('button', { name: 'Tampilkan peta' }).evaluate((b: any) => b.click());
      await page.locator('.map img.leaflet-tile-loaded').first().waitFor({ timeout: 10_000 });
      expect(await page.locator('.leaflet-control-attribution').textContent()).toContain(P.attribution);
      const pin = page.locator('.map path.leaflet-interactive');
      const tooltip = page.locator('.leaflet-tooltip');
      // Its text as it opens: a tooltip closes again when anything moves under the pointer.
      const tooltipText = () => page.waitForFunction(() => (globalThis as any).document.querySelector('.leaflet-tooltip')?.textContent).then((t) => t.jsonValue());
      await pin.hover();
      const hovered = await tooltipText();
      await clean(`${role}: camera page, pin hovered`);
      expect(hovered).toBe(P.name);
      await page.mouse.move(0, 0);
      await tooltip.waitFor({ state: 'detached' });
      await pin.tap();
      const tapped = await tooltipText();
      await clean(`${role}: camera page, pin tapped`);
      expect(tapped).toBe(P.name);

      // The agency report.
      await page.goto(`${pantau.url}/#/laporan`);
      await page.locator('.report tbody th').getByText(P.agency, { exact: true }).waitFor();
      await clean(`${role}: report`);

      if (role === 'admin') {
        // The registry: cameras, users with their grants, every owner's contacts.
        await page.goto(`${pantau.url}/#/registri`);
        await page.locator('.admin-camera strong').getByText(P.name, { exact: true }).waitFor();
        await page.locator('.users strong').getByText(P.ownerName, { exact: true }).waitFor();
        await page.locator('.users strong').getByText(P.viewerName, { exact: true }).waitFor();
        await page.locator('.users small').getByText(`OPD: ${P.agency} · gambar`, { exact: true }).waitFor();
        await page.locator('.contacts .addr').getByText(P.webhook, { exact: true }).waitFor();
        const row = page.locator('.admin-camera', { has: page.locator('strong').getByText(P.name, { exact: true }) });
        await row.getByRole('button', { name: 'Ubah' }).click();
        await page.locator('form h3').getByText(`Ubah: ${P.name}`, { exact: true }).waitFor();
        await clean(`${role}: registry`);
      }

      // The account page: the user's own name and contacts.
      await page.goto(`${pantau.url}/#/akun`);
      await page.locator('.account h1').waitFor();
      if (role === 'viewer') {
        await page.locator('.account p').getByText(P.viewerName, { exact: false }).waitFor();
        await page.locator('.contacts .addr').getByText(P.webhook, { exact: true }).waitFor();
        await page.locator('.contacts .addr').getByText(P.email, { exact: true }).waitFor();
      }
      await clean(`${role}: account`);
    }, 90_000);
  }

  it('runs nothing on the acknowledge page, whatever its link holds', async () => {
    await page.goto(pantau.url + ackPath);
    await page.getByRole('button', { name: 'Ya, sudah ditangani' }).click();
    await page.getByText('Terima kasih', { exact: false }).waitFor();
    await clean('acknowledge page');
    // The token is the one part of the page taken from the request.
    await page.goto(`${pantau.url}/ack/${encodeURIComponent(`"><script>${run('ack-token')}</script><img src=x onerror=${run('ack-token')}>`)}`);
    await page.getByText('Tautan ini tidak berlaku lagi', { exact: false }).waitFor();
    await clean('acknowledge page with a hostile token');
    // Acknowledged by link: the camera page now names who, and still runs nothing.
    await page.goto(`${pantau.url}/#/kamera/${encodeURIComponent(cameraId)}`);
    await page.locator('.outage .acked').first().waitFor({ timeout: 10_000 });
    await clean('camera page after the acknowledgement');
  }, 45_000);
});
