/**
 * An ONVIF camera on loopback: device and media SOAP services answering with a
 * real vendor's reply shapes (test/fixtures/onvif/<vendor>/), WS-Security
 * UsernameToken checked against the device's own (offsettable) clock, and the
 * faults real cameras send. Options bring in what goes wrong in the field: a
 * skewed or misreported clock, LAN addresses in URIs, no profiles, broken XML,
 * a device that hangs. A WS-Discovery responder can answer unicast probes.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { closeServer, listen, LOOPBACK, trackSockets } from './net.js';
import { clockVars, fixture, parseSoapRequest, render, verifyUsernameToken, type SoapRequest } from './onvif-soap.js';
import { VENDORS, type OnvifVendor } from './onvif-vendors.js';
import { WsDiscoveryResponder } from './ws-discovery-responder.js';

export interface OnvifDeviceOptions {
  /** @defaultValue 0 (a free port, kept across restarts) */
  port?: number;
  /** @defaultValue 'hikvision' */
  vendor?: OnvifVendor;
  /** When set, every operation but the pre-auth ones needs a valid UsernameToken. */
  username?: string;
  password?: string;
  /** The device's clock is now + this. @defaultValue 0 */
  clockOffsetMs?: number;
  /** How far Created may be from the device's clock. @defaultValue 5000 */
  clockToleranceMs?: number;
  /**
   * GetSystemDateAndTime reports the clock shifted by this from the one auth is
   * checked against (cameras that put local time in the UTC field). @defaultValue 0
   */
  misreportClockMs?: number;
  /** GetSystemDateAndTime needs auth too, as on some Panasonic firmware. @defaultValue false */
  requireAuthForTime?: boolean;
  /** Host named in returned service, stream and snapshot URIs. @defaultValue '127.0.0.1' */
  lanAddress?: string;
  /** @defaultValue 554 */
  rtspPort?: number;
  /** Replaces the vendor's stream path for every profile, e.g. an RtspCameraSimulator's '/stream1'. */
  rtspPath?: string;
  /** The stream path of each profile by token (a main and a sub-stream on one RTSP server); wins over rtspPath. */
  rtspPaths?: Record<string, string>;
  /** @defaultValue 80 */
  snapshotPort?: number;
  /** Replaces the vendor's snapshot path for every profile. */
  snapshotPath?: string;
  /** GetProfiles answers an empty list. */
  noProfiles?: boolean;
  /** Truncated, ill-formed replies: for every operation (true) or the ones named. */
  brokenXml?: boolean | string[];
  /** Never answer: every operation (true) or the ones named. */
  hang?: boolean | string[];
  /** Answer a few bytes every 100 ms (beats a client's idle timeout): every operation or the ones named. */
  drip?: boolean | string[];
  serialNumber?: string;
}

/** Operations ONVIF lets anyone call: a client needs the clock before it can sign. */
const PRE_AUTH = new Set(['GetSystemDateAndTime', 'GetCapabilities', 'GetServices', 'GetWsdlUrl', 'GetEndpointReference']);
const SUPPORTED = new Set([
  'GetSystemDateAndTime',
  'GetDeviceInformation',
  'GetCapabilities',
  'GetServices',
  'GetScopes',
  'GetProfiles',
  'GetStreamUri',
  'GetSnapshotUri',
]);
const MAX_BODY = 256 * 1024;

export class OnvifDeviceSimulator {
  private readonly server: http.Server;
  private readonly sockets;
  private opts: OnvifDeviceOptions;
  private boundPort: number;
  private readonly seenNonces = new Set<string>();
  private discovery: WsDiscoveryResponder | undefined;
  readonly uuid = randomUUID();
  /** Requests received, by operation (also those refused), so tests can see what a client did. */
  readonly requests: Record<string, number> = {};
  /** Why tokens were refused, in order: 'missing' | 'bad-password' | 'stale' | 'replayed'. */
  readonly authFailures: string[] = [];

  constructor(opts: OnvifDeviceOptions = {}) {
    this.opts = { ...opts };
    this.boundPort = opts.port ?? 0;
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.sockets = trackSockets(this.server);
  }

  get port(): number {
    return this.boundPort;
  }
  get host(): string {
    return LOOPBACK;
  }
  /** The device service URL on loopback (what an admin would type, minus the LAN). */
  get url(): string {
    return `http://${LOOPBACK}:${this.boundPort}/onvif/device_service`;
  }
  get vendor(): OnvifVendor {
    return this.opts.vendor ?? 'hikvision';
  }
  get discoveryPort(): number | undefined {
    return this.discovery?.port;
  }

  /** Changes behaviour at run time, e.g. the clock offset or where stream URIs point. */
  configure(changes: Partial<OnvifDeviceOptions>): void {
    this.opts = { ...this.opts, ...changes };
  }

  async start(): Promise<void> {
    if (!this.server.listening) this.boundPort = await listen(this.server, this.boundPort);
  }

  async stop(): Promise<void> {
    await this.discovery?.stop();
    this.discovery = undefined;
    await closeServer(this.server, this.sockets);
  }

  /** Answers WS-Discovery probes sent (unicast) to the returned loopback port. */
  async startDiscovery(port = 0): Promise<number> {
    if (!this.discovery) {
      this.discovery = new WsDiscoveryResponder((relatesTo) =>
        render(fixture(this.vendor, 'ProbeMatches'), {
          messageId: randomUUID(),
          relatesTo,
          uuid: this.uuid,
          xaddrs: `${this.xaddr()}/onvif/device_service`,
        }),
      );
      await this.discovery.start(port);
    }
    return this.discovery.port;
  }

  /** The device's clock: the one UsernameToken Created is checked against. */
  deviceNow(): Date {
    return new Date(Date.now() + (this.opts.clockOffsetMs ?? 0));
  }

  private xaddr(): string {
    const lan = this.opts.lanAddress ?? LOOPBACK;
    // A camera on its LAN answers on port 80; only on loopback is the port ours.
    return lan === LOOPBACK ? `http://${lan}:${this.boundPort}` : `http://${lan}`;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith('/onvif/')) {
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body><h1>404 Not Found</h1></body></html>');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/html' }).end('<html><body>405</body></html>');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => this.answer(parseSoapRequest(Buffer.concat(chunks).toString('utf8')), res));
  }

  private matches(option: boolean | string[] | undefined, op: string): boolean {
    return option === true || (Array.isArray(option) && option.includes(op));
  }

  private answer(soap: SoapRequest, res: http.ServerResponse): void {
    const op = soap.operation ?? '';
    this.requests[op] = (this.requests[op] ?? 0) + 1;
    if (this.matches(this.opts.hang, op)) return; // the socket stays open until the client or stop() gives up
    if (!SUPPORTED.has(op)) {
      this.fault(res, 500, 'Receiver', 'ter:ActionNotSupported', 'Optional Action Not Implemented');
      return;
    }
    const needsAuth =
      this.opts.username !== undefined && (!PRE_AUTH.has(op) || (op === 'GetSystemDateAndTime' && this.opts.requireAuthForTime));
    if (needsAuth) {
      const verdict = verifyUsernameToken(soap.token, {
        username: this.opts.username ?? '',
        password: this.opts.password ?? '',
        deviceNow: this.deviceNow(),
        toleranceMs: this.opts.clockToleranceMs ?? 5000,
        seenNonces: this.seenNonces,
      });
      if (verdict !== 'ok') {
        this.authFailures.push(verdict);
        this.fault(res, 400, 'Sender', 'ter:NotAuthorized', 'Sender not Authorized',
          'The action requested requires authorization and the sender is not authorized');
        return;
      }
    }
    let xml: string;
    try {
      xml = this.reply(op, soap);
    } catch (err) {
      if (err instanceof NoSuchProfile) {
        this.fault(res, 400, 'Sender', 'ter:InvalidArgVal', 'No such profile', `ter:NoProfile ${err.message}`);
      } else {
        this.fault(res, 500, 'Receiver', 'ter:Action', 'Internal error', String(err));
      }
      return;
    }
    if (this.matches(this.opts.brokenXml, op)) xml = `${xml.slice(0, Math.floor(xml.length * 0.6))}&<tt:`;
    this.send(res, 200, xml, this.matches(this.opts.drip, op));
  }

  private reply(op: string, soap: SoapRequest): string {
    const vendor = VENDORS[this.vendor];
    const vars: Record<string, string | number> = {
      xaddr: this.xaddr(),
      serialNumber: this.opts.serialNumber ?? vendor.serialNumber,
    };
    if (op === 'GetSystemDateAndTime') {
      const reported = new Date(this.deviceNow().getTime() + (this.opts.misreportClockMs ?? 0));
      Object.assign(vars, clockVars(reported, vendor.utcOffsetHours));
    }
    if (op === 'GetStreamUri' || op === 'GetSnapshotUri') {
      const token = soap.arg('ProfileToken') ?? '';
      const profile = vendor.profiles.find((p) => p.token === token);
      if (!profile || this.opts.noProfiles) throw new NoSuchProfile(token);
      const lan = this.opts.lanAddress ?? LOOPBACK;
      if (op === 'GetStreamUri') {
        vars.uri = `rtsp://${lan}:${this.opts.rtspPort ?? 554}${this.opts.rtspPaths?.[profile.token] ?? this.opts.rtspPath ?? profile.rtspPath}`;
      } else {
        const port = this.opts.snapshotPort ?? 80;
        vars.uri = `http://${lan}${port === 80 ? '' : `:${port}`}${this.opts.snapshotPath ?? profile.snapshotPath}`;
      }
    }
    const xml = render(fixture(this.vendor, op), vars);
    return op === 'GetProfiles' && this.opts.noProfiles
      ? xml.replace(/<trt:Profiles\b[\s\S]*?<\/trt:Profiles>\s*/g, '')
      : xml;
  }

  private fault(res: http.ServerResponse, status: number, code: string, subcode: string, reason: string, detail = reason): void {
    const xml = render(fixture(this.vendor, 'Fault'), {
      faultCode: code,
      faultSubcode: subcode,
      faultReason: reason,
      faultDetail: detail,
    });
    this.send(res, status, xml);
  }

  private send(res: http.ServerResponse, status: number, xml: string, drip = false): void {
    res.writeHead(status, {
      'Content-Type': 'application/soap+xml; charset=utf-8',
      'Content-Length': Buffer.byteLength(xml),
      Server: VENDORS[this.vendor].serverHeader,
      Connection: 'close',
    });
    if (!drip) {
      res.end(xml);
      return;
    }
    const bytes = Buffer.from(xml);
    let offset = 0;
    const timer = setInterval(() => {
      if (res.destroyed || offset >= bytes.length) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(bytes.subarray(offset, offset + 8));
      offset += 8;
    }, 100);
    res.once('close', () => clearInterval(timer));
  }
}

class NoSuchProfile extends Error {}
