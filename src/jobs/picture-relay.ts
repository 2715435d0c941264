/**
 * Pictures of cameras only a site worker can reach (behind NAT): the server asks with a request
 * job on the camera's site lane, the site worker takes the picture from inside the site's
 * network and answers with a job on the reply lane, which only the server takes. The worker
 * opens outward connections only (to Redis and to its cameras), so the site needs no inbound
 * port; the server never connects to such a camera itself.
 *
 * On the worker: a request past its deadline is dropped without touching the camera; a capture
 * runs under the request's deadline, with the worker's outbound-address policy and the
 * snapshot size cap (the prober's), and a reply larger than `MAX_REPLY_BYTES` is refused.
 * Credentials travel sealed, as in probe jobs.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { CapturedFrame, ViewerFrame } from '../probes/index.js';
import type { JobConsumer, JobQueue } from './job-queue.js';
import { isPictureReply, type PictureReply, type PictureRequest, type ProbeCamera, type QueueJobData } from './probe-jobs.js';

/** Lane of picture answers, taken only by the server. */
export const PICTURE_REPLY_LANE = 'picture-replies';

/** Largest picture (full JPEG plus thumbnail) a worker sends back through Redis. */
export const MAX_REPLY_BYTES = 2 * 1024 * 1024;

/** The worker's part: answers one request (called by the probe worker's job handler). */
export async function answerPictureRequest(
  request: PictureRequest['pictureRequest'],
  deps: { queue: JobQueue<QueueJobData>; capture: (camera: ProbeCamera, signal: AbortSignal) => Promise<ViewerFrame | undefined>; worker: string; signal: AbortSignal; now?: () => number; log: Logger },
): Promise<void> {
  const now = deps.now ?? Date.now;
  const left = request.deadline - now();
  // Nobody waits any more: the camera is not bothered.
  if (left <= 0) return;
  const reply = (body: Omit<PictureReply['pictureReply'], 'id' | 'worker'>) =>
    deps.queue.add({ lane: PICTURE_REPLY_LANE, name: 'picture-reply', data: { pictureReply: { id: request.id, worker: deps.worker, ...body } } satisfies PictureReply, attempts: 3, backoffMs: 100 });
  let frame: ViewerFrame | undefined;
  // A timer of our own, not AbortSignal.timeout inside AbortSignal.any: that pair can be
  // collected before it fires, and the capture would then outlive its deadline.
  const cut = new AbortController();
  const timer = setTimeout(() => cut.abort(new Error('picture request deadline')), left);
  const onStop = () => cut.abort(deps.signal.reason);
  deps.signal.addEventListener('abort', onStop, { once: true });
  try {
    frame = await deps.capture(request.camera, cut.signal);
  } catch (err) {
    deps.log.debug({ err, cameraId: request.camera.id }, 'picture request: capture failed');
  } finally {
    clearTimeout(timer);
    deps.signal.removeEventListener('abort', onStop);
  }
  // Both sizes are asked for (capture's default): the server keeps what it is sent for every viewer.
  if (!frame?.jpeg) return reply({ error: 'no_picture' });
  if (frame.jpeg.length + frame.thumbJpeg.length > MAX_REPLY_BYTES) return reply({ error: 'too_large' });
  await reply({
    jpeg: frame.jpeg.toString('base64'),
    thumbJpeg: frame.thumbJpeg.toString('base64'),
    width: frame.width,
    height: frame.height,
    source: frame.source,
    at: frame.at,
  });
}

/** The server's part: asks site workers for pictures and waits for their answers. */
export class PictureRelay {
  private readonly waiting = new Map<string, (frame: CapturedFrame | undefined) => void>();
  private readonly consumer: JobConsumer;

  constructor(
    private readonly queue: JobQueue<QueueJobData>,
    private readonly options: { timeoutMs: number; log: Logger },
  ) {
    this.consumer = queue.consume(
      async (job) => {
        if (!isPictureReply(job.data)) throw new Error(`lane ${job.lane} carried a job that is not a picture reply (${job.name})`);
        const r = job.data.pictureReply;
        const resolve = this.waiting.get(r.id);
        // Nobody waits (timed out, or another server asked): dropped.
        if (!resolve) return;
        this.waiting.delete(r.id);
        if (!r.jpeg || !r.thumbJpeg || r.width === undefined || r.height === undefined || r.at === undefined) {
          this.options.log.debug({ request: r.id, error: r.error, worker: r.worker }, 'site worker got no picture');
          return resolve(undefined);
        }
        resolve({ jpeg: Buffer.from(r.jpeg, 'base64'), thumbJpeg: Buffer.from(r.thumbJpeg, 'base64'), width: r.width, height: r.height, source: r.source ?? 'snapshot', at: r.at });
      },
      { lanes: [PICTURE_REPLY_LANE], concurrency: 4 },
    );
  }

  /** Asks the site worker on `lane` for a picture of `camera`; undefined when none came in time. */
  capture(lane: string, camera: ProbeCamera, signal: AbortSignal): Promise<CapturedFrame | undefined> {
    const id = randomUUID();
    const deadline = Date.now() + this.options.timeoutMs;
    return new Promise((resolve) => {
      const done = (frame: CapturedFrame | undefined) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiting.delete(id);
        resolve(frame);
      };
      const onAbort = () => done(undefined);
      // A little past the deadline: an answer sent just in time still has to cross Redis.
      const timer = setTimeout(() => done(undefined), this.options.timeoutMs + 1000);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(id, done);
      this.queue.add({ lane, name: 'picture', data: { pictureRequest: { id, camera, deadline } } satisfies PictureRequest }).catch((err: unknown) => {
        this.options.log.warn({ err: { message: err instanceof Error ? err.message : String(err) }, cameraId: camera.id }, 'could not ask the site worker for a picture');
        done(undefined);
      });
    });
  }

  async close(): Promise<void> {
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
    await this.consumer.stop({ graceMs: 1000 });
  }
}
