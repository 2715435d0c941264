/**
 * Frames for viewers are taken at the size someone wants: a grid of thumbnails never pays for
 * the phone-sized picture, and whoever wants that picture is never handed a thumbnail for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import type { ViewerFrame } from '../../src/probes/index.js';
import { FramePipe } from '../../src/realtime/frames.js';
import { Snapshots, type CachedFrame, type FrameSize } from '../../src/services/snapshots.js';
import type { Camera } from '../../src/store/cameras.js';

const log = createLogger('silent');
const ID = 'cam-1';
const camera = { id: ID, enabled: true } as Camera;
const stops: (() => void)[] = [];

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** A Snapshots whose captures are recorded and answered with a frame of the size asked for. */
function recording(): { snapshots: Snapshots; asked: FrameSize[] } {
  const asked: FrameSize[] = [];
  let at = Date.now();
  const snapshots = new Snapshots({
    camera: () => camera,
    log,
    capture: async (_camera, _signal, size) => {
      asked.push(size);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return frameOf(size, (at += 1000));
    },
  });
  stops.push(() => snapshots.stop());
  return { snapshots, asked };
}

function frameOf(size: FrameSize, at: number): ViewerFrame {
  const thumbJpeg = Buffer.from(`thumb ${at}`);
  return { thumbJpeg, ...(size === 'full' ? { jpeg: Buffer.from(`full ${at}`) } : {}), width: 1280, height: 720, source: 'snapshot', at };
}

const until = async (what: () => boolean) => {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(what()).toBe(true);
};

describe('frames at the size viewers want', () => {
  it('takes thumbnails only while only a grid watches, and both sizes once anyone wants the full picture', async () => {
    const { snapshots, asked } = recording();
    snapshots.demand(ID, 'grid', 60_000, 'thumb');
    await until(() => asked.length === 1);
    expect(asked).toEqual(['thumb']);
    expect(snapshots.wantedSize(ID)).toBe('thumb');
    expect(snapshots.latest(ID)?.jpeg).toBeUndefined();

    // A camera page opens beside the grid: the full picture is taken at once, not a cadence later.
    snapshots.demand(ID, 'page', 60_000, 'full');
    await until(() => asked.length === 2);
    expect(asked[1]).toBe('full');
    expect(snapshots.wantedSize(ID)).toBe('full');
    await until(() => snapshots.latest(ID)?.jpeg !== undefined);

    snapshots.release(ID, 'page');
    expect(snapshots.wantedSize(ID)).toBe('thumb');
    snapshots.release(ID, 'grid');
    expect(snapshots.wantedSize(ID)).toBeUndefined();
  });

  it('answers a request for the full picture with one that has it, never with a thumbnail', async () => {
    const { snapshots, asked } = recording();
    snapshots.offer(ID, frameOf('thumb', Date.now() - 1));
    const thumb = await snapshots.current(ID, 60_000, 2000, 'thumb');
    expect(thumb?.jpeg).toBeUndefined();
    expect(asked).toEqual([]); // the fresh thumbnail served the thumbnail request

    const full = await snapshots.current(ID, 60_000, 2000, 'full');
    expect(asked).toEqual(['full']);
    expect(full?.jpeg?.toString()).toMatch(/^full /);
  });

  it('gives a request for the full picture nothing rather than a thumbnail when none comes in time', async () => {
    const snapshots = new Snapshots({ camera: () => camera, log, capture: async () => undefined });
    stops.push(() => snapshots.stop());
    snapshots.offer(ID, frameOf('thumb', 1000));
    expect(await snapshots.current(ID, 60_000, 50, 'full')).toBeUndefined();
    expect((await snapshots.current(ID, 60_000, 50, 'thumb'))?.thumbJpeg.toString()).toBe('thumb 1000');
  });

  it('sends a full-size watcher no thumbnail-only frame, and a grid watcher the thumbnail of any frame', () => {
    const sent: { size: string; bytes: number; jpeg: Buffer }[] = [];
    const socket = {
      connected: true,
      timeout: () => ({ emit: (_event: string, meta: { size: string; bytes: number }, jpeg: Buffer) => void sent.push({ size: meta.size, bytes: meta.bytes, jpeg }) }),
    } as unknown as ConstructorParameters<typeof FramePipe>[0];
    const cached = (f: ViewerFrame): CachedFrame => ({ cameraId: ID, jpeg: f.jpeg, thumbJpeg: f.thumbJpeg, width: f.width, height: f.height, at: f.at });

    const page = new FramePipe(socket);
    page.watch([ID], 'full', 1000);
    page.push(cached(frameOf('thumb', 1000)));
    expect(sent).toEqual([]);
    page.push(cached(frameOf('full', 3000)));
    expect(sent.map((s) => s.jpeg.toString())).toEqual(['full 3000']);

    const grid = new FramePipe(socket);
    grid.watch([ID], 'thumb', 1000);
    grid.push(cached(frameOf('thumb', 5000)));
    expect(sent.at(-1)?.jpeg.toString()).toBe('thumb 5000');
  });
});
