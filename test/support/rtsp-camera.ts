/**
 * A real RTSP camera on loopback: GStreamer's RTSP server (gst-rtsp-server.py,
 * run by Debian's /usr/bin/python3) serving H.264 with the wall clock drawn in.
 * Tests and the demo use it to exercise real RTSP clients and ffmpeg frame grabs;
 * setMode() makes the picture black or frozen, stop()/start() take it down and
 * bring it back on the same port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LOOPBACK, waitForPort } from './net.js';

/** `stamp`: a moving bar and each frame's capture time (epoch ms) drawn as 32 cells (gst-rtsp-server.py). */
export type RtspCameraMode = 'live' | 'black' | 'frozen' | 'stamp';

export interface RtspCameraOptions {
  /** Fixed port; 0 picks a free one on first start and keeps it for restarts. @defaultValue 0 */
  port?: number;
  /** @defaultValue '/stream1' */
  path?: string;
  /** @defaultValue 'live' */
  mode?: RtspCameraMode;
  /** When set (with password), clients must authenticate. */
  username?: string;
  password?: string;
  /** @defaultValue 'digest' */
  auth?: 'basic' | 'digest';
  /** @defaultValue 320 */
  width?: number;
  /** @defaultValue 240 */
  height?: number;
  /** @defaultValue 5 */
  fps?: number;
  /**
   * Key frame interval in frames. When set, each session's opening key frame is held back, so a
   * client waits this long for its first picture: the worst case of a long-GOP camera.
   * @defaultValue one a second, none held back
   */
  gop?: number;
  /** RTP transports served: `udp` answers 461 to RTP over TCP. @defaultValue 'all' */
  protocols?: 'all' | 'udp' | 'tcp';
  /** @defaultValue 'h264' */
  codec?: 'h264' | 'h265';
  /**
   * One pipeline for every client, so clients join mid-GOP as with a real camera (and `gop`
   * holds nothing back). @defaultValue false
   */
  shared?: boolean;
}

/** Debian's python has the GObject bindings; the one first on PATH may not. */
export const GST_PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./gst-rtsp-server.py', import.meta.url));
const START_TIMEOUT_MS = 15_000;

let availability: string | undefined;

/** Why the GStreamer RTSP server cannot run here, or '' when it can. Cached. */
export function gstRtspUnavailableReason(): string {
  if (availability !== undefined) return availability;
  const probe = spawnSync(
    GST_PYTHON,
    ['-c', "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer"],
    { encoding: 'utf8', timeout: 10_000 },
  );
  availability =
    probe.status === 0
      ? ''
      : `GStreamer RTSP server unavailable (${GST_PYTHON} with gir1.2-gst-rtsp-server-1.0): ${
          probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? 'unknown error'
        }`;
  return availability;
}

export class RtspCameraSimulator {
  private child: ChildProcess | undefined;
  private currentMode: RtspCameraMode;
  private boundPort: number;
  private readonly opts: RtspCameraOptions;
  private stdoutBuffer = '';
  private readonly lineWaiters: Array<{ match: (l: string) => boolean; resolve: (l: string) => void }> = [];

  constructor(opts: RtspCameraOptions = {}) {
    this.opts = opts;
    this.currentMode = opts.mode ?? 'live';
    this.boundPort = opts.port ?? 0;
  }

  get port(): number {
    return this.boundPort;
  }
  get path(): string {
    return this.opts.path ?? '/stream1';
  }
  get mode(): RtspCameraMode {
    return this.currentMode;
  }
  get running(): boolean {
    return this.child !== undefined;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  /** The stream URL without credentials, as a camera would advertise it. */
  get url(): string {
    return `rtsp://${LOOPBACK}:${this.boundPort}${this.path}`;
  }
  /** The stream URL with credentials embedded, for clients such as ffmpeg. */
  get urlWithCredentials(): string {
    if (this.opts.username === undefined) return this.url;
    const user = encodeURIComponent(this.opts.username);
    const pass = encodeURIComponent(this.opts.password ?? '');
    return `rtsp://${user}:${pass}@${LOOPBACK}:${this.boundPort}${this.path}`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const reason = gstRtspUnavailableReason();
    if (reason) throw new Error(reason);
    const o = this.opts;
    const args = [SCRIPT, '--port', String(this.boundPort), '--path', this.path, '--mode', this.currentMode];
    args.push('--width', String(o.width ?? 320), '--height', String(o.height ?? 240), '--fps', String(o.fps ?? 5));
    if (o.gop !== undefined) args.push('--gop', String(o.gop));
    if (o.protocols !== undefined) args.push('--protocols', o.protocols);
    if (o.codec !== undefined) args.push('--codec', o.codec);
    if (o.shared) args.push('--shared');
    if (o.username !== undefined) args.push('--user', o.username, '--password', o.password ?? '', '--auth', o.auth ?? 'digest');
    const child = spawn(GST_PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.stdoutBuffer = '';
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.stdout?.setEncoding('utf8').on('data', (d: string) => this.onStdout(d));
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        reject(new Error(`RTSP camera exited during start (code ${code}, signal ${signal}): ${stderr.trim()}`));
      });
    });
    exited.catch(() => undefined); // only awaited while starting
    try {
      const ready = await withTimeout(Promise.race([this.nextLine((l) => /^(READY|ERROR)/.test(l)), exited]), START_TIMEOUT_MS);
      if (!ready.startsWith('READY')) throw new Error(`RTSP camera failed to start: ${ready} ${stderr.trim()}`);
      this.boundPort = Number(ready.split(' ')[1]);
      await Promise.race([waitForPort(this.boundPort, START_TIMEOUT_MS), exited]);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Switches the picture. Clients already connected are dropped, as a camera restarting its encoder would. */
  async setMode(mode: RtspCameraMode): Promise<void> {
    this.currentMode = mode;
    if (!this.child?.stdin) return; // applied on the next start()
    const ack = this.nextLine((l) => l === `MODE ${mode}` || l.startsWith('ERROR'));
    this.child.stdin.write(`mode ${mode}\n`);
    const line = await withTimeout(ack, 5_000);
    if (line.startsWith('ERROR')) throw new Error(line);
  }

  /** Stops the server (camera down). Safe to call twice; start() brings it back on the same port. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.lineWaiters.length = 0;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end(); // the helper exits when its stdin closes
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await gone;
    clearTimeout(timer);
  }

  private onStdout(data: string): void {
    this.stdoutBuffer += data;
    let nl: number;
    while ((nl = this.stdoutBuffer.indexOf('\n')) >= 0) {
      const line = this.stdoutBuffer.slice(0, nl).trim();
      this.stdoutBuffer = this.stdoutBuffer.slice(nl + 1);
      const i = this.lineWaiters.findIndex((w) => w.match(line));
      if (i >= 0) this.lineWaiters.splice(i, 1)[0]?.resolve(line);
    }
  }

  private nextLine(match: (line: string) => boolean): Promise<string> {
    return new Promise((resolve) => this.lineWaiters.push({ match, resolve }));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
