/**
 * The BullMQ JobQueue adapter (queue mode). One BullMQ queue per lane under the configured key
 * prefix; schedules are BullMQ job schedulers with fixed ids, so a restart or a second server
 * upserting the same id never doubles a tick; consumers are BullMQ workers, one per lane, that
 * share one concurrency cap. On top of BullMQ it adds what the port promises and BullMQ lacks:
 *
 * - per-key exclusion (`<prefix>:busy:<key>`, owned by the job id, expiring with the job lock
 *   so a killed consumer frees its keys when its jobs are taken over);
 * - heartbeats (`<prefix>:consumers:<id>`, expiring after three missed beats), so the server
 *   can tell a lane nobody serves from a lane that is merely quiet;
 * - a reconnect signal, so owners of schedules can re-assert them after Redis lost its data.
 *
 * Imported only through a dynamic import when REDIS_URL is set: the embedded mode never loads
 * bullmq or ioredis. Must not know about cameras.
 */
import { hostname } from 'node:os';
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log.js';
import type { ConsumeOptions, JobConsumer, JobHandler, JobQueue, JobSpec, LaneCoverage, ScheduleSpec } from './job-queue.js';
import { BullmqConsumer } from './bullmq-consumer.js';
import { KeyLocks, settleWithin } from './bullmq-support.js';

export interface BullmqQueueOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  /** Prefix of every Redis key. */
  prefix: string;
  log: Logger;
  /**
   * A job's lock lives this long unless renewed; a consumer that died holding it loses its jobs
   * to another consumer after about this long (BullMQ lockDuration and stalledInterval).
   * @defaultValue 30000
   */
  lockMs?: number;
  /** Consumers announce themselves this often; three missed beats and they count as gone. @defaultValue 5000 */
  heartbeatMs?: number;
  /** Shown in heartbeats, to tell workers apart. @defaultValue `<hostname>-<pid>` */
  consumerName?: string;
}

/** Job data as stored: the caller's data with what the port needs around it. */
export interface Wrapped<D> {
  d: D;
  /** Key of per-key exclusion. */
  k?: string;
  /** Due time of a one-off job. */
  at?: number;
}

/** The longest a connection (the server's or a worker's) waits between reconnection attempts. */
export const RECONNECT_MAX_DELAY_MS = 2000;
const RECONNECT = (attempt: number): number => Math.min(100 * attempt, RECONNECT_MAX_DELAY_MS);

export class BullmqQueue<D = unknown> implements JobQueue<D> {
  readonly prefix: string;
  readonly lockMs: number;
  readonly heartbeatMs: number;
  readonly consumerName: string;
  /** Fails fast while Redis is away: heartbeats, key locks, coverage. */
  readonly commands: Redis;
  /** BullMQ producers; commands wait for a reconnect instead of failing. */
  private readonly producer: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly consumers = new Set<BullmqConsumer<D>>();
  private readonly reconnectListeners: Array<() => void> = [];
  readonly locks: KeyLocks;
  private closed = false;

  constructor(readonly options: BullmqQueueOptions) {
    this.prefix = options.prefix;
    this.lockMs = options.lockMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? 5000;
    this.consumerName = options.consumerName ?? `${hostname()}-${process.pid}`;
    this.commands = this.client({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.producer = this.client({ maxRetriesPerRequest: null });
    this.locks = new KeyLocks(this.commands, `${this.prefix}:busy:`, this.lockMs);
    let connectedOnce = false;
    this.producer.on('ready', () => {
      if (connectedOnce) for (const listener of this.reconnectListeners) listener();
      connectedOnce = true;
    });
  }

  /**
   * Opens the queue and waits (up to `readyTimeoutMs`) for Redis to answer. A Redis that does
   * not answer is not fatal: connections keep retrying and the coverage check reports it.
   */
  static async open<D>(options: BullmqQueueOptions & { readyTimeoutMs?: number }): Promise<BullmqQueue<D>> {
    const queue = new BullmqQueue<D>(options);
    await waitReady(queue.commands, options.readyTimeoutMs ?? 5000);
    return queue;
  }

  /** A new connection with Pantau's reconnect policy; errors are logged once per outage. */
  client(extra: RedisOptions = {}): Redis {
    const redis = new Redis(this.options.url, { retryStrategy: RECONNECT, ...extra });
    let healthy = true;
    redis.on('error', (err: Error) => {
      if (healthy) this.options.log.warn({ err: { message: err.message } }, 'queue: Redis is unreachable; reconnecting');
      healthy = false;
    });
    redis.on('ready', () => {
      if (!healthy) this.options.log.info('queue: Redis is reachable again');
      healthy = true;
    });
    return redis;
  }

  /** Called after each reconnect (not the first connect): Redis may have lost its data. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  queue(lane: string): Queue {
    let q = this.queues.get(lane);
    if (!q) {
      q = new Queue(lane, { connection: this.producer, prefix: this.prefix });
      q.on('error', () => {
        /* the connection's own handler reports outages once */
      });
      this.queues.set(lane, q);
    }
    return q;
  }

  async upsertSchedule(spec: ScheduleSpec<D>): Promise<void> {
    if (!(spec.everyMs > 0)) throw new RangeError(`everyMs must be positive, got ${spec.everyMs}`);
    const offset = ((spec.offsetMs % spec.everyMs) + spec.everyMs) % spec.everyMs;
    const data: Wrapped<D> = { d: spec.data, ...(spec.key ? { k: spec.key } : {}) };
    // BullMQ reads offset 0 as "start now" and keeps that arbitrary phase; a full interval is
    // the same phase as 0 and stays put across upserts.
    await this.queue(spec.lane).upsertJobScheduler(
      spec.id,
      { every: spec.everyMs, offset: offset || spec.everyMs },
      { name: spec.name, data, opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }

  async removeSchedule(lane: string, id: string): Promise<void> {
    await this.queue(lane).removeJobScheduler(id);
  }

  async scheduleIds(lane: string): Promise<string[]> {
    const list = await this.queue(lane).getJobSchedulers(0, -1);
    return list.map((s) => s.key);
  }

  async add(spec: JobSpec<D>): Promise<void> {
    const delay = spec.delayMs ?? 0;
    const data: Wrapped<D> = { d: spec.data, at: Date.now() + delay };
    await this.queue(spec.lane).add(spec.name, data, {
      attempts: spec.attempts ?? 1,
      backoff: { type: 'exponential', delay: spec.backoffMs ?? 1000 },
      delay,
      removeOnComplete: true,
      removeOnFail: { age: 7 * 86_400 },
    });
  }

  consume(handler: JobHandler<D>, options: ConsumeOptions): JobConsumer {
    if (this.closed) throw new Error('the queue is closed');
    const consumer = new BullmqConsumer<D>(this, handler, options, () => this.consumers.delete(consumer));
    this.consumers.add(consumer);
    return consumer;
  }

  /** Live consumers per lane, from their heartbeats. */
  async coverage(): Promise<LaneCoverage> {
    const lanes: LaneCoverage = new Map();
    let cursor = '0';
    do {
      const [next, keys] = await this.commands.scan(cursor, 'MATCH', `${this.prefix}:consumers:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length === 0) continue;
      for (const raw of await this.commands.mget(...keys)) {
        if (!raw) continue;
        try {
          const beat = JSON.parse(raw) as { lanes?: unknown };
          if (!Array.isArray(beat.lanes)) continue;
          for (const lane of beat.lanes) if (typeof lane === 'string') lanes.set(lane, (lanes.get(lane) ?? 0) + 1);
        } catch {
          /* a foreign or half-written key: not a consumer */
        }
      }
    } while (cursor !== '0');
    return lanes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.stop()));
    await settleWithin(Promise.all([...this.queues.values()].map((q) => q.close())), 5000);
    this.producer.disconnect();
    this.commands.disconnect();
  }
}

function waitReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}
