/**
 * Pantau's entry point: load and validate the config (stop with a clear message if it is bad),
 * start the server, and shut down gracefully on SIGINT/SIGTERM.
 */
import { getHeapStatistics } from 'node:v8';
import { ConfigError, loadConfig } from './config/load.js';
import { createLogger } from './log.js';
import { startPantau } from './server.js';
import { heapAdvice } from './services/memory-budget.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.log.level);
  const pantau = await startPantau(config, log);
  const heap = heapAdvice(pantau.store.cameras.summaries().length, getHeapStatistics().heap_size_limit);
  if (!heap.ok) {
    log.warn(
      { heapLimitMb: heap.limitMb, neededMb: heap.neededMb },
      `the JavaScript heap (${heap.limitMb} MB) is small for this many cameras: set PANTAU_HEAP_MB=${heap.neededMb} or more before \`npm start\``,
    );
  }

  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    pantau.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Pantau failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
