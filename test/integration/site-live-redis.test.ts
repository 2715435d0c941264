/**
 * The server's side of site live video against real Redis (own key prefix), with the worker
 * played by hand: entries are written to the pull's stream as the worker writes them. A gap in
 * the sequence (entries trimmed before the server read them) skips to the next key frame; a
 * worker that goes silent, or never answers, ends the pull with `unavailable`; stop() deletes
 * the lease the worker watches.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeEntry, liveKeys, type WireEntry } from '../../src/jobs/live-wire.js';
import type { LiveRequest } from '../../src/jobs/probe-jobs.js';
import { SiteLive } from '../../src/jobs/site-live.js';
import { createLogger } from '../../src/log.js';
import type { LiveEndReason } from '../../src/services/live-relay.js';
import { waitFor } from '../support/pantau.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';

const PREFIX = `test-${randomUUID()}`;
const commands = new Redis(REDIS_URL);
const requests: LiveRequest['liveRequest'][] = [];
const connections = {
  prefix: PREFIX,
  commands,
  client: () => new Redis(REDIS_URL),
  add: async (spec: { data: unknown }) => void requests.push((spec.data as LiveRequest).liveRequest),
};
const camera = { id: 'cam-1', site: 'Lasusua', onvif: null, rtsp: { url: 'rtsp://10.0.0.5/1', username: null, passwordEnc: null }, snapshot: null };

afterAll(async () => {
  await deleteKeys(REDIS_URL, PREFIX);
  commands.disconnect();
});

function recorder() {
  const got = { inits: 0, fragments: [] as boolean[], ends: [] as Array<[LiveEndReason, string | undefined]> };
  return {
    got,
    sink: {
      init: () => void got.inits++,
      fragment: (f: { keyframe: boolean }) => void got.fragments.push(f.keyframe),
      end: (reason: LiveEndReason, detail?: string) => void got.ends.push([reason, detail]),
    },
  };
}

const init = { kind: 'init' as const, data: Buffer.from([0, 1, 2]), codec: 'avc1.42E01E', h264: true, timescale: 90_000, width: 320, height: 240 };
const fragment = (keyframe: boolean) => ({ kind: 'fragment' as const, data: Buffer.from([0xff, 0x00, keyframe ? 1 : 0]), keyframe, decodeTime: 0 });

describe('site live video over Redis, the server side', () => {
  const live = new SiteLive(connections, { log: createLogger('silent'), startTimeoutMs: 2000, silenceMs: 2000 });

  it('hands parts to the sink in order, skips a gap up to the next key frame, and stops on the worker end', async () => {
    const { got, sink } = recorder();
    const pull = live.pull('probes-site-lasusua', camera, 'sub', sink);
    const request = await waitFor('the request', async () => requests.at(-1), 5000);
    const keys = liveKeys(PREFIX, request.id);
    expect(await commands.exists(keys.lease)).toBe(1);
    const write = (e: WireEntry) => commands.xadd(keys.stream, '*', ...encodeEntry(e));
    await write({ kind: 'init', seq: 0, init, stream: 'sub' });
    await write({ kind: 'fragment', seq: 1, fragment: fragment(true) });
    await write({ kind: 'fragment', seq: 2, fragment: fragment(false) });
    // seq 3 and 4 were trimmed: what follows cannot be decoded until a key frame.
    await write({ kind: 'fragment', seq: 5, fragment: fragment(false) });
    await write({ kind: 'fragment', seq: 6, fragment: fragment(true) });
    await write({ kind: 'fragment', seq: 7, fragment: fragment(false) });
    await waitFor('the fragments', async () => (got.fragments.length >= 4 ? true : undefined), 5000);
    expect(got.inits).toBe(1);
    expect(got.fragments).toEqual([true, false, true, false]);
    await write({ kind: 'end', seq: 8, reason: 'unplayable', detail: 'hev1' });
    await waitFor('the end', async () => got.ends[0], 5000);
    expect(got.ends).toEqual([['unplayable', 'hev1']]);
    pull.stop();
  });

  it('ends the pull when no worker takes the request, and when a worker goes silent', async () => {
    const none = recorder();
    live.pull('probes-site-lasusua', camera, 'sub', none.sink);
    const silent = recorder();
    live.pull('probes-site-lasusua', camera, 'sub', silent.sink);
    const request = await waitFor('the request', async () => (requests.length >= 3 ? requests.at(-1) : undefined), 5000);
    await commands.xadd(liveKeys(PREFIX, request.id).stream, '*', ...encodeEntry({ kind: 'alive', seq: 0 }));
    await waitFor('both ended', async () => (none.got.ends.length && silent.got.ends.length ? true : undefined), 8000);
    expect(none.got.ends).toEqual([['unavailable', 'no site worker took the request']]);
    expect(silent.got.ends).toEqual([['unavailable', 'the site worker stopped answering']]);
  });

  it('deletes the lease (the worker stops) when the relay stops the pull', async () => {
    const pull = live.pull('probes-site-lasusua', camera, 'main', recorder().sink);
    const request = await waitFor('the request', async () => (requests.length >= 4 ? requests.at(-1) : undefined), 5000);
    const { lease } = liveKeys(PREFIX, request.id);
    expect(await commands.exists(lease)).toBe(1);
    pull.stop();
    await waitFor('the lease gone', async () => ((await commands.exists(lease)) === 0 ? true : undefined), 5000);
  });
});
