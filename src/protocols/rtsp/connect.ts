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
  const started = performance.now();
  const latency = (): number => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const finish = (outcome: ConnectOutcome): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onConnect = (): void => finish({ state: 'connected', latencyMs: latency() });
    const onError = (err: Error): void =>
      finish({ state: 'failed', failure: socketFailure(err), cause: (err as NodeJS.ErrnoException).code ?? err.message, latencyMs: latency() });
    const onAbort = (): void => finish({ state: 'aborted' });
    const timer = setTimeout(() => finish({ state: 'timeout', budgetMs: opts.budgetMs }), opts.budgetMs);
    // A TLS socket emits `connect` when TCP is up, before its handshake: reachability is TCP's.
    socket.once('connect', onConnect);
    socket.once('error', onError);
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
