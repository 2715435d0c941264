/**
 * A fleet of simulated cameras in one process, for benchmarks and tests: up to 10 000 cameras
 * on loopback, each its own listening socket (by default its own 127.x.y.z address on one
 * port, so there is no port exhaustion; or many ports on 127.0.0.1). Each socket answers RTSP
 * OPTIONS/DESCRIBE and SETUP/PLAY/TEARDOWN (RTP packets after PLAY, interleaved or over UDP)
 * with the same wire code as RtspResponderSimulator, and — sniffed from the
 * first bytes — an HTTP snapshot and ONVIF GetSystemDateAndTime. Cameras can be down (port
 * closed), silent (accepts, never answers), slow, black or without video, from the start or on
 * a timed script. Must not reach beyond loopback: every address is checked to be in 127/8.
 */
import net from 'node:net';
import { answerRtsp, readRtspRequests, renderFrame, RtspMediaConnection } from '../../test/support/index.js';
import { onvifReply, readHttpRequests, type HttpReply, type HttpRequest } from './fleet-http.js';
import { mulberry32 } from '../../test/support/random.js';

export const MAX_CAMERAS = 10_000;
export const RTSP_PATH = '/Streaming/Channels/101';
export const SNAPSHOT_PATH = '/snapshot.jpg';
export const ONVIF_PATH = '/onvif/device_service';

/** `down`: port closed · `silent`: accepts, never answers · `slow`: answers after `slowMs` · `black`: black snapshots · `no-video`: SDP without video. */
export type CameraMode = 'ok' | 'down' | 'silent' | 'slow' | 'black' | 'no-video';
export const CAMERA_MODES: readonly CameraMode[] = ['ok', 'down', 'silent', 'slow', 'black', 'no-video'];

/** At `atSec` after start, `share` of the cameras still `ok` switch to `mode`; back to `ok` after `forSec`. */
export interface FleetEvent {
  atSec: number;
  share: number;
  mode: CameraMode;
  forSec?: number;
}

export interface FleetOptions {
  cameras: number;
  /** `addresses`: camera i on its own 127.N.x.y:port · `ports`: 127.0.0.1:port+i. @defaultValue 'addresses' */
  addressing?: 'addresses' | 'ports';
  /** The 127.N block for `addresses`. @defaultValue '127.1' */
  net?: string;
  /** @defaultValue 10554 (addresses), 20000 (ports: the first of a range) */
  port?: number;
  /** Share of cameras in each mode from the start, e.g. `{ down: 0.01, slow: 0.02 }`. */
  initial?: Partial<Record<CameraMode, number>>;
  script?: FleetEvent[];
  /** @defaultValue 1500 */
  slowMs?: number;
  /** Snapshot picture size. @defaultValue 1280×720 */
  frameWidth?: number;
  frameHeight?: number;
  /** @defaultValue 1 */
  seed?: number;
}

/** What Pantau is told about one camera. */
export interface FleetCamera {
  index: number;
  name: string;
  site: string;
  agency: string;
  host: string;
  port: number;
  rtspUrl: string;
  snapshotUrl: string;
  lat: number;
  lng: number;
}

interface Sim {
  camera: FleetCamera;
  mode: CameraMode;
  server: net.Server;
  sockets: Set<net.Socket>;
  frame: number;
}

const AGENCIES = ['Dinas Komunikasi dan Informatika', 'Dinas Perhubungan', 'Satpol PP', 'Dinas Pendidikan', 'Dinas Kesehatan', 'BPBD', 'Dinas Pariwisata', 'Sekretariat Daerah'];
const LIVE_FRAMES = 6;

/** Where camera `index` lives; pure, so a process that did not start the fleet can still find it. */
export function fleetCamera(index: number, options: Pick<FleetOptions, 'addressing' | 'net' | 'port'> = {}): FleetCamera {
  const byPorts = options.addressing === 'ports';
  const host = byPorts ? '127.0.0.1' : `${loopbackBlock(options.net ?? '127.1')}.${1 + Math.floor(index / 250)}.${1 + (index % 250)}`;
  const port = byPorts ? (options.port ?? 20_000) + index : (options.port ?? 10_554);
  const siteNo = Math.floor(index / 4); // about four cameras per site, as at a mosque or an office
  return {
    index,
    name: `CCTV Fleet ${String(index + 1).padStart(5, '0')}`,
    site: `Lokasi ${String(siteNo + 1).padStart(4, '0')}`,
    agency: AGENCIES[siteNo % AGENCIES.length]!,
    host,
    port,
    rtspUrl: `rtsp://${host}:${port}${RTSP_PATH}`,
    snapshotUrl: `http://${host}:${port}${SNAPSHOT_PATH}`,
    lat: -3.45 + ((index * 7919) % 1000) / 2000,
    lng: 120.85 + ((index * 104_729) % 1000) / 2000,
  };
}

function loopbackBlock(block: string): string {
  const m = /^127\.(\d{1,3})$/.exec(block);
  if (!m || Number(m[1]) > 255) throw new Error(`--net ${block}: expected 127.N (a block of the loopback network), e.g. 127.1`);
  return block;
}

export class Fleet {
  private readonly sims: Sim[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private frames: Buffer[] = [];
  private black: Buffer = Buffer.alloc(0);
  private random: () => number;
  private started = false;
  /** Requests answered, by kind. */
  readonly served = { rtsp: 0, snapshot: 0, onvif: 0, connections: 0 };
  /** Told when a camera serves a snapshot: lets a benchmark date the frame it will see relayed. */
  onSnapshot: ((index: number, at: number) => void) | undefined;

  constructor(private readonly options: FleetOptions) {
    if (!Number.isInteger(options.cameras) || options.cameras < 1 || options.cameras > MAX_CAMERAS) {
      throw new Error(`cameras = ${options.cameras}: expected 1…${MAX_CAMERAS}`);
    }
    this.random = mulberry32(options.seed ?? 1);
    for (let i = 0; i < options.cameras; i++) {
      const camera = fleetCamera(i, options);
      if (!camera.host.startsWith('127.')) throw new Error(`refusing non-loopback address ${camera.host}`);
      const sim: Sim = { camera, mode: 'ok', server: net.createServer(), sockets: new Set(), frame: i % LIVE_FRAMES };
      sim.server.on('connection', (socket) => this.onConnection(sim, socket));
      this.sims.push(sim);
    }
  }

  get cameras(): FleetCamera[] {
    return this.sims.map((s) => s.camera);
  }

  mode(index: number): CameraMode {
    return this.sims[index]?.mode ?? 'down';
  }

  /** Cameras per mode now. */
  counts(): Record<CameraMode, number> {
    const out = Object.fromEntries(CAMERA_MODES.map((m) => [m, 0])) as Record<CameraMode, number>;
    for (const s of this.sims) out[s.mode]++;
    return out;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const w = this.options.frameWidth ?? 1280;
    const h = this.options.frameHeight ?? 720;
    // A few distinct pictures in turn: consecutive snapshots always differ, so no camera looks frozen.
    const base = Date.UTC(2026, 0, 1, 8, 0, 0);
    this.frames = await Promise.all(Array.from({ length: LIVE_FRAMES }, (_, k) => renderFrame(new Date(base + k * 1700), { width: w, height: h })));
    this.black = await renderFrame(new Date(base), { width: w, height: h, black: true });
    this.assignInitial();
    await this.forEachLimited(this.sims, 256, (s) => this.sync(s));
    for (const event of this.options.script ?? []) this.later(event.atSec * 1000, () => void this.apply(event));
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.forEachLimited(this.sims, 512, (s) => close(s));
  }

  /** Switches one camera at once; `down` closes its port, any other mode opens it. */
  async setMode(index: number, mode: CameraMode): Promise<void> {
    const sim = this.sims[index];
    if (!sim) throw new Error(`no camera ${index}`);
    sim.mode = mode;
    if (mode !== 'ok') for (const s of sim.sockets) s.destroy(); // a failing camera drops its sessions
    await this.sync(sim);
  }

  private assignInitial(): void {
    const order = shuffle(this.sims.map((_, i) => i), this.random);
    let next = 0;
    for (const mode of CAMERA_MODES) {
      const n = Math.round((this.options.initial?.[mode] ?? 0) * this.sims.length);
      for (let k = 0; k < n && next < order.length; k++) this.sims[order[next++]!]!.mode = mode;
    }
  }

  private async apply(event: FleetEvent): Promise<void> {
    const ok = this.sims.filter((s) => s.mode === 'ok');
    const chosen = shuffle(ok, this.random).slice(0, Math.round(event.share * this.sims.length));
    await this.forEachLimited(chosen, 256, (s) => this.setMode(s.camera.index, event.mode));
    if (event.forSec !== undefined) {
      this.later(event.forSec * 1000, () => void this.forEachLimited(chosen, 256, (s) => (s.mode === event.mode ? this.setMode(s.camera.index, 'ok') : Promise.resolve())));
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.started) fn();
    }, ms);
    this.timers.add(t);
  }

  private async sync(sim: Sim): Promise<void> {
    const wantOpen = this.started && sim.mode !== 'down';
    if (wantOpen && !sim.server.listening) await listenOn(sim);
    if (!wantOpen && sim.server.listening) await close(sim);
  }

  private onConnection(sim: Sim, socket: net.Socket): void {
    this.served.connections++;
    sim.sockets.add(socket);
    socket.once('close', () => sim.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    // One port speaks RTSP and HTTP: the first bytes tell which.
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (/^(GET|POST|HEAD) /.test(first.subarray(0, 5).toString('latin1'))) {
        readHttpRequests(socket, (req) => this.http(sim, req), () => (sim.mode === 'slow' ? this.options.slowMs ?? 1500 : 0));
      } else {
        const media = new RtspMediaConnection(socket, {});
        readRtspRequests(socket, (head) => this.rtsp(sim, socket, head, media));
      }
      socket.resume();
    });
  }

  private rtsp(sim: Sim, socket: net.Socket, head: string, media: RtspMediaConnection): string | null {
    if (sim.mode === 'silent') return null;
    this.served.rtsp++;
    const { reply, after } = answerRtsp(head, { path: RTSP_PATH, mode: sim.mode === 'no-video' ? 'no-video' : 'ok', media });
    if (sim.mode !== 'slow') {
      if (after) setImmediate(after);
      return reply;
    }
    setTimeout(() => {
      if (socket.destroyed) return;
      socket.write(reply);
      after?.();
    }, this.options.slowMs ?? 1500).unref();
    return null;
  }

  private http(sim: Sim, req: HttpRequest): HttpReply | null {
    if (sim.mode === 'silent') return null;
    if (req.method === 'GET' && req.path === SNAPSHOT_PATH) {
      this.served.snapshot++;
      sim.frame = (sim.frame + 1) % LIVE_FRAMES;
      this.onSnapshot?.(sim.camera.index, Date.now());
      return { status: 200, type: 'image/jpeg', body: sim.mode === 'black' ? this.black : this.frames[sim.frame]! };
    }
    if (req.method === 'POST' && req.path === ONVIF_PATH) {
      this.served.onvif++;
      return onvifReply(req);
    }
    return { status: 404, type: 'text/html', body: '<html><body>404 Not Found</body></html>' };
  }

  private async forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await fn(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  }
}

function listenOn(sim: Sim): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'EADDRNOTAVAIL' ? ' (this system does not route all of 127/8 to lo: use --addressing ports)' : '';
      reject(new Error(`camera ${sim.camera.index} cannot listen on ${sim.camera.host}:${sim.camera.port}: ${err.code ?? err.message}${hint}`));
    };
    sim.server.once('error', onError);
    sim.server.listen({ host: sim.camera.host, port: sim.camera.port, backlog: 64 }, () => {
      sim.server.off('error', onError);
      resolve();
    });
  });
}

function close(sim: Sim): Promise<void> {
  for (const s of sim.sockets) s.destroy();
  sim.sockets.clear();
  if (!sim.server.listening) return Promise.resolve();
  return new Promise((resolve) => sim.server.close(() => resolve()));
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
