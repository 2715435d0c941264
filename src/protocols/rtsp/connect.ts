/**
 * How a TCP connect went: connected (and how long it took), failed with a socket error,
 * timed out on our own budget, or was cancelled. The RTSP client reports its first
 * connection this way, so a caller can take that connection as reachability evidence instead
 * of opening a second one to the same host:port. Watches only: never writes to, reads from or
 * closes the socket (its owner does that once the outcome has settled).
 */
import type net from 'node:net';
import { socketFailure, type SocketFailure } from './errors.js';

export type ConnectOutcome =
  | { state: 'connected'; latencyMs: number }
  /** `cause` is the errno code (ECONNREFUSED…), or the error's message when it has none. */
  | { state: 'failed'; failure: SocketFailure; cause: string; latencyMs: number }
  /** No answer within `budgetMs`: our timer, not the kernel's ETIMEDOUT (that one is `failed`). */
  | { state: 'timeout'; budgetMs: number }
  | { state: 'aborted' };

export interface WatchConnectOptions {
  /** How long to wait for the connect, ms from the call. */
  budgetMs: number;
  signal?: AbortSignal | undefined;
}

/** Call it right after `net.connect`/`tls.connect`: latency counts from here. */
export function watchConnect(socket: net.Socket, opts: WatchConnectOptions): Promise<ConnectOutcome> {
  return new ConnectWatch(socket, opts).outcome;
}

/**
 * One connect being watched. Its listeners are methods bound once, not closures: V8 drops a
 * closure's optimised code at a full collection when no instance of it is alive, and a check's
 * closures seldom are, so they were compiled again after every one (see session.ts).
 */
class ConnectWatch {
  readonly outcome: Promise<ConnectOutcome>;
  private resolve: (outcome: ConnectOutcome) => void = noop;
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;
  private readonly onConnect = this.connected.bind(this);
  private readonly onError = this.failed.bind(this);
  private readonly onAbort = this.aborted.bind(this);

  constructor(
    private readonly socket: net.Socket,
    private readonly opts: WatchConnectOptions,
  ) {
    this.outcome = new Promise<ConnectOutcome>((resolve) => {
      this.resolve = resolve;
    });
    this.timer = setTimeout(this.timedOut.bind(this), opts.budgetMs);
    // A TLS socket emits `connect` when TCP is up, before its handshake: reachability is TCP's.
    // on(), not once(): finish() takes both off, and once() wraps each in a closure.
    socket.on('connect', this.onConnect);
    socket.on('error', this.onError);
    if (opts.signal?.aborted) this.aborted();
    else opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private latency(): number {
    return Math.round(performance.now() - this.started);
  }

  private connected(): void {
    this.finish({ state: 'connected', latencyMs: this.latency() });
  }

  private failed(err: Error): void {
    this.finish({ state: 'failed', failure: socketFailure(err), cause: (err as NodeJS.ErrnoException).code ?? err.message, latencyMs: this.latency() });
  }

  private aborted(): void {
    this.finish({ state: 'aborted' });
  }

  private timedOut(): void {
    this.finish({ state: 'timeout', budgetMs: this.opts.budgetMs });
  }

  private finish(outcome: ConnectOutcome): void {
    clearTimeout(this.timer);
    this.socket.off('connect', this.onConnect);
    this.socket.off('error', this.onError);
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    const resolve = this.resolve;
    this.resolve = noop;
    resolve(outcome);
  }
}

function noop(): void {}
