/**
 * TCP layer: can we open a connection to the camera at all, and how long does it take. It
 * connects to the RTSP port when the camera has an RTSP URL (the stream is what users watch),
 * else to the ONVIF port, else to the snapshot URL's port, then closes at once. Must not send
 * anything: this layer is reachability only.
 */
import net from 'node:net';
import type { TcpDetail } from '../domain/status.js';
import { parseRtspUrl, socketFailure } from '../protocols/rtsp/index.js';
import { elapsedSince, failed, PROBE_REASONS, type Probe, type ProbeContext, type ProbeTarget } from './types.js';
import type { LayerResult } from '../domain/status.js';

export interface TcpEndpoint {
  host: string;
  port: number;
}

/** Which host and port the TCP layer checks for this target, or undefined when it has none. */
export function tcpEndpoint(target: ProbeTarget): TcpEndpoint | undefined {
  if (target.rtspUrl) {
    const rtsp = parseRtspUrl(target.rtspUrl);
    if (rtsp) return { host: rtsp.host, port: rtsp.port };
  }
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

export const tcpProbe: Probe<'tcp'> = {
  layer: 'tcp',
  applies: (target) => tcpEndpoint(target) !== undefined,
  check: checkTcp,
};

export async function checkTcp(target: ProbeTarget, ctx: ProbeContext): Promise<LayerResult<TcpDetail>> {
  const endpoint = tcpEndpoint(target);
  if (!endpoint) return failed(PROBE_REASONS.notConfigured, 'camera has no RTSP, ONVIF or snapshot address', false);
  const detail: TcpDetail = { host: endpoint.host, port: endpoint.port };
  const where = `${endpoint.host}:${endpoint.port}`;
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    let settled = false;
    const finish = (result: LayerResult<TcpDetail>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ...result, detail });
    };
    const onAbort = (): void => finish(failed(PROBE_REASONS.aborted, 'check cancelled', false));
    const timer = setTimeout(
      () => finish(failed(PROBE_REASONS.timeout, `no TCP answer from ${where} within ${ctx.deadlineMs} ms`, false)),
      ctx.deadlineMs,
    );
    socket.once('connect', () => finish({ ok: true, latencyMs: elapsedSince(started), reached: true }));
    socket.once('error', (err) => {
      const kind = socketFailure(err);
      const latencyMs = elapsedSince(started);
      if (kind === 'refused') finish(failed(PROBE_REASONS.refused, `${where} refused the connection`, false, { latencyMs }));
      else if (kind === 'timeout') finish(failed(PROBE_REASONS.timeout, `connection to ${where} timed out`, false, { latencyMs }));
      else finish(failed(PROBE_REASONS.unreachable, `${where} unreachable (${(err as NodeJS.ErrnoException).code ?? err.message})`, false, { latencyMs }));
    });
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}
