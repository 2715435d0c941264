/**
 * The Redis connection behind /healthz in queue mode (the queue has its own, bullmq-queue.ts).
 * ioredis is imported dynamically, only when REDIS_URL is set, so the embedded mode never loads
 * it. A dead Redis is reported, never fatal: ioredis keeps reconnecting and /healthz says it is
 * failing meanwhile.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export async function connectRedis(url: string, log: Logger): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    // Fail commands fast while disconnected instead of queueing them without bound.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 500, 5000),
  });
  let healthy = true;
  redis.on('error', (err: Error) => {
    if (healthy) log.warn({ err: { message: err.message } }, 'Redis is unreachable; retrying');
    healthy = false;
  });
  redis.on('ready', () => {
    if (!healthy) log.info('Redis is reachable again');
    healthy = true;
  });
  await redis.connect().catch(() => {
    /* reported by the error handler above; reconnection continues */
  });
  return redis;
}

export async function pingRedis(redis: Redis): Promise<boolean> {
  return (await redis.ping()) === 'PONG';
}
