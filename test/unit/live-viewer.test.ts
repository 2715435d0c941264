/**
 * One socket's pacing of live video: fragments wait for acks; a viewer further behind than the
 * backlog allows skips whole fragments up to the next key frame and is told how many; nothing
 * is sent before a key frame; the view ends by itself at its time limit unless renewed.
 */
import { describe, expect, it } from 'vitest';
import type { InitSegment, MediaFragment } from '../../src/protocols/stream/index.js';
import { LiveViewer } from '../../src/realtime/live.js';
import { waitFor } from '../support/pantau.js';

interface Sent {
  event: string;
  meta: Record<string, unknown>;
  ack?: () => void;
}

function fakeSocket() {
  const sent: Sent[] = [];
  const socket = {
    connected: true,
    emit: (event: string, meta: Record<string, unknown>) => {
      sent.push({ event, meta });
      return true;
    },
    timeout: () => ({
      emit: (event: string, meta: Record<string, unknown>, _data: Buffer, ack: () => void) => {
        sent.push({ event, meta, ack });
        return true;
      },
    }),
  };
  return { socket: socket as never, sent };
}

const init: InitSegment = { kind: 'init', data: Buffer.alloc(100), codec: 'avc1.42C01E', h264: true, timescale: 90_000, width: 320, height: 240 };
const frag = (keyframe: boolean): MediaFragment => ({ kind: 'fragment', data: Buffer.alloc(1000), keyframe, decodeTime: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fragments = (sent: Sent[]) => sent.filter((s) => s.event === 'live:fragment');

describe('LiveViewer', () => {
  it('starts on a key frame, then skips to the next key frame when the link falls behind, and says how many it skipped', async () => {
    const { socket, sent } = fakeSocket();
    const viewer = new LiveViewer(socket, 'cam', 'sub', { maxMs: 60_000, maxBacklogMs: 30 }, () => undefined);
    viewer.init(init, 'sub');
    expect(sent[0]).toMatchObject({ event: 'live:init', meta: { mime: 'video/mp4; codecs="avc1.42C01E"', stream: 'sub', bytes: 100 } });
    viewer.fragment(frag(false)); // before any key frame: undecodable, not sent
    viewer.fragment(frag(true));
    viewer.fragment(frag(false));
    expect(fragments(sent)).toHaveLength(2);
    await sleep(60); // nothing acknowledged for longer than the backlog allows
    viewer.fragment(frag(false));
    viewer.fragment(frag(true)); // still behind: even a key frame waits
    expect(fragments(sent)).toHaveLength(2);
    for (const f of fragments(sent)) f.ack!();
    viewer.fragment(frag(false)); // caught up, but mid-GOP: skipped until a key frame
    viewer.fragment(frag(true));
    const all = fragments(sent);
    expect(all).toHaveLength(3);
    expect(all[2]!.meta).toMatchObject({ keyframe: true, skipped: 3 });
    viewer.fragment(frag(false));
    expect(fragments(sent)[3]!.meta).toMatchObject({ keyframe: false, skipped: 0 });
    expect(viewer.bytesSent).toBe(100 + 4 * 1000);
    viewer.close('left');
  });

  it('ends by itself at the time limit, and a renewal pushes the limit back', async () => {
    const { socket, sent } = fakeSocket();
    const ended: string[] = [];
    const viewer = new LiveViewer(socket, 'cam', 'main', { maxMs: 1500, maxBacklogMs: 1000 }, (_v, reason) => ended.push(reason));
    const started = performance.now();
    await sleep(1000);
    viewer.renew();
    const renewed = performance.now();
    await sleep(1000);
    // Past the first limit, within the renewed one (checked against the clock: a busy machine sleeps long).
    if (performance.now() - renewed < 1500) expect(ended).toEqual([]);
    expect(performance.now() - started).toBeGreaterThan(1500);
    await waitFor('the end', async () => (ended.length ? true : undefined), 5000, 20);
    expect(ended).toEqual(['expired']);
    expect(sent.at(-1)).toMatchObject({ event: 'live:end', meta: { cameraId: 'cam', reason: 'expired' } });
    // Nothing goes out after the end.
    viewer.init(init, 'main');
    expect(sent.filter((s) => s.event === 'live:init')).toHaveLength(0);
  });
});
