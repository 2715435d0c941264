/**
 * One TCP connection per liveness round: the RTSP layer's connection is the TCP layer's
 * evidence when both go to the same host:port, and the TCP layer's result is the one a
 * connection of its own would give (connected, refused, timed out, unreachable, cancelled).
 * Against real listeners on loopback; a port whose accept queue is full stands in for a camera
 * that never answers a SYN.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { LayerResult, TcpDetail } from '../../src/domain/status.js';
import { createLogger } from '../../src/log.js';
import { checkRtsp, checkTcp, onvifProbe, ProbeRegistry, rtspProbe, tcpProbe, type ProbeTarget } from '../../src/probes/index.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { Prober, type ProbedCamera } from '../../src/services/prober.js';
import { LOOPBACK, RtspResponderSimulator } from '../support/index.js';

const DEADLINE_MS = 1000;
const box = SecretBox.fromSecret('prober-connections-test-secret-0123456789');
const log = createLogger('silent');

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function prober(probes?: ProbeRegistry, livenessTimeoutMs = DEADLINE_MS): Prober {
  return new Prober({ box, log, livenessTimeoutMs, imageTimeoutMs: 5000, ...(probes ? { probes } : {}) });
}

const camera = (over: Partial<ProbedCamera>): ProbedCamera => ({ id: 'cam-1', onvif: null, rtsp: null, snapshot: null, ...over });
const rtspCamera = (url: string): ProbedCamera => camera({ rtsp: { url, username: null, passwordEnc: null } });

async function responder(mode: 'ok' | 'silent' = 'ok'): Promise<RtspResponderSimulator> {
  const sim = new RtspResponderSimulator({ mode });
  await sim.start();
  cleanups.push(() => sim.stop());
  return sim;
}

/** A plain TCP listener that counts the connections it accepts and closes each at once. */
async function countingPort(): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
}

/**
 * A port that takes no more SYNs: a listener (python, since Node always accepts) that does not
 * accept, its one-place queue filled by a first connection. Connects to it hang, as to a camera
 * behind a dead route; with `acceptAfterSec` it frees the place once, then, so a hanging
 * connect gets through on the kernel's next retry (about 2 s in, for a place freed at 1.2 s).
 */
async function blackholePort(acceptAfterSec?: number): Promise<number> {
  const accept = acceptAfterSec === undefined ? '' : `time.sleep(${acceptAfterSec})\ns.accept()\n`;
  const code = `import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\n${accept}sys.stdin.read()`;
  const child: ChildProcessWithoutNullStreams = spawn('python3', ['-c', code]);
  cleanups.push(() => {
    child.kill();
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  const filler = net.connect({ host: LOOPBACK, port });
  filler.on('error', () => undefined);
  cleanups.push(() => {
    filler.destroy();
  });
  await new Promise((resolve) => filler.once('connect', resolve));
  return port;
}
const noPython = spawnSync('python3', ['-c', 'pass']).status !== 0;

/** The TCP layer as it was judged before the rounds shared a connection: a probe on its own. */
async function alone(url: string, deadlineMs = DEADLINE_MS, signal = new AbortController().signal): Promise<LayerResult<TcpDetail>> {
  const target: ProbeTarget = { cameraId: 'cam-1', rtspUrl: url };
  return checkTcp(target, { signal, deadlineMs });
}

/** What must not differ between the two: everything but the measured latency. */
const judged = ({ latencyMs, ...rest }: LayerResult<TcpDetail>) => ({ ...rest, measured: typeof latencyMs });

describe('one TCP connection per liveness round', () => {
  it('opens one connection when the TCP layer checks the RTSP port, and the TCP layer still passes', async () => {
    const sim = await responder();
    const p = prober();
    for (let i = 0; i < 5; i++) {
      const { layers } = await p.liveness(rtspCamera(sim.url), new AbortController().signal);
      expect(layers.tcp).toMatchObject({ ok: true, reached: true, detail: { host: LOOPBACK, port: sim.port } });
      expect(layers.tcp?.latencyMs).toBeGreaterThanOrEqual(0);
      expect(layers.rtsp).toMatchObject({ ok: true, detail: { hasVideo: true } });
    }
    expect(sim.connections).toBe(5);
    expect(sim.requests.DESCRIBE).toBe(5);
  });

  it('took two when the layers ran apart, as rounds did before', async () => {
    const sim = await responder();
    const target: ProbeTarget = { cameraId: 'cam-1', rtspUrl: sim.url };
    const ctx = { signal: new AbortController().signal, deadlineMs: DEADLINE_MS };
    const [tcp, rtsp] = await Promise.all([checkTcp(target, ctx), checkRtsp(target, ctx)]);
    expect([tcp.ok, rtsp.ok]).toEqual([true, true]);
    expect(sim.connections).toBe(2);
  });

  it('keeps to one when only the TCP layer is registered', async () => {
    const sim = await responder();
    const probes = new ProbeRegistry().register(tcpProbe).register(onvifProbe);
    const { layers } = await prober(probes).liveness(rtspCamera(sim.url), new AbortController().signal);
    expect(layers.tcp).toMatchObject({ ok: true });
    expect(layers.rtsp).toBeUndefined();
    expect(sim.connections).toBe(1);
  });

  it('counts a camera that accepts and never answers as reachable, on the same one connection', async () => {
    const sim = await responder('silent');
    const { layers } = await prober().liveness(rtspCamera(sim.url), new AbortController().signal);
    expect(layers.tcp).toMatchObject({ ok: true, reached: true });
    expect(layers.rtsp).toMatchObject({ ok: false, reason: 'timeout', reached: false });
    expect(sim.connections).toBe(1);
  });

  it('an rtsps camera: the TCP connect counts, whatever the TLS handshake then does', async () => {
    const port = await countingPort(); // accepts and hangs up: the handshake fails
    const { layers } = await prober().liveness(rtspCamera(`rtsps://${LOOPBACK}:${port.port}/s`), new AbortController().signal);
    expect(layers.tcp).toMatchObject({ ok: true, reached: true, detail: { host: LOOPBACK, port: port.port } });
    expect(layers.rtsp).toMatchObject({ ok: false });
    expect(port.connections()).toBe(1);
  });
});

describe('the TCP layer judges a shared connection as it judged its own', () => {
  it('refused', async () => {
    const sim = await responder();
    await sim.setMode('refuse'); // the camera's RTSP service went down: nothing listens on its port
    const url = sim.url;
    const { layers } = await prober().liveness(rtspCamera(url), new AbortController().signal);
    expect(layers.tcp).toMatchObject({ ok: false, reason: 'refused', reached: false });
    expect(judged(layers.tcp!)).toEqual(judged(await alone(url)));
    expect(layers.rtsp).toMatchObject({ ok: false, reason: 'refused' });
  });

  it('unreachable (no such host)', async () => {
    const url = 'rtsp://camera.invalid:554/s';
    const before = await alone(url);
    const { layers } = await prober().liveness(rtspCamera(url), new AbortController().signal);
    expect(judged(layers.tcp!)).toEqual(judged(before));
    // Where DNS answers at all, .invalid is NXDOMAIN; a resolver that hangs would time both out.
    if (before.reason !== 'timeout') expect(layers.tcp).toMatchObject({ ok: false, reason: 'unreachable', reached: false, message: expect.stringMatching(/^camera\.invalid:554 unreachable \(E[A-Z_]+\)$/) });
  });

  it('cancelled', async () => {
    const sim = await responder();
    const ac = new AbortController();
    ac.abort();
    const { layers } = await prober().liveness(rtspCamera(sim.url), ac.signal);
    expect(layers.tcp).toEqual({ ok: false, reason: 'aborted', reached: false, message: 'check cancelled', detail: { host: LOOPBACK, port: sim.port } });
    expect(judged(layers.tcp!)).toEqual(judged(await alone(sim.url, DEADLINE_MS, ac.signal)));
  });

  it.skipIf(noPython)('timeout: waits the whole deadline for the connect, though the RTSP layer gives up at half of it', async () => {
    const url = `rtsp://${LOOPBACK}:${await blackholePort()}/s`;
    const before = await alone(url);
    expect(before).toMatchObject({ ok: false, reason: 'timeout', reached: false, message: `no TCP answer from ${LOOPBACK}:${url.split(':')[2]!.split('/')[0]} within ${DEADLINE_MS} ms` });
    const started = Date.now();
    const { layers } = await prober().liveness(rtspCamera(url), new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(judged(layers.tcp!)).toEqual(judged(before));
    expect(layers.rtsp).toMatchObject({ ok: false, reason: 'timeout', message: expect.stringMatching(/within 500 ms/) });
  });

  it.skipIf(noPython)('a connect slower than the RTSP layer waits for, within the deadline: a pass, with its latency', async () => {
    // The connect step gives up at 1.5 s; the connect gets through on the kernel's retry about 2 s in, within the 3 s deadline.
    const url = `rtsp://${LOOPBACK}:${await blackholePort(1.2)}/s`;
    const { layers } = await prober(undefined, 3000).liveness(rtspCamera(url), new AbortController().signal);
    expect(layers.rtsp).toMatchObject({ ok: false, reason: 'timeout', reached: false });
    expect(layers.tcp).toMatchObject({ ok: true, reached: true });
    expect(layers.tcp?.latencyMs).toBeGreaterThan(1500);
  });

  it.skipIf(noPython)('cancelled while connecting', async () => {
    const url = `rtsp://${LOOPBACK}:${await blackholePort()}/s`;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    const { layers } = await prober(undefined, 10_000).liveness(rtspCamera(url), ac.signal);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(layers.tcp).toMatchObject({ ok: false, reason: 'aborted', reached: false });
    expect(layers.rtsp).toMatchObject({ ok: false, reason: 'aborted' });
  });
});

describe('other endpoints keep a TCP connection of their own', () => {
  it('an ONVIF-only camera: the TCP layer connects to the ONVIF port', async () => {
    const onvif = await countingPort();
    const probes = new ProbeRegistry().register(tcpProbe).register(rtspProbe); // the TCP layer's connect alone
    const cam = camera({ onvif: { host: LOOPBACK, port: onvif.port, username: null, passwordEnc: null } });
    const { layers } = await prober(probes).liveness(cam, new AbortController().signal);
    expect(layers.tcp).toMatchObject({ ok: true, detail: { host: LOOPBACK, port: onvif.port } });
    expect(layers.rtsp).toBeUndefined();
    expect(onvif.connections()).toBe(1);
  });

  it('a snapshot-only camera: the TCP layer connects to the snapshot port', async () => {
    const http = await countingPort();
    const cam = camera({ snapshot: { url: `http://${LOOPBACK}:${http.port}/snap.jpg`, username: null, passwordEnc: null } });
    const { layers } = await prober().liveness(cam, new AbortController().signal);
    expect(layers).toEqual({ tcp: expect.objectContaining({ ok: true, detail: { host: LOOPBACK, port: http.port } }) });
    expect(http.connections()).toBe(1);
  });

  it('an RTSP URL that does not parse: the TCP layer checks the ONVIF port, the RTSP layer fails on its own', async () => {
    const onvif = await countingPort();
    const probes = new ProbeRegistry().register(tcpProbe).register(rtspProbe);
    const cam = camera({ onvif: { host: LOOPBACK, port: onvif.port, username: null, passwordEnc: null }, rtsp: { url: 'rtsp://', username: null, passwordEnc: null } });
    const { layers } = await prober(probes).liveness(cam, new AbortController().signal);
    expect(layers.tcp).toMatchObject({ ok: true, detail: { port: onvif.port } });
    expect(layers.rtsp).toMatchObject({ ok: false, reason: 'not_configured' });
    expect(onvif.connections()).toBe(1);
  });

  it('an RTSP probe that does not hand its connection over: the TCP layer connects itself', async () => {
    const sim = await responder();
    const quiet = { ...rtspProbe, check: () => Promise.resolve({ ok: true, reached: true }) };
    const probes = new ProbeRegistry().register(tcpProbe).register(quiet);
    const { layers } = await prober(probes).liveness(rtspCamera(sim.url), new AbortController().signal);
    expect(layers.tcp).toMatchObject({ ok: true, detail: { port: sim.port } });
    expect(sim.connections).toBe(1);
  });
});

describe('many rounds at once', () => {
  it('still one connection each', async () => {
    const sharedSim = await responder();
    const p = prober();
    const rounds = await Promise.all(Array.from({ length: 40 }, (_, i) => p.liveness({ ...rtspCamera(sharedSim.url), id: `cam-${i}` }, new AbortController().signal)));
    expect(rounds.every((r) => r.layers.tcp?.ok === true && r.layers.rtsp?.ok === true)).toBe(true);
    expect(sharedSim.connections).toBe(40);
  });
});
