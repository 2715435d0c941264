/**
 * The grid at fleet size on a phone (360×740): an admin's 1 000 cameras, 1 in 20 paused. The page
 * holds only the tiles near the viewport, yet scrolling reaches the last camera, a search finds
 * one far down, Tab walks from tile to tile past the first screen, a camera that goes dark while
 * its tile is not drawn shows it when scrolled to, and the dark-now counts stay right, in both
 * languages. Speed is the grid-scale benchmark's business; here only behaviour is checked.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HttpSnapshotSimulator } from '../support/index.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

/** The page's own globals, for the functions run in it (this file is compiled without the DOM's types). */
declare const window: { scrollBy(x: number, y: number): void; scrollTo(x: number, y: number): void; innerHeight: number; requestAnimationFrame(f: () => void): void };
declare const document: {
  scrollingElement: { scrollWidth: number; scrollHeight: number } | null;
  activeElement: BrowserElement | null;
  querySelectorAll(s: string): Iterable<BrowserElement>;
};
interface BrowserElement {
  tagName: string;
  isConnected: boolean;
  classList: { contains(c: string): boolean };
  querySelector(s: string): { textContent: string | null } | null;
  getBoundingClientRect(): { top: number; bottom: number };
}

const CAMERAS = 1000;
const FLEET = Array.from({ length: CAMERAS }, (_, i) => ({
  name: `CCTV ${String(i + 1).padStart(4, '0')}`, site: `Lokasi ${i % 50}`, agency: `OPD ${i % 12}`, paused: i % 20 === 0,
}));
/** The grid's order, the list's: by agency, site, name. */
const ORDERED = [...FLEET].sort((a, b) => cmp(a.agency, b.agency) || cmp(a.site, b.site) || cmp(a.name, b.name));
const LISTED = ORDERED.filter((c) => !c.paused).map((c) => c.name);
/** The camera that goes dark: far down the list. */
const FAR = LISTED[900]!;
/** Far more than a screen's worth, far fewer than the fleet. */
const MAX_TILES = 40;

let pantau: TestPantau;
let phone: Phone;
let page: Page;
const sim = new HttpSnapshotSimulator();
const farSim = new HttpSnapshotSimulator();

const tiles = () => page.locator('.grid .tile');
const tile = (name: string) => page.locator('.grid .tile', { has: page.locator('h3').getByText(name, { exact: true }) });
const heading = () => page.locator('#dark-h');
/** Scrolls, then lets two frames pass: the list draws the rows it reached before the next flick, as a thumb gives it time to. */
const scrollBy = (dy: number) =>
  page.evaluate((d) => new Promise<void>((resolve) => {
    window.scrollBy(0, d);
    window.requestAnimationFrame(() => window.requestAnimationFrame(() => resolve()));
  }), dy);
const inViewport = (name: string) =>
  tile(name).evaluate((el) => {
    const r = (el as unknown as BrowserElement).getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  });

describe.skipIf(!existsSync(CHROMIUM))('the grid at 1 000 cameras on a phone', () => {
  beforeAll(async () => {
    await buildDashboard();
    pantau = await startTestPantau({ probes: { livenessTimeoutMs: 1500, imageTimeoutMs: 5000 } });
    await sim.start();
    await farSim.start();
    const { admin } = await signedInClients(pantau);
    // One CSV import: a thousand single registrations would take minutes on a shared machine.
    const rows = FLEET.map((c) => [c.name, c.site, c.agency, c.name === FAR ? farSim.url : sim.url, c.name === FAR ? 5 : 3600, 86_400, !c.paused].join(','));
    const csv = ['name,site,agency,snapshot_url,check_interval_sec,image_check_interval_sec,enabled', ...rows].join('\n');
    const res = await admin.post('/api/cameras/import', csv, { 'content-type': 'text/csv' });
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    expect(res.body.imported).toBe(CAMERAS);
    const listed = await admin.get<{ name: string }[]>('/api/cameras');
    expect(listed.body.map((c) => c.name)).toEqual(ORDERED.map((c) => c.name));

    phone = await launchPhone(new URL(pantau.url).origin);
    page = await phone.context.newPage();
    await page.goto(pantau.url);
    await page.getByLabel('Nama pengguna').fill('admin');
    await page.getByLabel('Kata sandi').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await tile(LISTED[0]!).waitFor({ timeout: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await phone?.close();
    await pantau?.stop();
    await Promise.allSettled([sim.stop(), farSim.stop()]);
  });

  it('holds a bounded number of tiles, listed with their place among all of them', async () => {
    const drawn = await tiles().count();
    expect(drawn).toBeGreaterThan(1);
    expect(drawn).toBeLessThanOrEqual(MAX_TILES);
    const list = page.locator('ul.grid');
    expect(await list.getAttribute('role')).toBe('list');
    const first = list.locator(':scope > li').first();
    expect(await first.getAttribute('aria-posinset')).toBe('1');
    expect(await first.getAttribute('aria-setsize')).toBe(String(LISTED.length));
    // One column that fits the phone: nothing to scroll sideways.
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByRole('button', { name: `Tampilkan ${CAMERAS / 20} kamera yang dijeda` }).waitFor({ state: 'attached' });
  });

  it('shows a camera that went dark while its tile was not drawn, when scrolled to, and counts it', async () => {
    const far = FAR;
    expect(await tile(far).count()).toBe(0);
    await heading().filter({ hasText: 'Semua kamera menyala' }).waitFor({ timeout: 30_000 });
    await farSim.stop();
    await page.locator('.dark-list .dark-row', { hasText: far }).waitFor({ timeout: 40_000 });
    expect((await heading().innerText()).replace(/\s+/g, ' ')).toBe('MATI 1 · TERGANGGU 0');
    // Still not drawn: the change lives in the data until the tile is.
    expect(await tile(far).count()).toBe(0);

    // Scrolled to from the top, a screen at a time, as a thumb would.
    // Rows below are guessed until drawn, so the distance is not known beforehand: a generous bound.
    for (let i = 0; i < 800 && !(await tile(far).count()); i++) await scrollBy(600);
    await tile(far).waitFor({ timeout: 5000 });
    expect(await tile(far).getAttribute('class')).toContain('st-down');
    await tile(far).locator('.status', { hasText: 'Mati' }).waitFor();
    expect(await tiles().count()).toBeLessThanOrEqual(MAX_TILES);
    // The rest of the fleet is still on: counted once, not once per redraw.
    expect((await heading().innerText()).replace(/\s+/g, ' ')).toBe('MATI 1 · TERGANGGU 0');
  }, 120_000);

  it('scrolls to the end and shows the last camera there', async () => {
    const last = LISTED.at(-1)!;
    // Rows below are guessed until drawn: the end moves a little as they are measured.
    for (let i = 0; i < 50 && !(await tile(last).count()); i++) {
      await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
      await page.waitForTimeout(50);
    }
    await tile(last).waitFor({ timeout: 5000 });
    await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
    await expect.poll(() => inViewport(last)).toBe(true);
    expect(await page.locator('ul.grid > li').last().getAttribute('aria-posinset')).toBe(String(LISTED.length));
    expect(await tiles().count()).toBeLessThanOrEqual(MAX_TILES);
    expect(await tile(LISTED[0]!).count()).toBe(0);

    // Scrolling back up draws tiles whose height was only guessed: what is on screen must not jump.
    for (let i = 0; i < 8; i++) {
      const moved = await page.evaluate(async (step) => {
        const onScreen = [...document.querySelectorAll('.grid .tile')].find((t) => t.getBoundingClientRect().top > 80);
        if (!onScreen) return 'no tile on screen';
        const before = onScreen.getBoundingClientRect().top;
        window.scrollBy(0, -step);
        for (let f = 0; f < 3; f++) await new Promise<void>((r) => window.requestAnimationFrame(() => r()));
        return onScreen.isConnected ? onScreen.getBoundingClientRect().top - before : 'dropped';
      }, 300);
      // Exactly the step, give or take the rounding of a fractional layout.
      expect(typeof moved === 'number' && Math.abs(moved - 300) < 1 ? 300 : moved).toBe(300);
    }
  }, 60_000);

  it('finds a camera far down by name, and by site, then lists everything again', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const search = page.getByLabel('Cari');
    const deep = LISTED[930]!;
    await search.fill(deep);
    await expect.poll(() => tiles().count()).toBe(1);
    expect(await tiles().locator('h3').innerText()).toBe(deep);
    // A site: its cameras are spread over the agencies, the last of them far down the whole list.
    // Every word is looked for in name, site and agency alike ("37" is also in "CCTV 0137").
    const site = FLEET.find((c) => c.name === deep)!.site;
    const words = site.toLowerCase().split(' ');
    const atSite = LISTED.filter((name) => {
      const c = FLEET.find((x) => x.name === name)!;
      return words.every((w) => `${c.name} ${c.site} ${c.agency}`.toLowerCase().includes(w));
    });
    expect(atSite.length).toBeGreaterThan(20);
    await search.fill(site.toLowerCase());
    await expect.poll(() => page.locator('ul.grid > li').first().getAttribute('aria-setsize')).toBe(String(atSite.length));
    for (let i = 0; i < 60 && !(await tile(atSite.at(-1)!).count()); i++) await scrollBy(600);
    await tile(atSite.at(-1)!).waitFor({ timeout: 5000 });
    await search.fill('');
    await page.evaluate(() => window.scrollTo(0, 0));
    await expect.poll(() => page.locator('ul.grid > li').first().getAttribute('aria-setsize')).toBe(String(LISTED.length));
    await tile(LISTED[0]!).waitFor();
    expect(await tiles().count()).toBeLessThanOrEqual(MAX_TILES);
  }, 60_000);

  it('lets Tab walk from tile to tile past the first screen', async () => {
    await tile(LISTED[0]!).focus();
    const steps = 30;
    for (let i = 0; i < steps; i++) await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const a = document.activeElement;
      return a?.classList.contains('tile') ? a.querySelector('h3')?.textContent : `not a tile: ${a?.tagName}`;
    });
    expect(focused).toBe(LISTED[steps]);
    await expect.poll(() => inViewport(LISTED[steps]!)).toBe(true);
    expect(await tiles().count()).toBeLessThanOrEqual(MAX_TILES);
  }, 60_000);

  it('says the same in English, and unfolds the paused cameras into the list', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole('button', { name: 'English' }).click();
    await heading().filter({ hasText: 'DOWN 1' }).waitFor({ timeout: 15_000 });
    expect((await heading().innerText()).replace(/\s+/g, ' ')).toBe('DOWN 1 · DEGRADED 0');
    await page.getByRole('button', { name: `Show ${CAMERAS / 20} paused cameras` }).click();
    await expect.poll(() => page.locator('ul.grid > li').first().getAttribute('aria-setsize')).toBe(String(CAMERAS));
    // The first camera of the whole list is a paused one (the button was at the list's end).
    expect(ORDERED[0]!.paused).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await tile(ORDERED[0]!.name).locator('.status', { hasText: 'Paused' }).waitFor({ timeout: 10_000 });
    expect(await tiles().count()).toBeLessThanOrEqual(MAX_TILES);
  }, 60_000);
});

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
