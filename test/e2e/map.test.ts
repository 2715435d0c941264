/**
 * The camera page's map on a 360×740 phone: the page opens with coordinates, the address and a
 * link, and loads no map code and no tiles until "Tampilkan peta" is tapped; the map then never
 * takes a tap meant for the bottom navigation; with `map.tileUrl: none` there is no map at all
 * and the Content-Security-Policy names no tile server.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

/** A tile server that exists only inside the browser (answered by a route below). */
const TILE_ORIGIN = 'http://tiles.pantau.test';
const TILE_PNG = readFileSync(path.join(PACKAGE_ROOT, 'web', 'public', 'icon-192.png'));
const ADDRESS = 'Jl. Poros Lasusua';

interface Running {
  pantau: TestPantau;
  phone: Phone;
  page: Page;
  cameraId: string;
  /** Every URL the phone asked for. */
  requests: string[];
}
const running: Running[] = [];

async function open(tileUrl: string): Promise<Running> {
  const pantau = await startTestPantau({ map: { tileUrl } });
  const { admin } = await signedInClients(pantau);
  const cam = await admin.post('/api/cameras', {
    name: 'CCTV Pelabuhan Lasusua',
    site: 'Pelabuhan Lasusua',
    agency: 'Dinas Perhubungan',
    snapshotUrl: 'http://127.0.0.1:9/snap.jpg',
    location: { lat: -3.45, lng: 121.08, address: ADDRESS },
  });
  expect(cam.status, cam.text).toBe(201);
  const phone = await launchPhone(new URL(pantau.url).origin);
  await phone.context.route(`${TILE_ORIGIN}/**`, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: TILE_PNG }));
  const page = await phone.context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => void requests.push(r.url()));
  const run = { pantau, phone, page, cameraId: cam.body.id as string, requests };
  running.push(run);
  await page.goto(pantau.url);
  await page.locator('input[name=username]').fill('admin');
  await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.locator('nav a').first().waitFor({ timeout: 10_000 });
  return run;
}

async function openCamera({ page, cameraId }: Running): Promise<void> {
  await page.evaluate((id) => ((globalThis as any).location.hash = `#/kamera/${id}`), cameraId);
  await page.locator('.map-fallback p').getByText(ADDRESS, { exact: true }).waitFor({ timeout: 10_000 });
}

describe.skipIf(!existsSync(CHROMIUM))('the map on the camera page', () => {
  beforeAll(() => buildDashboard(), 120_000);
  afterAll(async () => {
    for (const r of running) await r.phone.close().finally(() => r.pantau.stop());
  });

  it('loads map code and tiles only when asked, and never covers the navigation', async () => {
    const run = await open(`${TILE_ORIGIN}/{z}/{x}/{y}.png`);
    const { page, requests } = run;
    await openCamera(run);
    await page.waitForTimeout(1500);
    const mapCost = () => requests.filter((u) => /leaflet/.test(u) || u.startsWith(TILE_ORIGIN));
    expect(mapCost()).toEqual([]);
    expect(await page.locator('.map-fallback').textContent()).toContain('-3.45000, 121.08000');

    await page.getByRole('button', { name: 'Tampilkan peta' }).tap();
    await page.locator('.map img.leaflet-tile-loaded').first().waitFor({ timeout: 10_000 });
    expect(mapCost().some((u) => /leaflet.*\.js$/.test(u))).toBe(true);
    // The address and the link stay under the map.
    expect(await page.locator('.map-fallback').textContent()).toContain(ADDRESS);

    // The zoom buttons scrolled to just behind the bottom navigation: a tap there is the navigation's.
    await page.locator('.map').evaluate((el: any) => {
      const g = globalThis as any;
      g.scrollBy(0, el.getBoundingClientRect().top - (g.innerHeight - 40));
    });
    const zoom = await page.locator('.leaflet-control-zoom-in').boundingBox();
    const nav = await page.locator('nav.bottom').boundingBox();
    expect(zoom && nav && zoom.y + zoom.height > nav.y).toBe(true);
    const x = zoom!.x + zoom!.width / 2;
    const y = nav!.y + nav!.height / 2;
    // What is on top where the zoom button lies under the navigation: a navigation link.
    const href = await page.evaluate(([x, y]) => (globalThis as any).document.elementFromPoint(x, y)?.closest('nav.bottom a')?.getAttribute('href') ?? null, [x, y]);
    expect(href).toMatch(/^#\//);
    await page.touchscreen.tap(x, y);
    await expect.poll(() => page.evaluate(() => (globalThis as any).location.hash)).toBe(href);
  }, 90_000);

  it('shows coordinates, the address and a link, and no map, when the tile server is none', async () => {
    const run = await open('none');
    const csp = (await fetch(run.pantau.url)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/img-src 'self' blob: data:;/);
    await openCamera(run);
    await run.page.waitForTimeout(1000);
    expect(await run.page.getByRole('button', { name: 'Tampilkan peta' }).count()).toBe(0);
    expect(await run.page.locator('.map-fallback a').getAttribute('href')).toContain('mlat=-3.45');
    expect(run.requests.filter((u) => /leaflet/.test(u))).toEqual([]);
  }, 90_000);
});
