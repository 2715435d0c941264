/**
 * Pantau's entry point: load and validate the config (stop with a clear message if it is bad),
 * start the server, and shut down gracefully on SIGINT/SIGTERM.
 */
import { ConfigError, loadConfig } from './config/load.js';
import { createLogger } from './log.js';
import { startPantau } from './server.js';

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
