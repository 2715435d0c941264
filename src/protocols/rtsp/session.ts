/**
 * One RTSP conversation with a camera: a socket (reopened if the camera closes it between
 * requests, until a stream is set up on it), requests with CSeq and Basic/Digest answers, and
 * replies read with the interleaved RTP that may come between them. Every step is bounded
 * (connect, each reply, the whole exchange, the reply size, the media bytes) so a silent,
 * dripping or babbling camera fails in bounded time and memory. Must not log, and never puts
 * credentials into a message.
 *
 * The first connect's outcome can be handed out (`onConnecting`): the TCP layer takes it as its
 * evidence rather than connecting to the same port a second time. That connect is watched for
 * the whole budget (`timeoutMs`), as the TCP layer would watch its own, even when the connect
 * step gave up sooner; so its socket outlives the exchange until the outcome is known.
 *
 * `reached` on an error means the camera sent something back: bytes (garbage included), or a
 * reset of a connection it had accepted. The TCP layer reads the same connect the same way
 * (probes/tcp.ts), so a camera that resets every connection, or babbles, is reached by both
 * layers alike every round, and gets the same verdict every round.
 */
import net from 'node:net';
import tls from 'node:tls';
import { authorizationFor, type Credentials } from '../http-auth.js';
import { watchConnect, type ConnectOutcome } from './connect.js';
import { RtspError, socketFailure } from './errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES, header, RtspResponseReader, type InterleavedFrame, type RtspResponse } from './response.js';
import type { RtspEndpoint } from './url.js';

export interface SessionOptions {
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

export interface RequestOptions {
  /** Request URL. @defaultValue the endpoint's URL */
  uri?: string | undefined;
  headers?: readonly string[] | undefined;
  /** Budget for the reply, ms, instead of the step budget (a TEARDOWN is not worth waiting long for). */
  budgetMs?: number | undefined;
}

/** What a step waits for: the connection, the reply to a request, or an RTP packet of the watched channel. */
type StepKind = 'connect' | 'reply' | 'media';

/** What a step waits for, and what its timeout says. */
interface StepSpec {
  kind: StepKind;
  /** `connect`: the socket event that says the connection is up. */
  event: 'connect' | 'secureConnect';
  /** `reply`: the request being answered. */
  method: string;
  cseq: number;
  timeoutText: string;
  timeoutCode: 'timeout' | 'no_media';
}

/**
 * The step running now: steps run one at a time, so a session has at most one. It holds its
 * spec rather than a copy spread into it: `{ ...spec, socket, … }` made the RTSP layer a fifth
 * slower per check (BENCHMARKS.md, issue 16, seventh round).
 */
interface ActiveStep {
  spec: StepSpec;
  socket: net.Socket;
  budget: number;
  timer: NodeJS.Timeout | undefined;
  resolve: (value: RtspResponse | undefined) => void;
  reject: (reason: RtspError | HungUp) => void;
}

/** Interleaved RTP being waited for: the channel, and a test that a packet is the track's. */
interface Watch {
  channel: number;
  accept: (packet: Buffer) => boolean;
  maxBytes: number;
  bytes: number;
  seen: boolean;
}

/**
 * Every plain connection reads into this one buffer (net's `onread`), and the reader copies out
 * what it keeps before the call returns. As a stream, each read allocated a 64 KiB buffer for a
 * reply of a few hundred bytes and went through the stream's machinery (BENCHMARKS.md, issue 16,
 * tenth round). TLS sockets cannot take one and read as a stream.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class RtspSession {
  private socket: net.Socket | undefined;
  /** The socket reads into READ_BUFFER (`lentRead`), not through 'data' events. */
  private lent = false;
  private reader = new RtspResponseReader();
  /** Requests written on the current socket: a camera that hangs up on the second one is retried. */
  private sentOnSocket = 0;
  private cseq = 0;
  private challenge: string[] | undefined;
  private nc = 0;
  private reached = false;
  private connects = 0;
  /** Set once a stream is set up on the socket: a new connection would not carry its media. */
  private pinned = false;
  private watch: Watch | undefined;
  /** The first connection while its connect outcome is still being watched for `onConnecting`. */
  private watched: { socket: net.Socket; outcome: Promise<unknown> } | undefined;
  private readonly deadline: number;
  private active: ActiveStep | undefined;
  /**
   * The session listens on the caller's signal once (until it closes) rather than once per
   * step: an AbortSignal's listeners are costly to add and remove, and a round takes two to six
   * steps.
   */
  private listeningForAbort = false;
  /**
   * The steps' listeners: methods bound once per session, not closures made per step. V8 keeps
   * a function's optimised code only while an instance of it is alive; a closure made per step
   * has none alive at most full collections, so its code was dropped and compiled again after
   * each (with connect.ts, prober.ts and the local queue: 85 compilations a minute at 1 000
   * cameras in steady state before, 27 after).
   */
  private readonly handlers = {
    connected: this.stepConnected.bind(this),
    data: this.stepData.bind(this),
    read: this.lentRead.bind(this),
    end: this.stepEnded.bind(this),
    error: this.stepError.bind(this),
    timeout: this.stepTimedOut.bind(this),
    abort: this.stepAborted.bind(this),
    settlers: this.takeSettlers.bind(this),
  };
  /** The settlers of the promise step() is making, handed over by its executor. */
  private nextResolve: ActiveStep['resolve'] = ignore;
  private nextReject: ActiveStep['reject'] = ignore;
  authScheme: 'basic' | 'digest' | undefined;

  constructor(
    readonly endpoint: RtspEndpoint,
    private readonly creds: Credentials | undefined,
    private readonly opts: SessionOptions,
  ) {
    this.deadline = Date.now() + opts.timeoutMs;
  }

  /** Ms left of the whole exchange. */
  get remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  /** Address and family of the camera end of the connection (UDP media is accepted only from there). */
  get peer(): { address: string; family: 'IPv4' | 'IPv6' } | undefined {
    const s = this.socket;
    if (!s?.remoteAddress) return undefined;
    return { address: s.remoteAddress, family: s.remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4' };
  }

  /** Keep the current connection: a stream set up on it plays on it only. */
  pin(): void {
    this.pinned = true;
  }

  /**
   * Sends `method` and answers at most one 401 per request. Once challenged, later requests
   * carry credentials from the start (RTSP Digest reuses the nonce); a 401 to those (a stale
   * nonce) gets one fresh answer too.
   */
  async request(method: string, options: RequestOptions = {}): Promise<RtspResponse> {
    let res = await this.exchange(method, options);
    if (res.statusCode !== 401) return res;
    if (!this.creds) throw new RtspError('auth_failed', `${method} requires credentials and none are configured`, true, 401);
    this.challenge = res.headers['www-authenticate'] ?? [];
    this.nc = 0;
    res = await this.exchange(method, options);
    if (res.statusCode === 401) throw new RtspError('auth_failed', `camera rejected the credentials for ${method}`, true, 401);
    return res;
  }

  /**
   * Resolves once an RTP packet of the track arrives interleaved on `channel` (one that came
   * with an earlier reply counts), within `budgetMs`; rejects with `no_media` when none came,
   * or `too_large` when more than `maxBytes` of other interleaved data came first.
   */
  async waitForInterleaved(channel: number, accept: (packet: Buffer) => boolean, budgetMs: number, maxBytes: number): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed) throw new RtspError('bad_response', 'camera closed the connection after PLAY', true);
    const watch = this.watch?.channel === channel ? this.watch : this.watchChannel(channel, accept, maxBytes);
    if (watch.seen) return;
    await this.step(socket, { kind: 'media', event: 'connect', method: '', cseq: 0, timeoutText: `no RTP packet on the stream within ${budgetMs} ms`, timeoutCode: 'no_media' }, budgetMs);
  }

  /** Watches `channel` from now on, so a packet arriving with the PLAY reply is not missed. */
  watchChannel(channel: number, accept: (packet: Buffer) => boolean, maxBytes: number): Watch {
    this.watch = { channel, accept, maxBytes, bytes: 0, seen: false };
    return this.watch;
  }

  close(): void {
    if (this.listeningForAbort) this.opts.signal?.removeEventListener('abort', this.handlers.abort);
    this.listeningForAbort = false;
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket === this.watched?.socket) void this.watched.outcome.then(() => socket.destroy());
    else socket?.destroy();
  }

  private authorization(method: string, uri: string): string | undefined {
    if (!this.challenge || !this.creds) return undefined;
    const value = authorizationFor(this.challenge, this.creds, { method, uri, nc: ++this.nc });
    if (value === undefined) throw new RtspError('auth_failed', 'camera offers no authentication scheme Pantau can answer', true, 401);
    this.authScheme = value.startsWith('Basic') ? 'basic' : 'digest';
    return value;
  }

  private async exchange(method: string, options: RequestOptions): Promise<RtspResponse> {
    const reuse = this.socket !== undefined && !this.socket.destroyed && this.socket.writable;
    if (!reuse && this.pinned) throw new RtspError('bad_response', `camera closed the connection before ${method}`, true);
    const socket = reuse && this.socket ? this.socket : await this.connect();
    try {
      return await this.send(socket, method, options);
    } catch (err) {
      // Some cameras close the connection after every reply (notably after a 401): open a new
      // one, once, when the old one went away without a word.
      if (!(err instanceof HungUp) || this.sentOnSocket < 2 || this.pinned) throw err instanceof HungUp ? err.error : err;
      return this.send(await this.connect(), method, options).catch((e: unknown) => {
        throw e instanceof HungUp ? e.error : e;
      });
    }
  }

  private send(socket: net.Socket, method: string, options: RequestOptions): Promise<RtspResponse> {
    const uri = options.uri ?? this.endpoint.requestUrl;
    const cseq = ++this.cseq;
    // Written as one string, not as lines joined: no array per request.
    let text = `${method} ${uri} RTSP/1.0\r\nCSeq: ${cseq}\r\nUser-Agent: ${this.opts.userAgent ?? 'Pantau'}\r\n`;
    const headers = options.headers ?? [];
    for (let i = 0; i < headers.length; i++) text += `${headers[i]}\r\n`;
    const authorization = this.authorization(method, uri);
    if (authorization) text += `Authorization: ${authorization}\r\n`;
    this.sentOnSocket++;
    socket.write(`${text}\r\n`);
    return this.readResponse(socket, method, cseq, options.budgetMs);
  }

  /** The reply to request `cseq`. A reply carrying another CSeq answers something else: a bad response, never taken for this one. */
  private readResponse(socket: net.Socket, method: string, cseq: number, budgetMs?: number): Promise<RtspResponse> {
    return this.step(socket, { kind: 'reply', event: 'connect', method, cseq, timeoutText: `no reply to ${method}`, timeoutCode: 'timeout' }, budgetMs) as Promise<RtspResponse>;
  }

  /** Takes buffered messages off the reader: frames go to the watch, the first reply is returned. */
  private drain(): RtspResponse | undefined {
    for (let msg = this.reader.next(); msg; msg = this.reader.next()) {
      if (msg.kind === 'response') return msg.response;
      this.onFrame(msg.frame);
    }
    return undefined;
  }

  private onFrame(frame: InterleavedFrame): void {
    const watch = this.watch;
    if (!watch || watch.seen) return;
    if (frame.channel === watch.channel && watch.accept(frame.data)) {
      watch.seen = true;
      return;
    }
    watch.bytes += frame.data.length + 4;
    if (watch.bytes > watch.maxBytes) throw new RtspError('too_large', `more than ${watch.maxBytes} bytes after PLAY without an RTP packet of the video track`, true);
  }

  private async connect(): Promise<net.Socket> {
    this.close();
    const { host, port, tls: secure } = this.endpoint;
    const lookup = this.opts.lookup ? { lookup: this.opts.lookup } : {};
    const socket = secure
      ? tls.connect({ host, port, rejectUnauthorized: this.opts.tlsVerify === true, ...(net.isIP(host) ? {} : { servername: host }), ...lookup })
      : net.connect({ host, port, ...lookup, onread: { buffer: READ_BUFFER, callback: this.handlers.read } });
    this.lent = !secure;
    // Errors between steps have no step listening; without this one they would crash the process.
    socket.on('error', ignore);
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
    this.reader = new RtspResponseReader(this.opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    this.sentOnSocket = 0;
    const event = secure ? 'secureConnect' : 'connect';
    await this.step(socket, { kind: 'connect', event, method: '', cseq: 0, timeoutText: 'connection not established', timeoutCode: 'timeout' });
    return socket;
  }

  /**
   * Runs one step against the step and overall deadlines (or `budgetMs`) and the abort signal:
   * the connection coming up, the reply to request `cseq`, or an RTP packet on the watched
   * channel. What an earlier read left buffered counts at once. Socket errors fail the step with
   * a mapped code.
   */
  private step(socket: net.Socket, spec: StepSpec, budgetMs?: number): Promise<RtspResponse | undefined> {
    if (this.active) throw new Error('an RTSP step started while another was running');
    const remaining = this.remainingMs;
    const budget = Math.max(0, Math.min(remaining, budgetMs ?? this.opts.stepTimeoutMs ?? remaining));
    // The executor is bound once per session and leaves the settlers in fields: no closures,
    // context or result object per step, as a helper returning { promise, resolve, reject } made.
    const promise = new Promise<RtspResponse | undefined>(this.handlers.settlers);
    const step: ActiveStep = { spec, socket, budget, timer: undefined, resolve: this.nextResolve, reject: this.nextReject };
    this.active = step;
    step.timer = setTimeout(this.handlers.timeout, budget);
    socket.on('error', this.handlers.error);
    if (this.opts.signal?.aborted) {
      this.stepAborted();
      return promise;
    }
    if (this.opts.signal && !this.listeningForAbort) {
      this.opts.signal.addEventListener('abort', this.handlers.abort, { once: true });
      this.listeningForAbort = true;
    }
    // on(), not once(): settle() takes every listener off, and once() wraps each in a closure.
    if (step.spec.kind === 'connect') socket.on(step.spec.event, this.handlers.connected);
    else {
      if (!this.lent) socket.on('data', this.handlers.data);
      socket.on('end', this.handlers.end);
      socket.on('close', this.handlers.end);
      this.advance(step);
    }
    return promise;
  }

  /** Ends the step: its listeners come off the socket before it settles. */
  private settle(step: ActiveStep, value: RtspResponse | undefined, error?: RtspError | HungUp): void {
    if (this.active !== step) return;
    this.active = undefined;
    clearTimeout(step.timer);
    const { socket } = step;
    socket.off('error', this.handlers.error);
    if (step.spec.kind === 'connect') socket.off(step.spec.event, this.handlers.connected);
    else {
      if (!this.lent) socket.off('data', this.handlers.data);
      socket.off('end', this.handlers.end);
      socket.off('close', this.handlers.end);
    }
    if (error) step.reject(error);
    else step.resolve(value);
  }

  /** Whether what the reader holds ends the step: the reply, or the packet waited for. */
  private advance(step: ActiveStep): void {
    try {
      const res = this.drain();
      if (step.spec.kind === 'media') {
        if (this.watch?.seen) this.settle(step, undefined);
        return;
      }
      if (!res) return;
      const said = header(res, 'cseq')?.trim();
      if (said !== undefined && said !== String(step.spec.cseq)) {
        const error = new RtspError('bad_response', `reply to ${step.spec.method} carries CSeq ${JSON.stringify(said.slice(0, 20))}, the request had ${step.spec.cseq}`, true, res.statusCode);
        this.settle(step, undefined, error);
      } else this.settle(step, res);
    } catch (err) {
      this.settle(step, undefined, err as RtspError);
    }
  }

  private takeSettlers(resolve: ActiveStep['resolve'], reject: ActiveStep['reject']): void {
    this.nextResolve = resolve;
    this.nextReject = reject;
  }

  private stepConnected(): void {
    if (this.active) this.settle(this.active, undefined);
  }

  /** Bytes for the running step. Of a `lent` chunk (in READ_BUFFER) the reader copies what it keeps before this returns. */
  private stepData(chunk: Buffer, lent = false): void {
    const step = this.active;
    if (!step) return;
    this.reached = true;
    this.reader.feed(chunk, lent);
    this.advance(step);
    if (lent) this.reader.retain();
  }

  /**
   * `length` bytes read into READ_BUFFER, taken as a stream's chunk is: what the reader holds of
   * them afterwards is copied before the next read overwrites them, and bytes that come while no
   * step waits are dropped, as the stream dropped them (flowing, with no 'data' listener).
   * Returns true: false would pause the socket.
   */
  private lentRead(length: number): boolean {
    if (this.active) this.stepData(READ_BUFFER.subarray(0, length), true);
    return true;
  }

  private stepEnded(): void {
    const step = this.active;
    if (!step) return;
    let error: RtspError | HungUp;
    if (step.spec.kind === 'media') error = new RtspError('bad_response', 'camera closed the connection while playing', true);
    else if (this.reader.pending > 0) error = new RtspError('bad_response', `camera closed the connection in the middle of its reply to ${step.spec.method}`, true);
    else error = new HungUp(new RtspError('bad_response', `camera closed the connection without answering ${step.spec.method}`, this.reached));
    this.settle(step, undefined, error);
  }

  private stepError(err: Error): void {
    if (this.active) this.settle(this.active, undefined, this.socketError(err));
  }

  private stepTimedOut(): void {
    const step = this.active;
    if (!step) return;
    const text = step.spec.timeoutCode === 'no_media' ? step.spec.timeoutText : `${step.spec.timeoutText} within ${step.budget} ms`;
    this.settle(step, undefined, new RtspError(step.spec.timeoutCode, text, this.reached));
  }

  private stepAborted(): void {
    if (this.active) this.settle(this.active, undefined, new RtspError('aborted', 'cancelled', this.reached));
  }

  private socketError(err: Error): RtspError {
    const where = `${this.endpoint.host}:${this.endpoint.port}`;
    switch (socketFailure(err)) {
      case 'refused':
        return new RtspError('refused', `connection to ${where} refused`, false);
      case 'unreachable':
        return new RtspError('unreachable', `${where} unreachable (${(err as NodeJS.ErrnoException).code})`, false);
      case 'timeout':
        return new RtspError('timeout', `connection to ${where} timed out`, this.reached);
      case 'dropped':
        // A reset (not a refusal) means the connection was established first, even when the
        // reset arrives before we saw the connect: the camera is there and closed on us.
        return new RtspError('bad_response', 'camera accepted the connection, then reset it', true);
      default:
        // TLS handshake failures land here: the port answered, but not with what we asked for.
        return new RtspError('bad_response', `connection to ${where} failed: ${err.message}`, true);
    }
  }
}

function ignore(): void {}

/** The camera closed the connection before answering a request: worth one retry on a new one. */
class HungUp extends Error {
  constructor(readonly error: RtspError) {
    super(error.message);
  }
}
