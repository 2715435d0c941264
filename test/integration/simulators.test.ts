import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import onvif from 'onvif';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authorizationFor } from '../../src/protocols/http-auth.js';
import {
  changedPixels,
  decode,
  ffmpegUnavailableReason,
  grabFrame,
  gstRtspUnavailableReason,
  HttpSnapshotSimulator,
  meanLuma,
  OnvifDeviceSimulator,
  RtspCameraSimulator,
  RtspResponderSimulator,
} from '../support/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
async function started<T extends { start(): Promise<void>; stop(): Promise<void> }>(sim: T): Promise<T> {
  await sim.start();
  cleanups.push(() => sim.stop());
  return sim;
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const mediaSkip = gstRtspUnavailableReason() || ffmpegUnavailableReason();
if (mediaSkip) console.warn(`Skipping GStreamer RTSP camera tests: ${mediaSkip}`);

describe.skipIf(mediaSkip !== '')('RtspCameraSimulator (GStreamer) with real ffmpeg', () => {
  const cam = new RtspCameraSimulator();
  beforeAll(() => cam.start());
  afterAll(() => cam.stop());

  it('serves decodable 320x240 H.264 over TCP and UDP', async () => {
    for (const transport of ['tcp', 'udp'] as const) {
      const pic = await decode(await grabFrame(cam.url, transport));
      expect([pic.width, pic.height]).toEqual([320, 240]);
      expect(meanLuma(pic)).toBeGreaterThan(80); // colour bars, not black
    }
  });

  it('live frames differ seconds apart (the clock moves); frozen ones do not; black is dark', async () => {
    await cam.setMode('live');
    const a = await decode(await grabFrame(cam.url));
    await sleep(2_000);
    const b = await decode(await grabFrame(cam.url));
    expect(changedPixels(a, b)).toBeGreaterThan(200);

    await cam.setMode('frozen');
    const f1 = await decode(await grabFrame(cam.url));
    await sleep(2_000);
    const f2 = await decode(await grabFrame(cam.url));
    expect(changedPixels(f1, f2)).toBe(0);

    await cam.setMode('black');
    const black = await decode(await grabFrame(cam.url));
    expect(meanLuma(black)).toBeLessThan(25); // only the on-screen clock is lit
    await cam.setMode('live');
  });

  it('goes down on stop() and comes back on the same port', async () => {
    const port = cam.port;
    await cam.stop();
    await expect(grabFrame(cam.url, 'tcp', 5_000)).rejects.toThrow(/refused|ffmpeg exited/i);
    await cam.start();
    expect(cam.port).toBe(port);
    expect((await decode(await grabFrame(cam.url))).width).toBe(320);
  });

  it.each(['digest', 'basic'] as const)('asks for %s credentials when configured', async (auth) => {
    const locked = await started(new RtspCameraSimulator({ username: 'admin', password: 's3cret', auth }));
    await expect(grabFrame(locked.url, 'tcp', 8_000)).rejects.toThrow(/401|Unauthorized/);
    expect((await decode(await grabFrame(locked.urlWithCredentials))).height).toBe(240);
  });
});

/** Sends one RTSP request and reads one whole response. */
function rtsp(port: number, method: string, url: string, cseq: number, extra: string[] = [], timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('no answer'));
    }, timeoutMs);
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      const length = Number(/content-length:\s*(\d+)/i.exec(buf)?.[1] ?? 0);
      if (end >= 0 && buf.length >= end + 4 + length) {
        clearTimeout(timer);
        s.destroy();
        resolve(buf);
      }
    });
    s.write([`${method} ${url} RTSP/1.0`, `CSeq: ${cseq}`, 'User-Agent: pantau-test', ...extra, '', ''].join('\r\n'));
  });
}

describe('RtspResponderSimulator', () => {
  it('answers OPTIONS, and DESCRIBE with an H.264 SDP after Digest auth', async () => {
    const sim = await started(new RtspResponderSimulator({ username: 'admin', password: 'pw' }));
    expect(await rtsp(sim.port, 'OPTIONS', sim.url, 1)).toMatch(/^RTSP\/1\.0 200 OK\r\nCSeq: 1\r\n[\s\S]*Public: .*DESCRIBE/);
    const challenge = await rtsp(sim.port, 'DESCRIBE', sim.url, 2, ['Accept: application/sdp']);
    expect(challenge).toMatch(/^RTSP\/1\.0 401 Unauthorized/);
    const www = [...challenge.matchAll(/WWW-Authenticate: (.*)\r\n/g)].map((m) => m[1] ?? '');
    const authorization = authorizationFor(www, { username: 'admin', password: 'pw' }, { method: 'DESCRIBE', uri: sim.url });
    const ok = await rtsp(sim.port, 'DESCRIBE', sim.url, 3, [`Authorization: ${authorization}`]);
    expect(ok).toMatch(/^RTSP\/1\.0 200 OK/);
    expect(ok).toMatch(/Content-Type: application\/sdp/);
    expect(ok).toMatch(/m=video 0 RTP\/AVP 96\r\n[\s\S]*a=rtpmap:96 H264\/90000/);
    const wrong = authorizationFor(www, { username: 'admin', password: 'nope' }, { method: 'DESCRIBE', uri: sim.url });
    expect(await rtsp(sim.port, 'DESCRIBE', sim.url, 4, [`Authorization: ${wrong}`])).toMatch(/^RTSP\/1\.0 401/);
  });

  it('switches modes: no-video, bad-sdp, silent, refuse, and back on the same port', async () => {
    const sim = await started(new RtspResponderSimulator());
    const port = sim.port;
    await sim.setMode('no-video');
    const noVideo = await rtsp(port, 'DESCRIBE', sim.url, 1);
    expect(noVideo).toMatch(/m=audio/);
    expect(noVideo).not.toMatch(/m=video/);
    await sim.setMode('bad-sdp');
    expect(await rtsp(port, 'DESCRIBE', sim.url, 2)).not.toMatch(/\r\nv=0/);
    await sim.setMode('silent');
    await expect(rtsp(port, 'OPTIONS', sim.url, 3, [], 500)).rejects.toThrow('no answer');
    await sim.setMode('refuse');
    await expect(rtsp(port, 'OPTIONS', sim.url, 4)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await sim.setMode('ok');
    expect(sim.port).toBe(port);
    expect(await rtsp(port, 'DESCRIBE', sim.url, 5)).toMatch(/m=video/);
  });

  it('is cheap: 200 cameras in one process all answer', async () => {
    const fleet = await Promise.all(Array.from({ length: 200 }, () => started(new RtspResponderSimulator())));
    const answers = await Promise.all(fleet.map((s, i) => rtsp(s.port, 'OPTIONS', s.url, i)));
    expect(answers.filter((a) => a.startsWith('RTSP/1.0 200 OK')).length).toBe(200);
  });
});

describe('HttpSnapshotSimulator', () => {
  it('serves a new 320x240 JPEG per request: live differs, frozen repeats, black is dark', async () => {
    const sim = await started(new HttpSnapshotSimulator());
    const get = async (): Promise<Buffer> => {
      const res = await fetch(sim.url);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      return Buffer.from(await res.arrayBuffer());
    };
    const a = await get();
    expect(await sharp(a).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    await sleep(1_100);
    expect(changedPixels(await decode(a), await decode(await get()))).toBeGreaterThan(100);
    await sim.setMode('frozen');
    const f1 = await get();
    await sleep(1_100);
    expect((await get()).equals(f1)).toBe(true);
    await sim.setMode('black');
    expect(meanLuma(await decode(await get()))).toBeLessThan(25);
  });

  it('misbehaves on demand: garbage, huge, slow, down and back', async () => {
    const sim = await started(new HttpSnapshotSimulator({ hugeBytes: 8 * 1024 * 1024, dripIntervalMs: 50 }));
    await sim.setMode('garbage');
    await expect(sharp(Buffer.from(await (await fetch(sim.url)).arrayBuffer())).metadata()).rejects.toThrow();
    await sim.setMode('huge');
    const huge = await fetch(sim.url);
    expect(Number(huge.headers.get('content-length'))).toBe(8 * 1024 * 1024);
    expect((await huge.arrayBuffer()).byteLength).toBe(8 * 1024 * 1024);
    await sim.setMode('slow');
    const ac = new AbortController();
    const slow = await fetch(sim.url, { signal: ac.signal });
    const length = Number(slow.headers.get('content-length'));
    const reader = slow.body?.getReader();
    let received = 0;
    const until = Date.now() + 300;
    while (Date.now() < until) {
      const chunk = await Promise.race([reader?.read(), sleep(until - Date.now()).then(() => undefined)]);
      received += chunk?.value?.length ?? 0;
    }
    expect(length).toBeGreaterThan(1_000); // a whole JPEG is promised...
    expect(received).toBeGreaterThan(0); // ...and it starts...
    expect(received).toBeLessThan(200); // ...but comes 16 bytes per 50 ms
    ac.abort();
    const port = sim.port;
    await sim.setMode('down');
    await expect(fetch(sim.url)).rejects.toThrow();
    await sim.setMode('live');
    expect(sim.port).toBe(port);
    expect((await fetch(sim.url)).status).toBe(200);
  });

  it.each([
    { auth: 'basic' as const, algorithm: 'MD5' as const },
    { auth: 'digest' as const, algorithm: 'MD5' as const },
    { auth: 'digest' as const, algorithm: 'SHA-256' as const },
  ])('requires $auth auth ($algorithm) with a proper 401', async ({ auth, algorithm }) => {
    const sim = await started(new HttpSnapshotSimulator({ username: 'viewer', password: 'pa:ss', auth, algorithm }));
    const denied = await fetch(sim.url);
    expect(denied.status).toBe(401);
    const www = denied.headers.get('www-authenticate') ?? '';
    expect(www).toMatch(auth === 'basic' ? /^Basic realm="/ : new RegExp(`^Digest .*qop="auth"`));
    if (algorithm === 'SHA-256') expect(www).toContain('algorithm=SHA-256');
    const req = { method: 'GET', uri: '/snapshot.jpg' };
    const good = authorizationFor(www, { username: 'viewer', password: 'pa:ss' }, req) ?? '';
    const ok = await fetch(sim.url, { headers: { Authorization: good } });
    expect(ok.status).toBe(200);
    expect((await sharp(Buffer.from(await ok.arrayBuffer())).metadata()).format).toBe('jpeg');
    const bad = authorizationFor(www, { username: 'viewer', password: 'wrong' }, req) ?? '';
    expect((await fetch(sim.url, { headers: { Authorization: bad } })).status).toBe(401);
  });
});

/** A signed SOAP request built here, independently of the onvif package. */
function soap(body: string, user?: string, password?: string, created = new Date().toISOString()): string {
  let header = '';
  if (user !== undefined && password !== undefined) {
    const nonce = randomBytes(16);
    const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)])).digest('base64');
    header =
      '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ' +
      'xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsse:UsernameToken>' +
      `<wsse:Username>${user}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</wsse:Password>` +
      `<wsse:Nonce>${nonce.toString('base64')}</wsse:Nonce><wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`;
  }
  return `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

describe('OnvifDeviceSimulator', () => {
  const info = '<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/>';
  const post = (sim: OnvifDeviceSimulator, xml: string): Promise<Response> =>
    fetch(sim.url, { method: 'POST', headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' }, body: xml });

  it('checks WS-Security: right password passes, wrong or missing gets a SOAP 1.2 NotAuthorized fault (HTTP 400)', async () => {
    const sim = await started(new OnvifDeviceSimulator({ vendor: 'dahua', username: 'admin', password: 'pw' }));
    const ok = await post(sim, soap(info, 'admin', 'pw'));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/<tds:Manufacturer>Dahua<\/tds:Manufacturer>/);
    for (const xml of [soap(info, 'admin', 'wrong'), soap(info)]) {
      const res = await post(sim, xml);
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).toMatch(/<s:Value>s:Sender<\/s:Value><s:Subcode><s:Value>ter:NotAuthorized<\/s:Value>/);
      expect(text).toContain('xmlns:s="http://www.w3.org/2003/05/soap-envelope"');
    }
    const stale = await post(sim, soap(info, 'admin', 'pw', new Date(Date.now() - 60_000).toISOString()));
    expect(stale.status).toBe(400);
    expect(sim.authFailures).toEqual(['bad-password', 'missing', 'stale']);
    const time = await post(sim, soap('<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>'));
    expect(time.status).toBe(200); // pre-auth, as ONVIF requires
  });

  it('faults the way the onvif package recognises', async () => {
    const sim = await started(new OnvifDeviceSimulator({ username: 'admin', password: 'pw' }));
    const cam = new onvif.Cam({ hostname: '127.0.0.1', port: sim.port, username: 'admin', password: 'bad', autoconnect: false, timeout: 2_000 });
    cam.timeShift = Date.now() - process.uptime() * 1000;
    const err = await new Promise<Error | null>((resolve) => cam.getDeviceInformation((e) => resolve(e)));
    expect(err?.message).toBe('ONVIF SOAP Fault: Sender not AuthorizedThe action requested requires authorization and the sender is not authorized');
  });

  it('points stream and snapshot URIs wherever it is told, e.g. at other simulators', async () => {
    const rtspSim = await started(new RtspResponderSimulator());
    const snap = await started(new HttpSnapshotSimulator());
    const sim = await started(
      new OnvifDeviceSimulator({ rtspPort: rtspSim.port, rtspPath: rtspSim.path, snapshotPort: snap.port, snapshotPath: snap.path }),
    );
    const uri = async (op: string): Promise<string> => {
      const xml = await (await post(sim, soap(`<${op} xmlns="http://www.onvif.org/ver10/media/wsdl"><ProfileToken>Profile_1</ProfileToken></${op}>`))).text();
      return /<tt:Uri>([^<]*)<\/tt:Uri>/.exec(xml)?.[1] ?? '';
    };
    expect(await uri('GetStreamUri')).toBe(rtspSim.url);
    expect(await uri('GetSnapshotUri')).toBe(snap.url);
    expect(await rtsp(rtspSim.port, 'DESCRIBE', await uri('GetStreamUri'), 1)).toMatch(/m=video/);
    expect((await fetch(await uri('GetSnapshotUri'))).status).toBe(200);
  });
});
