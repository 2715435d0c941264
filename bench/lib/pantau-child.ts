/**
 * A Pantau in a process of its own for benchmarks that drive it from outside (socket.io
 * clients, HTTP): started on a data dir the parent prepared, compiled like production, and
 * able to report its own CPU share and RSS over a window the parent marks. IPC messages:
 * in `start` {dataDir, overrides}, `measure`, `report`, `stop`; out `ready` {url},
 * `measured` {cpuPct, rssMb, loopMaxMs, loopP99Ms} (the event loop's delay over the window, from
 * perf_hooks' monitorEventLoopDelay), `error` {message}.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { startPantau, type RunningPantau } from '../../src/server.js';

export const BENCH_ADMIN_PASSWORD = 'bench-admin-password';

interface Message {
  type: 'start' | 'measure' | 'report' | 'stop';
  dataDir?: string;
  overrides?: Record<string, unknown>;
}

let pantau: RunningPantau | undefined;
let window: { cpu: NodeJS.CpuUsage; at: number; rss: number[]; timer: NodeJS.Timeout; loop: IntervalHistogram } | undefined;

async function onMessage(m: Message): Promise<void> {
  if (m.type === 'start') {
    const config = configSchema.parse({
      server: { port: 0, host: '127.0.0.1' },
      dataDir: m.dataDir,
      admin: { password: BENCH_ADMIN_PASSWORD },
      log: { level: 'warn' },
      secret: 'fleet-benchmark-secret-0123456789abcdef',
      ...m.overrides,
    });
    pantau = await startPantau(config, createLogger('warn', process.stderr));
    process.send?.({ type: 'ready', url: pantau.url });
  } else if (m.type === 'measure') {
    const rss: number[] = [];
    window?.loop.disable();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    window = { cpu: process.cpuUsage(), at: performance.now(), rss, timer: setInterval(() => rss.push(process.memoryUsage.rss()), 1000), loop };
  } else if (m.type === 'report' && window) {
    const cpu = process.cpuUsage(window.cpu);
    clearInterval(window.timer);
    window.loop.disable();
    const wallUs = (performance.now() - window.at) * 1000;
    process.send?.({
      type: 'measured',
      cpuPct: ((cpu.user + cpu.system) / wallUs) * 100,
      rssMb: Math.max(...window.rss, process.memoryUsage.rss()) / 2 ** 20,
      loopMaxMs: window.loop.max / 1e6,
      loopP99Ms: window.loop.percentile(99) / 1e6,
    });
  } else if (m.type === 'stop') {
    await pantau?.close();
    process.exit(0);
  }
}

process.on('message', (m: Message) => {
  onMessage(m).catch((err: unknown) => process.send?.({ type: 'error', message: err instanceof Error ? err.stack : String(err) }));
});
process.once('disconnect', () => process.exit(0));
