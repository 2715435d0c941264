/**
 * The fleet simulator, from the shell or from code.
 *
 *   npm run fleet -- --cameras 1000 --url http://localhost:8080 --user admin --password …
 *   npm run fleet -- --cameras 10000 --serve --duration 600
 *
 * Stands up simulated cameras on loopback (see lib/fleet-sim.ts), registers them in a running
 * Pantau through its CSV import when `--url` is given (names already there are skipped), and
 * serves them until `--duration` seconds have passed (default one hour), Ctrl-C, or — when a
 * benchmark forked it — its parent going away. Tests and benchmarks import `Fleet` from here.
 *
 * Options: --cameras N (≤ 10 000) · --addressing addresses|ports · --net 127.N · --port P ·
 * --down/--silent/--slow/--black/--no-video SHARE (from the start) · --slow-ms MS ·
 * --outage SHARE@AT+FOR (repeatable: SHARE of cameras go down AT seconds in, for FOR seconds) ·
 * --onvif · --no-snapshots · --interval SEC · --image-interval SEC · --seed N ·
 * --password (or PANTAU_PASSWORD).
 */
import { fileURLToPath } from 'node:url';
import { Args } from './lib/args.js';
import { CAMERA_MODES, Fleet, MAX_CAMERAS, type CameraMode, type FleetEvent, type FleetOptions } from './lib/fleet-sim.js';
import { registerFleet, type RegisterOptions } from './lib/fleet-register.js';

export { Fleet, fleetCamera, MAX_CAMERAS, type CameraMode, type FleetCamera, type FleetEvent, type FleetOptions } from './lib/fleet-sim.js';
export { cameraInput, fleetCsv, insertFleet, registerFleet, type RegisterOptions } from './lib/fleet-register.js';

const MAX_DURATION_SEC = 24 * 3600;

/** Reads the fleet's shape from the command line. */
export function fleetOptionsFrom(args: Args): FleetOptions {
  const initial: Partial<Record<CameraMode, number>> = {};
  for (const mode of CAMERA_MODES) if (mode !== 'ok' && args.has(mode)) initial[mode] = args.number(mode, 0, { min: 0, max: 1 });
  const script: FleetEvent[] = args.all('outage').map((spec) => {
    const m = /^([\d.]+)@(\d+)(?:\+(\d+))?$/.exec(spec);
    if (!m) throw new Error(`--outage ${spec}: expected SHARE@AT+FOR, e.g. 0.05@60+120`);
    const share = Number(m[1]);
    if (!(share >= 0 && share <= 1)) throw new Error(`--outage ${spec}: the share must be between 0 and 1`);
    return { share, atSec: Number(m[2]), mode: 'down' as const, ...(m[3] ? { forSec: Number(m[3]) } : {}) };
  });
  const addressing = args.string('addressing', 'addresses');
  if (addressing !== 'addresses' && addressing !== 'ports') throw new Error(`--addressing ${addressing}: expected addresses or ports`);
  return {
    cameras: args.number('cameras', 100, { min: 1, max: MAX_CAMERAS, integer: true }),
    addressing,
    net: args.string('net', '127.1'),
    ...(args.has('port') ? { port: args.number('port', 10_554, { min: 1024, max: 65_535, integer: true }) } : {}),
    initial,
    script,
    slowMs: args.number('slow-ms', 1500, { min: 0, max: 60_000 }),
    seed: args.number('seed', 1, { integer: true }),
  };
}

async function main(): Promise<void> {
  const args = new Args();
  const options = fleetOptionsFrom(args);
  const duration = args.number('duration', 3600, { min: 1, max: MAX_DURATION_SEC });
  const url = args.string('url');
  if (!url && !args.flag('serve')) throw new Error('give --url (with --user and --password) to register the fleet, or --serve to only run it');

  const fleet = new Fleet(options);
  const started = Date.now();
  await fleet.start();
  const first = fleet.cameras[0]!;
  const last = fleet.cameras.at(-1)!;
  console.log(`fleet: ${options.cameras} cameras up in ${Date.now() - started} ms, ${first.host}:${first.port} … ${last.host}:${last.port}`);
  console.log(`modes: ${JSON.stringify(fleet.counts())}`);

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`fleet: stopping (${why}); served ${JSON.stringify(fleet.served)}`);
    await fleet.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('disconnect', () => void stop('parent went away'));
  process.on('message', (m: unknown) => {
    if ((m as { type?: string }).type === 'stop') void stop('asked to');
  });
  setTimeout(() => void stop(`${duration} s passed`), duration * 1000);
  setInterval(() => console.log(`fleet: ${JSON.stringify(fleet.counts())} served ${JSON.stringify(fleet.served)}`), 60_000).unref();

  if (url) {
    const password = args.string('password') ?? process.env.PANTAU_PASSWORD;
    if (!password) throw new Error('--password (or PANTAU_PASSWORD) is needed with --url');
    const register: RegisterOptions = {
      checkIntervalSec: args.number('interval', 30, { min: 5, max: 3600, integer: true }),
      imageCheckIntervalSec: args.number('image-interval', 300, { min: 5, max: 86_400, integer: true }),
      onvif: args.flag('onvif'),
      snapshots: !args.flag('no-snapshots'),
    };
    const result = await registerFleet(url, { user: args.string('user', 'admin'), password }, fleet.cameras, register);
    console.log(`registered: ${result.imported} new, ${result.skipped} already there; serving for ${duration} s (Ctrl-C stops)`);
  }
  process.send?.({ type: 'ready', cameras: options.cameras });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(`fleet: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
