/**
 * The site worker's side of a picture request: a request nobody waits for any more never
 * touches the camera; the capture runs under the request's deadline; a picture too large for
 * Redis is refused; a picture that fits goes back on the reply lane, base64, with its size.
 */
import { describe, expect, it } from 'vitest';
import { answerPictureRequest, MAX_REPLY_BYTES, PICTURE_REPLY_LANE } from '../../src/jobs/picture-relay.js';
import type { JobQueue, JobSpec } from '../../src/jobs/job-queue.js';
import type { QueueJobData } from '../../src/jobs/probe-jobs.js';
import type { CapturedFrame } from '../../src/probes/index.js';
import { createLogger } from '../../src/log.js';

const NOW = 1_000_000;
const camera = { id: 'c1', site: 'Lasusua', onvif: null, rtsp: null, snapshot: { url: 'http://10.0.0.5/snap.jpg', username: null, passwordEnc: null } };
const frame = (bytes: number): CapturedFrame => ({ jpeg: Buffer.alloc(bytes, 1), thumbJpeg: Buffer.alloc(10, 2), width: 640, height: 360, source: 'snapshot', at: NOW - 5 });

function harness(capture: (signal: AbortSignal) => Promise<CapturedFrame | undefined>) {
  const sent: JobSpec<QueueJobData>[] = [];
  const signals: AbortSignal[] = [];
  const queue = { add: async (spec: JobSpec<QueueJobData>) => void sent.push(spec) } as unknown as JobQueue<QueueJobData>;
  const run = (deadline: number) =>
    answerPictureRequest({ id: 'r1', camera, deadline }, {
      queue,
      capture: (_c, signal) => (signals.push(signal), capture(signal)),
      worker: 'site-1',
      signal: new AbortController().signal,
      now: () => NOW,
      log: createLogger('silent'),
    });
  return { sent, signals, run };
}

describe('answering a picture request on the site worker', () => {
  it('drops a request past its deadline without touching the camera', async () => {
    const h = harness(async () => frame(100));
    await h.run(NOW - 1);
    expect(h.signals).toHaveLength(0);
    expect(h.sent).toHaveLength(0);
  });

  it('sends the picture back on the reply lane', async () => {
    const h = harness(async () => frame(100));
    await h.run(NOW + 5000);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.lane).toBe(PICTURE_REPLY_LANE);
    const reply = (h.sent[0]!.data as { pictureReply: { id: string; jpeg: string; width: number; worker: string } }).pictureReply;
    expect(reply).toMatchObject({ id: 'r1', width: 640, worker: 'site-1' });
    expect(Buffer.from(reply.jpeg, 'base64')).toEqual(Buffer.alloc(100, 1));
  });

  it('refuses a picture too large for the reply', async () => {
    const h = harness(async () => frame(MAX_REPLY_BYTES));
    await h.run(NOW + 5000);
    expect((h.sent[0]!.data as { pictureReply: { error?: string; jpeg?: string } }).pictureReply).toMatchObject({ error: 'too_large' });
    expect((h.sent[0]!.data as { pictureReply: { jpeg?: string } }).pictureReply.jpeg).toBeUndefined();
  });

  it('captures under the request’s deadline, and says so when no picture came', async () => {
    const h = harness((signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined))));
    // A deadline 50 ms ahead by the worker's clock: the capture is cut off then.
    const started = Date.now();
    await answerPictureRequest({ id: 'r2', camera, deadline: NOW + 50 }, {
      queue: { add: async (spec: JobSpec<QueueJobData>) => void h.sent.push(spec) } as unknown as JobQueue<QueueJobData>,
      capture: (_c, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined))),
      worker: 'site-1',
      signal: new AbortController().signal,
      now: () => NOW,
      log: createLogger('silent'),
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect((h.sent[0]!.data as { pictureReply: { error?: string } }).pictureReply.error).toBe('no_picture');
  });
});
