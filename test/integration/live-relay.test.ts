/**
 * The stream relay against real cameras (GStreamer's RTSP server on loopback) and real ffmpeg:
 * one camera connection however many watch, H.264 repackaged as fragmented MP4 with the codec
 * string from the avcC box, a late viewer starting on a key frame at once, the pull gone soon
 * after the last viewer leaves, and an H.265 camera sent to the fallback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { LiveRelay, type LiveEndReason, type LiveSink } from '../../src/services/live-relay.js';
import type { InitSegment, MediaFragment } from '../../src/protocols/stream/index.js';
import { ffmpegUnavailableReason } from '../support/frames.js';
import { gstRtspUnavailableReason, RtspCameraSimulator } from '../support/rtsp-camera.js';
import { waitFor } from '../support/pantau.js';

const missing = ffmpegUnavailableReason() || gstRtspUnavailableReason();
const LINGER_MS = 1500;

class Recorder implements LiveSink {
  inits: InitSegment[] = [];
  fragments: MediaFragment[] = [];
  ended: LiveEndReason | undefined;
  init(init: InitSegment): void {
    this.inits.push(init);
  }
  fragment(fragment: MediaFragment): void {
    this.fragments.push(fragment);
  }
  end(reason: LiveEndReason): void {
    this.ended = reason;
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(missing !== '')(`the live stream relay${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let h264: RtspCameraSimulator;
  let h265: RtspCameraSimulator;
  let relay: LiveRelay;

  beforeAll(async () => {
    h264 = new RtspCameraSimulator({ fps: 10, gop: 10, shared: true });
    h265 = new RtspCameraSimulator({ fps: 5, gop: 5, codec: 'h265' });
    await Promise.all([h264.start(), h265.start()]);
    const urls: Record<string, string> = { cam264: h264.url, cam265: h265.url };
    relay = new LiveRelay({
      ffmpegPath: 'ffmpeg',
      log: pino({ level: 'silent' }),
      lingerMs: LINGER_MS,
      locate: async (id) => (urls[id] ? { url: urls[id], transport: undefined, stream: 'main' } : undefined),
    });
  }, 60_000);

  afterAll(async () => {
    relay?.stop();
    await Promise.allSettled([h264?.stop(), h265?.stop()]);
  });

  it('pulls an H.264 camera once for two viewers, each starting on a key frame, and stops soon after both leave', async () => {
    const first = new Recorder();
    relay.join('cam264', 'sub', first);
    await waitFor('fragments for the first viewer', async () => (first.fragments.length >= 5 ? true : undefined), 30_000);
    expect(first.inits).toHaveLength(1);
    expect(first.inits[0]!.codec).toMatch(/^avc1\.[0-9A-F]{6}$/);
    expect(first.inits[0]!.h264).toBe(true);
    expect(first.inits[0]!.width).toBe(320);
    expect(first.fragments[0]!.keyframe).toBe(true);
    // Each fragment is a whole moof + mdat, decode times rising.
    for (const f of first.fragments) expect(f.data.toString('latin1', 4, 8)).toBe('moof');
    const times = first.fragments.map((f) => f.decodeTime!);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const second = new Recorder();
    relay.join('cam264', 'sub', second);
    // The late viewer gets the init and the GOP so far at once: no wait for the camera's next key frame.
    expect(second.inits).toHaveLength(1);
    expect(second.fragments.length).toBeGreaterThan(0);
    expect(second.fragments[0]!.keyframe).toBe(true);
    await waitFor('fragments for the second viewer', async () => (second.fragments.length >= first.fragments.length ? true : undefined), 20_000);

    // This camera has no sub-stream, so the "sub" pull is the main stream: a main viewer shares it.
    const third = new Recorder();
    relay.join('cam264', 'main', third);
    expect(third.inits).toHaveLength(1);
    relay.leave('cam264', third);

    const sources = relay.list();
    expect(sources).toHaveLength(1);
    expect(sources[0]!.viewers).toBe(2);
    const pid = sources[0]!.pid!;
    expect(alive(pid)).toBe(true);

    relay.leave('cam264', first);
    relay.leave('cam264', second);
    // Within the linger a returning viewer finds the same pull…
    expect(relay.list()).toHaveLength(1);
    // …and after it, the camera connection and its ffmpeg are gone.
    await waitFor('the pull to stop', async () => (relay.list().length === 0 && !alive(pid) ? true : undefined), LINGER_MS + 8000);
  }, 60_000);

  it('ends the viewers of an H.265 camera as unplayable (the dashboard falls back to frames) and keeps no pull', async () => {
    const viewer = new Recorder();
    relay.join('cam265', 'sub', viewer);
    await waitFor('the end', async () => viewer.ended, 30_000);
    expect(viewer.ended).toBe('unplayable');
    expect(viewer.inits).toHaveLength(0);
    expect(relay.list()).toHaveLength(0);
  }, 40_000);

  it('tells a viewer of a camera without a stream at once', async () => {
    const viewer = new Recorder();
    relay.join('nothing', 'main', viewer);
    await waitFor('the end', async () => viewer.ended, 5000);
    expect(viewer.ended).toBe('unavailable');
  });
});
