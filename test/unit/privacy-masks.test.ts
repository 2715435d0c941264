/**
 * The privacy mask service with the two picture caches that hand pictures out, on a real SQLite
 * store and real JPEGs: a masked camera's pictures are masked once (both caches share the work),
 * a camera without a mask is kept as it is at once, a mask change drops the viewers' frame and
 * masks the last good picture again, and a picture that cannot be masked is never kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import type { CapturedFrame } from '../../src/probes/index.js';
import type { Principal } from '../../src/services/auth.js';
import { GoodPictures } from '../../src/services/good-pictures.js';
import { PrivacyMasks } from '../../src/services/privacy-masks.js';
import { Snapshots } from '../../src/services/snapshots.js';
import { openStore, type Store } from '../../src/store/index.js';
import { renderFrame } from '../support/index.js';

const log = createLogger('silent');
const admin = { user: { id: 'u1', username: 'admin', role: 'admin' }, via: 'session' } as unknown as Principal;
const owner = { user: { id: 'u2', username: 'pemilik', role: 'owner' }, via: 'session' } as unknown as Principal;
const MASK = { x: 0.4, y: 0.3, w: 0.3, h: 0.3 };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(): { store: Store; masks: PrivacyMasks; id: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pantau-masks-'));
  const store = openStore(path.join(dir, 'pantau.db'));
  cleanups.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const id = store.cameras.insert(
    { name: 'Kamera', site: 'S', agency: 'A', location: null, innovation: null, owners: [], onvif: null, rtsp: null, snapshot: { url: 'http://127.0.0.1/s.jpg', username: null, passwordEnc: null }, checkIntervalSec: 30, imageCheckIntervalSec: 300, alertGraceSec: 120, enabled: true, private: false, public: false, tags: [], parentId: null, externalId: null },
    Date.now(),
  ).id;
  return { store, masks: new PrivacyMasks(store.privacyMasks, log), id };
}

async function frame(at: number): Promise<CapturedFrame> {
  const jpeg = await renderFrame(new Date(at), { width: 640, height: 360 });
  const thumbJpeg = await sharp(jpeg).resize({ width: 160 }).jpeg().toBuffer();
  return { jpeg, thumbJpeg, width: 640, height: 360, source: 'snapshot', at };
}

/** Mean of every channel over the mask, shrunk by 3 px. */
async function meanInMask(jpeg: Buffer): Promise<number> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const x0 = Math.ceil(MASK.x * info.width) + 3;
  const x1 = Math.floor((MASK.x + MASK.w) * info.width) - 3;
  const y0 = Math.ceil(MASK.y * info.height) + 3;
  const y1 = Math.floor((MASK.y + MASK.h) * info.height) - 3;
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++, n++) sum += data[(y * info.width + x) * info.channels + c]!;
  return sum / n;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('PrivacyMasks', () => {
  it('refuses a non-admin, keeps the mask with who and when, and survives a restart', () => {
    const { store, masks, id } = setup();
    expect(() => masks.set(owner, id, [MASK])).toThrow(/only admins/);
    expect(masks.masked(id)).toBe(false);
    const view = masks.set(admin, id, [MASK]);
    expect(view).toMatchObject({ cameraId: id, rects: [MASK], updatedBy: 'admin' });
    expect(new PrivacyMasks(store.privacyMasks, log).masked(id)).toBe(true);
    masks.set(admin, id, []);
    expect(masks.masked(id)).toBe(false);
    expect(store.privacyMasks.history(id).map((m) => m.rects.length)).toEqual([1, 0]);
    expect(() => store.db.prepare('DELETE FROM privacy_mask_changes').run()).toThrow(/append-only/);
  });

  it('leaves an unmasked camera alone (no promise: kept at once), and masks a masked one once for every cache', async () => {
    const { masks, id } = setup();
    const f = await frame(1000);
    expect(masks.frame(id, f)).toBeUndefined();
    masks.set(admin, id, [MASK]);
    const a = await masks.frame(id, f)!;
    const b = await masks.frame(id, { ...f })!;
    // The same buffers: the second cache got the first one's work.
    expect(b.jpeg).toBe(a.jpeg);
    expect(b.thumbJpeg).toBe(a.thumbJpeg);
    expect(await meanInMask(a.jpeg)).toBeLessThan(8);
    expect(await meanInMask(a.thumbJpeg)).toBeLessThan(8);
    expect(await meanInMask(f.jpeg)).toBeGreaterThan(60);
  });

  it('gives the viewers masked frames only; a new mask drops the frame kept', async () => {
    const { masks, id } = setup();
    const snapshots = new Snapshots({ capture: async () => undefined, camera: () => undefined, log, mask: (cam, fr) => masks.frame(cam, fr) });
    cleanups.push(() => snapshots.stop());
    const plain = await frame(1000);
    snapshots.offer(id, plain);
    expect(snapshots.latest(id)?.jpeg).toBe(plain.jpeg);

    masks.set(admin, id, [MASK]);
    snapshots.dropFrame(id);
    expect(snapshots.latest(id)).toBeUndefined();
    const next = await frame(2000);
    const emitted = new Promise((resolve) => snapshots.once('frame', resolve));
    snapshots.offer(id, next);
    expect(snapshots.latest(id)).toBeUndefined(); // not before it is masked
    await emitted;
    expect(await meanInMask(snapshots.latest(id)!.jpeg!)).toBeLessThan(8);

    // A picture that cannot be masked is dropped, not kept unmasked.
    const broken = { ...(await frame(3000)), jpeg: Buffer.from('not a jpeg') };
    snapshots.offer(id, broken);
    // The same masking the cache waits for (shared per picture): once it failed, the cache has heard.
    await expect(masks.frame(id, broken)).rejects.toThrow();
    await tick();
    expect(snapshots.latest(id)!.at).toBe(2000);
  });

  it('keeps the last good picture masked, and masks it again when the mask changes', async () => {
    const { masks, id } = setup();
    const good = new GoodPictures(10, (cam, p) => masks.frame(cam, p));
    const f = await frame(1000);
    good.offer(id, f, true);
    expect(good.get(id)?.jpeg).toBe(f.jpeg);

    masks.set(admin, id, [MASK]);
    good.remask(id);
    expect(good.get(id)).toBeUndefined(); // not handed out while it is masked again
    await masks.frame(id, f); // the same work the cache waits for (shared per picture)
    await tick();
    expect(await meanInMask(good.get(id)!.jpeg)).toBeLessThan(8);
    expect(await meanInMask(good.get(id)!.thumbJpeg)).toBeLessThan(8);
    expect(good.get(id)!.at).toBe(1000);

    masks.set(admin, id, []);
    good.remask(id);
    expect(good.get(id)?.jpeg).toBe(f.jpeg);
  });
});
