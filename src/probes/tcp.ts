/**
 * TCP layer: can we open a connection to the camera at all, and how long does it take. It
 * connects to the RTSP port when the camera has an RTSP URL (the stream is what users watch),
 * else to the ONVIF port, else to the snapshot URL's port, then closes at once. Must not send
 * anything: this layer is reachability only.
 *
 * When the RTSP layer runs in the same round it opens a connection to that very host:port
 * anyway, so the prober hands its connect outcome in as `ctx.connection` and this layer opens
 * none of its own: one connection per round instead of two (at 10 000 cameras the second
 * connect cost about a fifth of a round's CPU, plus kernel time, and doubled the connects each
 * camera sees). Either way the outcome goes through the one mapping below, so the result keeps
 * its meaning: latency is connect time, and refused/timeout/unreachable/aborted are judged on
 * the same socket events within the same deadline.
 *
 * A connection that is accepted and then reset counts as reached, whether the reset comes
 * after our connect event or (on a fast network) is reported in its place as ECONNRESET: a
 * port that refuses answers the SYN with a reset (ECONNREFUSED), so ECONNRESET always means
 * the handshake completed. Without this a camera resetting every connection was `down` on
 * some rounds and `degraded` on others, by a race, and flapped.
 */
import net from 'node:net';
import type { TcpDetail } from '../domain/status.js';
import { parseRtspUrl, watchConnect, type ConnectOutcome } from '../protocols/rtsp/index.js';
import { failed, PROBE_REASONS, type Probe, type ProbeContext, type ProbeTarget } from './types.js';
import type { LayerResult } from '../domain/status.js';

export interface TcpEndpoint {
  host: string;
  port: number;
}

export interface TcpProbeContext extends ProbeContext {
  /**
   * The outcome of a connect someone else makes to this layer's endpoint in the same round
   * (the RTSP layer's), watched for `deadlineMs`; resolves undefined when none was made after
   * all, and the probe then connects on its own. @defaultValue the probe connects on its own
   */
  connection?: Promise<ConnectOutcome | undefined> | undefined;
}

/**
 * Each round's target is asked for its endpoint several times (does the layer apply, is it the
 * RTSP layer's, the check itself, the round's list of layers): parsed once per target object,
 * which lives for one round. A URL parse each time was 2 % of the busy time at 10 000 cameras.
 */
const endpoints = new WeakMap<ProbeTarget, { endpoint: TcpEndpoint | undefined; rtsp: boolean }>();

/** Which host and port the TCP layer checks for this target, or undefined when it has none. */
export function tcpEndpoint(target: ProbeTarget): TcpEndpoint | undefined {
  return endpointOf(target).endpoint;
}

function endpointOf(target: ProbeTarget): { endpoint: TcpEndpoint | undefined; rtsp: boolean } {
  let known = endpoints.get(target);
  if (!known) {
    const rtsp = target.rtspUrl ? parseRtspUrl(target.rtspUrl) : undefined;
    known = rtsp ? { endpoint: { host: rtsp.host, port: rtsp.port }, rtsp: true } : { endpoint: otherEndpoint(target), rtsp: false };
    endpoints.set(target, known);
  }
  return known;
}

function otherEndpoint(target: ProbeTarget): TcpEndpoint | undefined {
  if (target.onvif) return { host: target.onvif.host, port: target.onvif.port };
  if (target.snapshotUrl) {
    try {
      const u = new URL(target.snapshotUrl);
      const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname) {
        return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port };
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Whether the RTSP layer's connection goes where this layer would connect, so it can serve as this layer's evidence. */
export function tcpEndpointIsRtsp(target: ProbeTarget): boolean {
  // The RTSP URL's host and port whenever that URL parses.
  return endpointOf(target).rtsp;
}

export const tcpProbe: Probe<'tcp', TcpProbeContext> = {
  layer: 'tcp',
  applies: (target) => tcpEndpoint(target) !== undefined,
  check: checkTcp,
};

export async function checkTcp(target: ProbeTarget, ctx: TcpProbeContext): Promise<LayerResult<TcpDetail>> {
  const endpoint = tcpEndpoint(target);
  if (!endpoint) return failed(PROBE_REASONS.notConfigured, 'camera has no RTSP, ONVIF or snapshot address', false);
  const outcome = (await ctx.connection) ?? (await connectOnce(endpoint, ctx, target.lookup));
  // Added to the fresh result, not spread into a copy: a spread copy given one more property gets
  // a hidden class of its own in V8, and the monitor keeps every camera's latest (~0.2 KB each).
  const result = tcpResult(outcome, `${endpoint.host}:${endpoint.port}`);
  result.detail = { host: endpoint.host, port: endpoint.port };
  return result;
}

async function connectOnce(endpoint: TcpEndpoint, ctx: ProbeContext, lookup: ProbeTarget['lookup']): Promise<ConnectOutcome> {
  const socket = net.connect({ host: endpoint.host, port: endpoint.port, ...(lookup ? { lookup } : {}) });
  try {
    return await watchConnect(socket, { budgetMs: ctx.deadlineMs, signal: ctx.signal });
  } finally {
    socket.destroy();
  }
}

/** The layer's result for a connect outcome, whoever made the connection. */
function tcpResult(outcome: ConnectOutcome, where: string): LayerResult<TcpDetail> {
  switch (outcome.state) {
    case 'connected':
      return { ok: true, latencyMs: outcome.latencyMs, reached: true };
    case 'aborted':
      return failed(PROBE_REASONS.aborted, 'check cancelled', false);
    case 'timeout':
      return failed(PROBE_REASONS.timeout, `no TCP answer from ${where} within ${outcome.budgetMs} ms`, false);
    case 'failed': {
      const { latencyMs } = outcome;
      if (outcome.failure === 'refused') return failed(PROBE_REASONS.refused, `${where} refused the connection`, false, { latencyMs });
      if (outcome.failure === 'timeout') return failed(PROBE_REASONS.timeout, `connection to ${where} timed out`, false, { latencyMs });
      if (outcome.failure === 'dropped') return { ok: true, reached: true, latencyMs, message: `${where} accepted the connection, then reset it` };
      return failed(PROBE_REASONS.unreachable, `${where} unreachable (${outcome.cause})`, false, { latencyMs });
    }
  }
}
