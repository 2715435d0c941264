/**
 * The TCP and RTSP probes against cameras on loopback: the pure-Node RTSP responder in each of
 * its modes, hostile servers written here (dripping, endless, garbage, hanging up after a 401),
 * and GStreamer's real RTSP server when it is installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/domain/status.js';
import { checkRtsp, checkTcp, type ProbeTarget } from '../../src/probes/index.js';
import { gstRtspUnavailableReason, LOOPBACK, RtspCameraSimulator, RtspResponderSimulator, type RtspResponderOptions } from '../support/index.js';

const USER = 'admin';
const PASS = 'Pantau#2024 ok';
const DEADLINE_MS = 2000;
/** Generous on a loaded 2-core CI machine: the point is "returned", not "fast". */
const MARGIN_MS = 1500;

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const ctx = (deadlineMs = DEADLINE_MS, signal = new AbortController().signal) => ({ signal, deadlineMs });

async function responder(opts: RtspResponderOptions): Promise<RtspResponderSimulator> {
  const sim = new RtspResponderSimulator({ username: USER, password: PASS, ...opts });
  await sim.start();
  cleanups.push(() => sim.stop());
  return sim;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function timed<T>(p: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await p;
  return { result, ms: Date.now() - started };
}

/**
 * Misbehaving RTSP firmware, chosen by the request path:
 * /drip sends a status line then one byte every 100 ms for ever; /endless streams header lines
 * without end; /garbage answers binary noise; /huge declares a 50 MB SDP; /hangup answers a 401
 * and closes the connection, as some cameras do, then accepts Basic on a new connection;
 * /halves/H264 (or H265) answers DESCRIBE in two writes 50 ms apart, cut after the SDP's codec.
 */
async function hostileServer(tlsOptions?: tls.TlsOptions): Promise<number> {
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<net.Socket>();
  const answer = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      buf = buf.slice(end + 4);
      const path = new URL(head.split(' ')[1] ?? 'rtsp://x/').pathname;
      const cseq = /CSeq: (\d+)/.exec(head)?.[1] ?? '0';
      if (path === '/drip') {
        socket.write('RTSP/1.0 200 OK\r\n');
        const t = setInterval(() => socket.writable && socket.write('X'), 100);
        timers.add(t);
      } else if (path === '/endless') {
        socket.write('RTSP/1.0 200 OK\r\n');
        const pump = (): void => {
          while (socket.writable && socket.write(`X-Filler: ${'a'.repeat(1000)}\r\n`));
          if (socket.writable) socket.once('drain', pump);
        };
        pump();
      } else if (path === '/garbage') {
        socket.end(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42, 0x00, 0x99, 0x10]));
      } else if (path === '/huge') {
        socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Type: application/sdp\r\nContent-Length: 50000000\r\n\r\nv=0\r\n`);
      } else if (path.startsWith('/halves/')) {
        socket.setNoDelay(true);
        const sdp = `v=0\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 ${path.slice(8, 12)}/90000\r\na=control:track1\r\n`;
        const reply = `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`;
        const cut = reply.indexOf('a=control');
        socket.write(reply.slice(0, cut));
        const t = setTimeout(() => socket.writable && socket.write(reply.slice(cut)), 50);
        timers.add(t);
      } else if (path === '/hangup') {
        const authorised = head.includes(`Authorization: Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`);
        if (authorised || head.startsWith('OPTIONS')) {
          const sdp = head.startsWith('DESCRIBE') ? 'v=0\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n' : '';
          socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`);
        } else {
          socket.end(`RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Basic realm="cam"\r\n\r\n`);
        }
      }
    });
  };
  const server = tlsOptions ? tls.createServer(tlsOptions, answer) : net.createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  cleanups.push(async () => {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as net.AddressInfo).port;
}

let digest: RtspResponderSimulator;
let hostilePort: number;
let refusedPort: number;
beforeAll(async () => {
  digest = await responder({});
  hostilePort = await hostileServer();
  refusedPort = await closedPort();
});

/** `password: null` configures no credentials at all. */
const target = (url: string, password: string | null = PASS): ProbeTarget =>
  password === null ? { cameraId: 'cam-1', rtspUrl: url } : { cameraId: 'cam-1', rtspUrl: url, rtspUsername: USER, rtspPassword: password };

describe('tcp probe', () => {
  it('connects to the RTSP port and reports the latency', async () => {
    const r = await checkTcp(target(digest.url), ctx());
    expect(r).toMatchObject({ ok: true, reached: true, detail: { host: LOOPBACK, port: digest.port } });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a refused port as refused, not reached', async () => {
    const r = await checkTcp(target(`rtsp://${LOOPBACK}:${refusedPort}/s`), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'refused', reached: false });
    expect(classify({ tcp: r })).toEqual({ status: 'down', reason: 'unreachable' });
  });
});

describe('rtsp probe against the RTSP responder', () => {
  it('passes with Digest credentials: DESCRIBE answering the challenge, no OPTIONS needed', async () => {
    const cam = await responder({});
    const r = await checkRtsp(target(cam.url), ctx());
    expect(r).toMatchObject({ ok: true, reached: true, detail: { hasVideo: true, videoCodec: 'H264', statusCode: 200 } });
    expect(cam.requests).toEqual({ DESCRIBE: 2 }); // challenged, then answered
    expect(cam.connections).toBe(1);
  });

  it('sends OPTIONS first to a camera that answers DESCRIBE only after it', async () => {
    const picky = await responder({ optionsFirst: true });
    const r = await checkRtsp(target(picky.url), ctx());
    expect(r).toMatchObject({ ok: true, reached: true, detail: { hasVideo: true, statusCode: 200 } });
    // 455 to the first DESCRIBE, then OPTIONS, then DESCRIBE (challenged and answered).
    expect(picky.requests).toEqual({ DESCRIBE: 3, OPTIONS: 1 });
    expect(picky.connections).toBe(1);
  });

  it('passes with Basic credentials, and with credentials embedded in the URL', async () => {
    const basic = await responder({ auth: 'basic' });
    expect((await checkRtsp(target(basic.url), ctx())).ok).toBe(true);
    const embedded = digest.url.replace('rtsp://', `rtsp://${USER}:${encodeURIComponent(PASS)}@`);
    expect((await checkRtsp(target(embedded, null), ctx())).ok).toBe(true);
  });

  it('reports a wrong password as auth_failed without echoing it', async () => {
    const r = await checkRtsp(target(digest.url, 'wrong-password'), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'auth_failed', reached: true, detail: { statusCode: 401 } });
    expect(JSON.stringify(r)).not.toContain('wrong-password');
    expect(classify({ rtsp: r })).toEqual({ status: 'degraded', reason: 'rtsp_auth_failed' });
  });

  it('reports missing credentials as auth_failed', async () => {
    const r = await checkRtsp(target(digest.url, null), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'auth_failed', reached: true });
    expect(r.message).toMatch(/none are configured/);
  });

  it('fails a stream whose SDP has no video', async () => {
    const sim = await responder({ mode: 'no-video' });
    const r = await checkRtsp(target(sim.url), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'no_video', reached: true, detail: { hasVideo: false } });
    expect(classify({ tcp: { ok: true }, rtsp: r })).toEqual({ status: 'degraded', reason: 'no_stream' });
  });

  it('fails a DESCRIBE whose body is not an SDP', async () => {
    const sim = await responder({ mode: 'bad-sdp' });
    expect(await checkRtsp(target(sim.url), ctx())).toMatchObject({ ok: false, reason: 'bad_response', reached: true });
  });

  it('reports a wrong stream path as no_stream', async () => {
    const r = await checkRtsp(target(digest.url.replace('/Streaming', '/Nope')), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'no_stream', reached: true, detail: { statusCode: 404 } });
  });

  it('times out on a camera that accepts the connection and never answers', async () => {
    const sim = await responder({ mode: 'silent' });
    const { result, ms } = await timed(checkRtsp(target(sim.url), ctx()));
    expect(result).toMatchObject({ ok: false, reason: 'timeout', reached: false });
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  });

  it('reports a closed port as refused', async () => {
    const r = await checkRtsp(target(`rtsp://${LOOPBACK}:${refusedPort}/s`), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'refused', reached: false });
  });

  it('resolves as aborted when the caller cancels', async () => {
    const sim = await responder({ mode: 'silent' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const { result, ms } = await timed(checkRtsp(target(sim.url), ctx(10_000, ac.signal)));
    expect(result).toMatchObject({ ok: false, reason: 'aborted' });
    expect(ms).toBeLessThan(MARGIN_MS);
  });
});

describe('rtsp probe against hostile cameras', () => {
  const url = (path: string): string => `rtsp://${LOOPBACK}:${hostilePort}${path}`;

  it('gives up on a reply that drips for ever', async () => {
    const { result, ms } = await timed(checkRtsp(target(url('/drip')), ctx()));
    expect(result).toMatchObject({ ok: false, reason: 'timeout', reached: true });
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  });

  it('cuts off an endless reply at the size cap', async () => {
    const { result, ms } = await timed(checkRtsp(target(url('/endless')), { ...ctx(), maxResponseBytes: 64 * 1024 }));
    expect(result).toMatchObject({ ok: false, reason: 'too_large', reached: true });
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  });

  it('refuses a reply that declares a 50 MB body', async () => {
    expect(await checkRtsp(target(url('/huge')), ctx())).toMatchObject({ ok: false, reason: 'too_large', reached: true });
  });

  it('fails binary garbage as a bad response', async () => {
    expect(await checkRtsp(target(url('/garbage')), ctx())).toMatchObject({ ok: false, reason: 'bad_response', reached: true });
  });

  it("keeps each camera's half-read reply its own while other cameras' replies are read", async () => {
    // Plain connections all read into one buffer; a reply cut in two must not take in the bytes
    // another camera's read left there in between.
    const codecs = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? 'H264' : 'H265'));
    const results = await Promise.all(codecs.map((codec) => checkRtsp(target(url(`/halves/${codec}`), null), ctx())));
    expect(results.map((r) => r.detail?.videoCodec)).toEqual(codecs);
    for (const r of results) expect(r).toMatchObject({ ok: true, detail: { hasVideo: true } });
  });

  it('reads a reply over rtsps that arrives in two pieces', async () => {
    // TLS sockets read as a stream, not into the plain connections' shared buffer.
    const dir = mkdtempSync(join(tmpdir(), 'pantau-rtsps-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=camera', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const port = await hostileServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) });
      const results = await Promise.all(['H265', 'H264'].map((codec) => checkRtsp(target(`rtsps://${LOOPBACK}:${port}/halves/${codec}`, null), ctx())));
      expect(results.map((r) => r.detail?.videoCodec)).toEqual(['H265', 'H264']);
      for (const r of results) expect(r).toMatchObject({ ok: true, reached: true, detail: { hasVideo: true } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reconnects to a camera that hangs up after its 401', async () => {
    const r = await checkRtsp(target(url('/hangup')), ctx());
    expect(r).toMatchObject({ ok: true, detail: { hasVideo: true, videoCodec: 'H264' } });
  });
});

const gstMissing = gstRtspUnavailableReason();
describe.skipIf(gstMissing !== '')(`rtsp probe against GStreamer's RTSP server${gstMissing ? ` (skipped: ${gstMissing})` : ''}`, () => {
  let camera: RtspCameraSimulator;
  beforeAll(async () => {
    camera = new RtspCameraSimulator({ username: USER, password: PASS });
    await camera.start();
    cleanups.push(() => camera.stop());
  });

  it('passes with Digest credentials and sees H.264 video', async () => {
    const r = await checkRtsp(target(camera.url), ctx());
    expect(r).toMatchObject({ ok: true, detail: { hasVideo: true, videoCodec: 'H264', statusCode: 200 } });
  });

  it('reports a wrong password as auth_failed', async () => {
    expect(await checkRtsp(target(camera.url, 'nope'), ctx())).toMatchObject({ ok: false, reason: 'auth_failed', reached: true });
  });
});
