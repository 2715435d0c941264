/**
 * Queue-mode worker entry (`npm run worker`): load and check the config, start taking probe
 * jobs, and on SIGTERM/SIGINT stop taking work, let running rounds finish (handing back those
 * that outlive the grace) and close Redis. `--check` answers a container health check: exit 0
 * when this host's worker has a fresh heartbeat in Redis.
 *
 * Needs REDIS_URL and PANTAU_SECRET (or the server's key file); PANTAU_WORKER_SITES=a,b makes
 * it a site worker that takes only those sites' probes.
 */
import { ConfigError, loadConfig } from './config/load.js';
import { createLogger } from './log.js';
import { parseWorkerSites, startWorker, workerAliveHere, WorkerSetupError } from './jobs/worker-process.js';

async function main(): Promise<void> {
  let config;
  let sites: string[];
  try {
    config = loadConfig();
    sites = parseWorkerSites(process.env.PANTAU_WORKER_SITES);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof WorkerSetupError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.log.level);
  if (process.argv.includes('--check')) {
    process.exit((await workerAliveHere(config, createLogger('silent'))) ? 0 : 1);
  }
  let worker;
  try {
    worker = await startWorker(config, { sites, log });
  } catch (err) {
    if (err instanceof WorkerSetupError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let signals = 0;
  const stop = (signal: string) => {
    // A second signal means "now": running rounds are handed back by lock expiry.
    if (++signals > 1) process.exit(1);
    log.info({ signal }, 'worker stopping: finishing running rounds');
    worker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'worker shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Pantau worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
