/**
 * Small pieces the BullMQ adapter needs beside BullMQ: a counting semaphore (one concurrency
 * cap across a consumer's lanes) and per-key locks in Redis owned by a job id. A lock expires
 * with the job lock, so a consumer killed mid-job frees its keys when its jobs are taken over;
 * the same job id may take its own key again (a stalled job re-run elsewhere).
 */
import type { Redis } from 'ioredis';

export class Semaphore {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}

/** Takes the key for ARGV[1]; else answers who holds it. */
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if (not v) or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ''
end
return v`;
const REFRESH = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

const POLL_MS = 100;

export class KeyLocks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  /**
   * Takes `key` for `owner`, waiting up to `waitMs` for it to free. Gives up at once
   * (`superseded`) when the holder's id starts with `family` — the same schedule's earlier
   * tick — and after the wait (`timeout`).
   */
  async acquire(key: string, owner: string, waitMs: number, family?: string): Promise<'taken' | 'superseded' | 'timeout'> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const holder = String(await this.redis.eval(ACQUIRE, 1, this.prefix + key, owner, this.ttlMs));
      if (holder === '') return 'taken';
      if (family && holder.startsWith(family)) return 'superseded';
      if (Date.now() + POLL_MS > deadline) return 'timeout';
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Keeps a taken key alive while its job runs; the returned function lets it go. */
  hold(key: string, owner: string): () => Promise<void> {
    const timer = setInterval(() => {
      this.redis.eval(REFRESH, 1, this.prefix + key, owner, this.ttlMs).catch(() => undefined);
    }, Math.max(100, this.ttlMs / 3));
    timer.unref();
    return async () => {
      clearInterval(timer);
      await this.redis.eval(RELEASE, 1, this.prefix + key, owner).catch(() => undefined);
    };
  }
}

/**
 * Waits for `promise`, but not past `ms`: with Redis gone, BullMQ's close() and commands can
 * wait for a reconnection that never comes, and a shutdown must still finish.
 */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
