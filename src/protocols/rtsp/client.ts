/**
 * A minimal RTSP client for health checks: DESCRIBE on one TCP (or TLS) connection (OPTIONS
 * first only for cameras that insist), answering Basic or Digest challenges, and returning
 * what the SDP offers. It
 * never sets up or plays a stream, so it costs a camera milliseconds. Every step is bounded
 * (connect, each reply, the whole exchange, the reply size) so a silent, dripping or babbling
 * camera fails in bounded time and memory. Must not log, and never puts credentials into a
 * message.
 *
 * The first connect's outcome can be handed out (`onConnecting`): the TCP layer takes it as its
 * evidence rather than connecting to the same port a second time. That connect is watched for
 * the whole budget (`timeoutMs`), as the TCP layer would watch its own, even when the connect
 * step gave up sooner; so its socket outlives the exchange until the outcome is known.
 */
import net from 'node:net';
import tls from 'node:tls';
import { authorizationFor, type Credentials } from '../http-auth.js';
import { watchConnect, type ConnectOutcome } from './connect.js';
import { RtspError, socketFailure } from './errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES, header, RtspResponseReader, type RtspResponse } from './response.js';
import { parseSdp, videoMedia, type SdpSummary } from './sdp.js';
import { parseRtspUrl, type RtspEndpoint } from './url.js';

export interface DescribeOptions {
  /** Overrides credentials embedded in the URL. */
  username?: string | undefined;
  password?: string | undefined;
  /** Budget for the whole exchange, ms. */
  timeoutMs: number;
  /** Budget for each step (connect, each reply), ms; never more than what is left overall. @defaultValue timeoutMs */
  stepTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Some cameras answer 401 to requests without one. @defaultValue 'Pantau' */
  userAgent?: string | undefined;
  /** Largest reply accepted, headers and body. @defaultValue 64 KiB */
  maxResponseBytes?: number | undefined;
  /**
   * Verify the rtsps certificate. Off by default: cameras ship self-signed certificates for
   * bare IP addresses, so there is nothing to verify against. @defaultValue false
   */
  tlsVerify?: boolean | undefined;
  /**
   * Handed, as the first connection is opened, how its TCP connect goes (connect time, or the
   * socket failure), watched for `timeoutMs`. Not called when no connection is opened (a bad URL).
   */
  onConnecting?: ((outcome: Promise<ConnectOutcome>) => void) | undefined;
  /** Resolves the host when connecting (the caller's address policy). @defaultValue dns.lookup */
  lookup?: net.LookupFunction | undefined;
}

export interface DescribeResult {
  /** Status of the DESCRIBE reply (2xx). */
  statusCode: number;
  sdp: SdpSummary;
  hasVideo: boolean;
  videoCodec?: string | undefined;
  /** The camera's Server header, when it sent one. */
  server?: string | undefined;
  /** Which challenge was answered, if any. */
  auth?: 'basic' | 'digest' | undefined;
}

/**
 * Answers to DESCRIBE from firmware that wants OPTIONS first (the way players open a session):
 * 455 Method Not Valid in This State, and the 400/405/501 some send instead.
 */
const WANTS_OPTIONS_FIRST: ReadonlySet<number> = new Set([400, 405, 455, 501]);
const ACCEPT_SDP = ['Accept: application/sdp'];

/**
 * DESCRIBE, with OPTIONS before it only when the camera asks for it. Resolves with the SDP's
 * offer; rejects with RtspError. Going straight to DESCRIBE spares every other camera a request
 * and a round trip per check: at 10 000 cameras the OPTIONS writes alone cost ~2 % of a core.
 */
export async function describeRtsp(url: string, opts: DescribeOptions): Promise<DescribeResult> {
  const endpoint = parseRtspUrl(url);
  if (!endpoint) throw new RtspError('bad_url', 'not an rtsp:// or rtsps:// URL', false);
  const username = opts.username ?? endpoint.username;
  const creds = username !== undefined ? { username, password: opts.password ?? endpoint.password ?? '' } : undefined;
  const session = new Session(endpoint, creds, opts);
  try {
    let describe = await session.request('DESCRIBE', ACCEPT_SDP);
    let options: RtspResponse | undefined;
    if (WANTS_OPTIONS_FIRST.has(describe.statusCode)) {
      // A camera that rejects OPTIONS may still DESCRIBE: only DESCRIBE decides.
      options = await session.request('OPTIONS');
      describe = await session.request('DESCRIBE', ACCEPT_SDP);
    }
    if (describe.statusCode < 200 || describe.statusCode > 299) {
      const where = describe.statusCode >= 300 && describe.statusCode < 400 ? ` to ${header(describe, 'location') ?? '?'}` : '';
      throw new RtspError('no_stream', `DESCRIBE answered ${describe.statusCode} ${describe.statusText}${where}`, true, describe.statusCode);
    }
    const sdp = parseSdp(describe.body.toString('utf8'));
    if (!sdp) throw new RtspError('bad_response', 'DESCRIBE answered with a body that is not an SDP', true, describe.statusCode);
    const video = videoMedia(sdp);
    return {
      statusCode: describe.statusCode,
      sdp,
      hasVideo: video !== undefined,
      videoCodec: video?.codec,
      server: header(describe, 'server') ?? (options && header(options, 'server')),
      auth: session.authScheme,
    };
  } finally {
    session.close();
  }
}

/** One conversation: a socket that is reopened if the camera closes it between requests. */
class Session {
  private socket: net.Socket | undefined;
  /** Requests written on the current socket: a camera that hangs up on the second one is retried. */
  private sentOnSocket = 0;
  private cseq = 0;
  private challenge: string[] | undefined;
  private nc = 0;
  private received = false;
  private connects = 0;
  /** The first connection while its connect outcome is still being watched for `onConnecting`. */
  private watched: { socket: net.Socket; outcome: Promise<unknown> } | undefined;
  private readonly deadline: number;
  authScheme: 'basic' | 'digest' | undefined;

  constructor(
    private readonly endpoint: RtspEndpoint,
    private readonly creds: Credentials | undefined,
    private readonly opts: DescribeOptions,
  ) {
    this.deadline = Date.now() + opts.timeoutMs;
  }

  /**
   * Sends `method` and answers at most one 401 per request. Once challenged, later requests
   * carry credentials from the start (RTSP Digest reuses the nonce); a 401 to those (a stale
   * nonce) gets one fresh answer too.
   */
  async request(method: string, extra: string[] = []): Promise<RtspResponse> {
    let res = await this.exchange(method, extra);
    if (res.statusCode !== 401) return res;
    if (!this.creds) throw new RtspError('auth_failed', `${method} requires credentials and none are configured`, true, 401);
    this.challenge = res.headers['www-authenticate'] ?? [];
    this.nc = 0;
    res = await this.exchange(method, extra);
    if (res.statusCode === 401) throw new RtspError('auth_failed', `camera rejected the credentials for ${method}`, true, 401);
    return res;
  }

  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket === this.watched?.socket) void this.watched.outcome.then(() => socket.destroy());
    else socket?.destroy();
  }

  private authorization(method: string): string | undefined {
    if (!this.challenge || !this.creds) return undefined;
    const value = authorizationFor(this.challenge, this.creds, { method, uri: this.endpoint.requestUrl, nc: ++this.nc });
    if (value === undefined) throw new RtspError('auth_failed', 'camera offers no authentication scheme Pantau can answer', true, 401);
    this.authScheme = value.startsWith('Basic') ? 'basic' : 'digest';
    return value;
  }

  private async exchange(method: string, extra: string[]): Promise<RtspResponse> {
    const reuse = this.socket !== undefined && !this.socket.destroyed && this.socket.writable;
    const socket = reuse && this.socket ? this.socket : await this.connect();
    try {
      return await this.send(socket, method, extra);
    } catch (err) {
      // Some cameras close the connection after every reply (notably after a 401): open a new
      // one, once, when the old one went away without a word.
      if (!(err instanceof HungUp) || this.sentOnSocket < 2) throw err instanceof HungUp ? err.error : err;
      return this.send(await this.connect(), method, extra).catch((e: unknown) => {
        throw e instanceof HungUp ? e.error : e;
      });
    }
  }

  private send(socket: net.Socket, method: string, extra: string[]): Promise<RtspResponse> {
    const lines = [
      `${method} ${this.endpoint.requestUrl} RTSP/1.0`,
      `CSeq: ${++this.cseq}`,
      `User-Agent: ${this.opts.userAgent ?? 'Pantau'}`,
      ...extra,
    ];
    const authorization = this.authorization(method);
    if (authorization) lines.push(`Authorization: ${authorization}`);
    this.sentOnSocket++;
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    return this.readResponse(socket, method);
  }

  private readResponse(socket: net.Socket, method: string): Promise<RtspResponse> {
    const reader = new RtspResponseReader(this.opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    return this.step(socket, `no reply to ${method}`, (done, fail) => {
      const onData = (chunk: Buffer): void => {
        this.received = true;
        try {
          const res = reader.push(chunk);
          if (res) done(res);
        } catch (err) {
          fail(err as RtspError);
        }
      };
      const onEnd = (): void => {
        if (reader.pending > 0) {
          fail(new RtspError('bad_response', `camera closed the connection in the middle of its reply to ${method}`, true));
        } else {
          fail(new HungUp(new RtspError('bad_response', `camera closed the connection without answering ${method}`, this.received)));
        }
      };
      socket.on('data', onData);
      socket.once('end', onEnd);
      socket.once('close', onEnd);
      return () => {
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('close', onEnd);
      };
    });
  }

  private async connect(): Promise<net.Socket> {
    this.close();
    const { host, port, tls: secure } = this.endpoint;
    const lookup = this.opts.lookup ? { lookup: this.opts.lookup } : {};
    const socket = secure
      ? tls.connect({ host, port, rejectUnauthorized: this.opts.tlsVerify === true, ...(net.isIP(host) ? {} : { servername: host }), ...lookup })
      : net.connect({ host, port, ...lookup });
    // Errors between steps have no step listening; without this one they would crash the process.
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    if (this.connects++ === 0 && this.opts.onConnecting) {
      const outcome = watchConnect(socket, { budgetMs: this.opts.timeoutMs, signal: this.opts.signal });
      this.watched = { socket, outcome };
      void outcome.then(() => {
        this.watched = undefined;
      });
      this.opts.onConnecting(outcome);
    }
    this.socket = socket;
    this.sentOnSocket = 0;
    const event = secure ? 'secureConnect' : 'connect';
    await this.step<void>(socket, 'connection not established', (done) => {
      const ready = (): void => done(undefined);
      socket.once(event, ready);
      return () => socket.off(event, ready);
    });
    return socket;
  }

  /**
   * Runs one step against the step and overall deadlines and the abort signal. `start` wires
   * listeners and returns their removal; socket errors fail the step with a mapped code.
   */
  private step<T>(
    socket: net.Socket,
    timeoutText: string,
    start: (done: (v: T) => void, fail: (e: RtspError | HungUp) => void) => () => void,
  ): Promise<T> {
    const remaining = this.deadline - Date.now();
    const budget = Math.max(0, Math.min(remaining, this.opts.stepTimeoutMs ?? remaining));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let stop: () => void = () => undefined;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stop();
        socket.off('error', onError);
        this.opts.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const fail = (e: RtspError | HungUp): void => settle(() => reject(e));
      const onError = (err: Error): void => fail(this.socketError(err));
      const onAbort = (): void => fail(new RtspError('aborted', 'cancelled', this.received));
      const timer = setTimeout(() => fail(new RtspError('timeout', `${timeoutText} within ${budget} ms`, this.received)), budget);
      socket.on('error', onError);
      if (this.opts.signal?.aborted) return onAbort();
      this.opts.signal?.addEventListener('abort', onAbort, { once: true });
      stop = start((v) => settle(() => resolve(v)), fail);
    });
  }

  private socketError(err: Error): RtspError {
    const where = `${this.endpoint.host}:${this.endpoint.port}`;
    switch (socketFailure(err)) {
      case 'refused':
        return new RtspError('refused', `connection to ${where} refused`, false);
      case 'unreachable':
        return new RtspError('unreachable', `${where} unreachable (${(err as NodeJS.ErrnoException).code})`, false);
      case 'timeout':
        return new RtspError('timeout', `connection to ${where} timed out`, this.received);
      case 'dropped':
        return new RtspError('bad_response', 'camera dropped the connection', this.received);
      default:
        // TLS handshake failures land here: the port answered, but not with what we asked for.
        return new RtspError('bad_response', `connection to ${where} failed: ${err.message}`, true);
    }
  }
}

/** The camera closed the connection before answering a request: worth one retry on a new one. */
class HungUp extends Error {
  constructor(readonly error: RtspError) {
    super(error.message);
  }
}
