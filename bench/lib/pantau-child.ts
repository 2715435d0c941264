/**
 * A Pantau in a process of its own for benchmarks that drive it from outside (socket.io
 * clients, HTTP): started on a data dir the parent prepared, compiled like production, and
 * able to report its own CPU share and RSS over a window the parent marks. IPC messages:
 * in `start` {dataDir, overrides}, `measure`, `report`, `stop`; out `ready` {url},
 * `measured` {cpuPct, rssMb}, `error` {message}.
 */
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
let window: { cpu: NodeJS.CpuUsage; at: number; rss: number[]; timer: NodeJS.Timeout } | undefined;

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
    window = { cpu: process.cpuUsage(), at: performance.now(), rss, timer: setInterval(() => rss.push(process.memoryUsage.rss()), 1000) };
  } else if (m.type === 'report' && window) {
    const cpu = process.cpuUsage(window.cpu);
    clearInterval(window.timer);
    const wallUs = (performance.now() - window.at) * 1000;
    process.send?.({ type: 'measured', cpuPct: ((cpu.user + cpu.system) / wallUs) * 100, rssMb: Math.max(...window.rss, process.memoryUsage.rss()) / 2 ** 20 });
  } else if (m.type === 'stop') {
    await pantau?.close();
    process.exit(0);
  }
}

process.on('message', (m: Message) => {
  onMessage(m).catch((err: unknown) => process.send?.({ type: 'error', message: err instanceof Error ? err.stack : String(err) }));
});
process.once('disconnect', () => process.exit(0));
