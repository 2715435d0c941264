/**
 * An admin, on a 360x740 phone, draws a privacy mask with a finger over a camera's picture
 * (touch events, as a real screen sends them), saves it, and the camera page's picture turns
 * black there while the rest still shows; a viewer of the same camera gets no editor, and the
 * live view button gives the viewer masked pictures with the privacy note, not video.
 * A simulated HTTP snapshot camera, real probes, real Chromium.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { CHROMIUM, type Phone } from './browser.js';
import { startSnapshotPhone, type SnapshotPhone } from './snapshot-phone.js';

let setup: SnapshotPhone;
let pantau: TestPantau;
let admin: Client;
let phone: Phone;
let id = '';

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${pantau.url}/#/kamera/${id}`);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
}

type Point = { x: number; y: number };

/** One finger down at the first point, through the others, up (one point: a tap). As a screen sends it: touch events. */
async function finger(page: Page, points: Point[]): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [points[0]!] });
  for (const p of points.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/** Drags a finger across an element, from and to fractions of its box (the same point: a tap). */
async function fingerDrag(page: Page, selector: string, from: [number, number], to: [number, number]): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  const steps = from[0] === to[0] && from[1] === to[1] ? 0 : 8;
  const points = Array.from({ length: steps + 1 }, (_, i) => ({
    x: box.x + (from[0] + ((to[0] - from[0]) * i) / (steps || 1)) * box.width,
    y: box.y + (from[1] + ((to[1] - from[1]) * i) / (steps || 1)) * box.height,
  }));
  await finger(page, points);
}

/** Where the drawn rectangles are, as fractions of the picture: for messages when a check fails. */
const drawnRects = (page: Page) =>
  page.locator('section.privacy-mask .mask-rect').evaluateAll((nodes) =>
    nodes.map((n) => (n as unknown as { style: Record<string, string> }).style).map((st) => `${st.left} ${st.top} ${st.width} ${st.height}`).join(' | '),
  );

/** Mean of R, G and B over a rectangle (fractions) of the camera page's picture, as the phone decoded it. */
function pictureMean(page: Page, rect: { x: number; y: number; w: number; h: number }): Promise<number> {
  return page.locator('article.camera-page figure.pic.full img').evaluate((node, r) => {
    // Runs in the page (this file is compiled without the DOM's types).
    interface Canvas {
      width: number;
      height: number;
      getContext(kind: '2d'): { drawImage(img: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    }
    const img = node as unknown as { naturalWidth: number; naturalHeight: number };
    const canvas = (globalThis as unknown as { document: { createElement(tag: 'canvas'): Canvas } }).document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const x = Math.ceil(r.x * img.naturalWidth);
    const y = Math.ceil(r.y * img.naturalHeight);
    const data = ctx.getImageData(x, y, Math.floor(r.w * img.naturalWidth), Math.floor(r.h * img.naturalHeight)).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i]! + data[i + 1]! + data[i + 2]!;
    return sum / ((data.length / 4) * 3);
  }, rect);
}

describe.skipIf(!existsSync(CHROMIUM))('drawing a privacy mask on a phone', () => {
  beforeAll(async () => {
    setup = await startSnapshotPhone({ username: 'pejabat', level: 'live' }, { name: 'CCTV Jalan Poros', site: 'Jalan Poros', checkIntervalSec: 30, imageCheckIntervalSec: 300 });
    ({ pantau, admin, phone, id } = setup);
  }, 120_000);

  afterAll(async () => {
    await setup?.stop();
  });

  it('an admin drags a rectangle with a finger, taps it, saves, and the picture is black there', async () => {
    const page = await phone.context.newPage();
    await signIn(page, 'admin', 'admin-test-password');
    const section = page.locator('section.privacy-mask');
    await expect.poll(() => section.locator('.mask-summary').textContent(), { timeout: 15_000 }).toBe('Tidak ada bagian gambar yang ditutup.');
    await section.getByRole('button', { name: 'Ubah topeng privasi' }).click();
    await section.locator('.mask-stage img').waitFor({ timeout: 15_000 });
    // In the middle of the screen: clear of the sticky header and the bottom navigation.
    await section.locator('.mask-stage').evaluate((el) => (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'center' }));

    // A finger drawn rightwards and down over the middle of the picture.
    await fingerDrag(page, 'section.privacy-mask .mask-stage', [0.4, 0.3], [0.7, 0.6]);
    await expect.poll(() => section.locator('.mask-rect').count()).toBe(1);
    expect(await section.locator('.mask-count').textContent()).toBe('1 dari 16 kotak');
    // A second one, then a tap selects it and the button deletes it.
    await fingerDrag(page, 'section.privacy-mask .mask-stage', [0.05, 0.7], [0.2, 0.9]);
    await expect.poll(() => section.locator('.mask-rect').count()).toBe(2);
    // Where the finger went, within a pixel or two of the phone's screen.
    const drawn = await drawnRects(page);
    const [a, b] = drawn.split(' | ').map((r) => r.split(' ').map((v) => parseFloat(v) / 100));
    for (const [got, want] of [[a![0], 0.4], [a![1], 0.3], [a![2], 0.3], [a![3], 0.3], [b![0], 0.05], [b![1], 0.7], [b![2], 0.15], [b![3], 0.2]] as const) {
      expect(Math.abs(got! - want), `drawn: ${drawn}`).toBeLessThan(0.02);
    }
    await fingerDrag(page, 'section.privacy-mask .mask-stage', [0.02, 0.02], [0.02, 0.02]); // a tap outside both: nothing selected
    await expect.poll(() => section.getByRole('button', { name: 'Hapus kotak terpilih' }).isDisabled()).toBe(true);
    // Apart from the last tap by more than a double tap's time.
    await new Promise((r) => setTimeout(r, 600));
    const second = (await section.locator('.mask-rect').nth(1).boundingBox())!;
    await finger(page, [{ x: second.x + second.width / 2, y: second.y + second.height / 2 }]); // a tap on the second
    await expect
      .poll(async () => `${await section.locator('.mask-rect.selected').count()} selected; drawn: ${await drawnRects(page)}; at ${page.url()}; tapped ${JSON.stringify(second)}; section: ${await section.textContent().catch(() => 'none')}`)
      .toMatch(/^1 selected/);
    await section.getByRole('button', { name: 'Hapus kotak terpilih' }).click();
    await expect.poll(() => section.locator('.mask-rect').count()).toBe(1);

    await section.getByRole('button', { name: 'Simpan topeng' }).click();
    await expect.poll(() => section.locator('.mask-note').textContent(), { timeout: 10_000 }).toBe('Topeng disimpan. Gambar berikutnya sudah bertopeng.');
    // From the server's answer on: a frame taken while the save was on its way may rightly be unmasked.
    const savedAt = Date.now();
    expect(await section.locator('.mask-stage').count()).toBe(0);
    expect(await section.locator('.mask-summary').textContent()).toMatch(/^1 kotak ditutup hitam \(diubah oleh admin, /);

    // What the server keeps is what the finger drew (within a pixel or two of the phone's screen).
    const stored = (await admin.get(`/api/cameras/${id}/privacy-mask`)).body;
    expect(stored.rects).toHaveLength(1);
    const [r] = stored.rects as { x: number; y: number; w: number; h: number }[];
    for (const [got, want] of [[r!.x, 0.4], [r!.y, 0.3], [r!.w, 0.3], [r!.h, 0.3]] as const) expect(Math.abs(got - want)).toBeLessThan(0.02);

    // The picture shown now, a frame taken after the save was answered, is black inside the rectangle (shrunk a little for JPEG's blur) and not beside it.
    const pic = page.locator('article.camera-page figure.pic.full');
    await waitFor('a picture taken after the save', async () => (Number(await pic.getAttribute('data-at')) > savedAt ? true : undefined), 20_000);
    const inside = { x: r!.x + 0.03, y: r!.y + 0.03, w: r!.w - 0.06, h: r!.h - 0.06 };
    expect(await pictureMean(page, inside)).toBeLessThan(8);
    expect(await pictureMean(page, { x: 0.05, y: r!.y, w: 0.3, h: r!.h })).toBeGreaterThan(60);
    await page.close();
  }, 120_000);

  it('a viewer gets no editor, and live view of the masked camera is masked pictures with the privacy note', async () => {
    await phone.context.clearCookies();
    const page = await phone.context.newPage();
    await signIn(page, 'pejabat', 'pejabat-password');
    await page.locator('article.camera-page').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Video langsung' }).click();
    await expect.poll(() => page.locator('p.video-note:not([hidden])').first().textContent(), { timeout: 15_000 }).toMatch(/^Privasi: video langsung memakai gambar bertopeng/);
    expect(await page.locator('section.privacy-mask').count()).toBe(0);
    const started = Date.now();
    const pic = page.locator('article.camera-page figure.pic.full');
    await waitFor('a picture after live view started', async () => (Number(await pic.getAttribute('data-at')) > started ? true : undefined), 20_000);
    expect(await pictureMean(page, { x: 0.45, y: 0.35, w: 0.2, h: 0.2 })).toBeLessThan(8);
    await page.close();
  }, 120_000);
});
