/**
 * A camera's HTTP snapshot endpoint on loopback: a fresh JPEG per request (the
 * time of day drawn in), Basic and/or Digest auth, and the ways real snapshot
 * endpoints go wrong (black, frozen, down, not a JPEG, huge, dripping bytes).
 */
import http from 'node:http';
import { AuthGate, type AuthScheme, type DigestAlgorithm } from './auth-gate.js';
import { renderFrame } from './frame-render.js';
import { closeServer, listen, LOOPBACK, trackSockets } from './net.js';

/**
 * - `live`: a new picture per request
 * - `black`: black picture, the clock still drawn
 * - `frozen`: the same JPEG bytes for ever (the one current when frozen)
 * - `down`: port closed
 * - `garbage`: 200 image/jpeg whose body is not a JPEG
 * - `html`: 200 text/html, a login page (firmware that wants a web session first)
 * - `huge`: a body of `hugeBytes`, streamed
 * - `slow`: a real JPEG dripped a few bytes at a time
 */
export type SnapshotMode = 'live' | 'black' | 'frozen' | 'down' | 'garbage' | 'html' | 'huge' | 'slow';

export interface HttpSnapshotOptions {
  /** @defaultValue 0 (a free port, kept across mode switches) */
  port?: number;
  /** @defaultValue '/snapshot.jpg' */
  path?: string;
  /** @defaultValue 'live' */
  mode?: SnapshotMode;
  username?: string;
  password?: string;
  /** @defaultValue 'digest' */
  auth?: AuthScheme;
  /** @defaultValue 'MD5' */
  algorithm?: DigestAlgorithm;
  /** @defaultValue 64 MiB */
  hugeBytes?: number;
  /** Pause between drips in `slow` mode. @defaultValue 250 */
  dripIntervalMs?: number;
  /** Bytes per drip in `slow` mode. @defaultValue 16 */
  dripBytes?: number;
}

export class HttpSnapshotSimulator {
  private readonly server: http.Server;
  private readonly sockets;
  private readonly gate: AuthGate | undefined;
  private currentMode: SnapshotMode;
  private boundPort: number;
  private started = false;
  private frozenJpeg: Buffer | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Snapshot requests seen, authorised or not. */
  requestCount = 0;

  constructor(private readonly opts: HttpSnapshotOptions = {}) {
    this.currentMode = opts.mode ?? 'live';
    this.boundPort = opts.port ?? 0;
    if (opts.username !== undefined) {
      this.gate = new AuthGate({
        username: opts.username,
        password: opts.password ?? '',
        scheme: opts.auth ?? 'digest',
        algorithm: opts.algorithm ?? 'MD5',
        qop: true,
      });
    }
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    this.sockets = trackSockets(this.server);
  }

  get port(): number {
    return this.boundPort;
  }
  get path(): string {
    return this.opts.path ?? '/snapshot.jpg';
  }
  get mode(): SnapshotMode {
    return this.currentMode;
  }
  get url(): string {
    return `http://${LOOPBACK}:${this.boundPort}${this.path}`;
  }

  async start(): Promise<void> {
    this.started = true;
    await this.sync();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.clearTimers();
    await closeServer(this.server, this.sockets);
  }

  async setMode(mode: SnapshotMode): Promise<void> {
    if (mode === 'frozen' && this.currentMode !== 'frozen') this.frozenJpeg = await renderFrame(new Date());
    this.currentMode = mode;
    await this.sync();
  }

  private async sync(): Promise<void> {
    const wantOpen = this.started && this.currentMode !== 'down';
    if (wantOpen && !this.server.listening) this.boundPort = await listen(this.server, this.boundPort);
    if (!wantOpen && this.server.listening) {
      this.clearTimers();
      await closeServer(this.server, this.sockets);
    }
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== this.path) {
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body>404 Not Found</body></html>');
      return;
    }
    this.requestCount++;
    if (this.gate && !this.gate.check(req.method ?? 'GET', req.headers.authorization, req.url)) {
      res.writeHead(401, { 'WWW-Authenticate': this.gate.challenges(), 'Content-Type': 'text/html' });
      res.end('<html><body>401 Unauthorized</body></html>');
      return;
    }
    const mode = this.currentMode;
    if (mode === 'garbage') {
      res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end('<html><body>Error: sensor not ready</body></html>\n');
      return;
    }
    if (mode === 'html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Login</title></head><body><form action="/doc/page/login.asp"><input name="username"><input type="password" name="password"></form></body></html>\n');
      return;
    }
    if (mode === 'huge') {
      this.sendHuge(res);
      return;
    }
    // A camera created frozen freezes on its first picture.
    if (mode === 'frozen') this.frozenJpeg ??= await renderFrame(new Date());
    const jpeg = mode === 'frozen' && this.frozenJpeg ? this.frozenJpeg : await renderFrame(new Date(), { black: mode === 'black' });
    if (mode === 'slow') {
      this.drip(res, jpeg);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length, 'Cache-Control': 'no-cache' });
    res.end(jpeg);
  }

  private sendHuge(res: http.ServerResponse): void {
    const total = this.opts.hugeBytes ?? 64 * 1024 * 1024;
    const filler = Buffer.alloc(64 * 1024, 0x55);
    const first = Buffer.from(filler);
    first[0] = 0xff; // starts like a JPEG (SOI) so only the size gives it away
    first[1] = 0xd8;
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': total });
    let sent = 0;
    const pump = (): void => {
      while (sent < total && !res.destroyed) {
        const n = Math.min(filler.length, total - sent);
        const piece = (sent === 0 ? first : filler).subarray(0, n);
        sent += n;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }

  private drip(res: http.ServerResponse, jpeg: Buffer): void {
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length });
    const step = this.opts.dripBytes ?? 16;
    let offset = 0;
    const next = (): void => {
      if (res.destroyed) return;
      res.write(jpeg.subarray(offset, offset + step));
      offset += step;
      if (offset >= jpeg.length) {
        res.end();
        return;
      }
      const t = setTimeout(() => {
        this.timers.delete(t);
        next();
      }, this.opts.dripIntervalMs ?? 250);
      this.timers.add(t);
    };
    next();
  }
}
