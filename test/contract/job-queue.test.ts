/**
 * Runs the JobQueue contract against both adapters: the in-process queue of the embedded mode
 * and the BullMQ queue of the queue mode (real Redis on 127.0.0.1:6379, a fresh key prefix per
 * test, every key removed afterwards).
 */
import { randomUUID } from 'node:crypto';
import { BullmqQueue } from '../../src/jobs/bullmq-queue.js';
import { LocalQueue } from '../../src/jobs/local-queue.js';
import { createLogger } from '../../src/log.js';
import { jobQueueContract } from './job-queue.contract.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';

jobQueueContract('in-process (local-queue)', async () => {
  const queue = new LocalQueue<Record<string, unknown>>();
  return { queue, cleanup: () => queue.close() };
});

jobQueueContract('BullMQ (bullmq-queue)', async () => {
  const prefix = `test-${randomUUID()}`;
  const queue = await BullmqQueue.open<Record<string, unknown>>({ url: REDIS_URL, prefix, log: createLogger('silent'), lockMs: 2000, heartbeatMs: 200 });
  return {
    queue,
    async cleanup() {
      await queue.close();
      await deleteKeys(REDIS_URL, prefix);
    },
  };
});
