/**
 * Issue 12, finding 3: an owner repointed its cameras at its own listeners and captured the
 * passwords an admin stored, for ONVIF, RTSP and the snapshot, because a PATCH that moved an
 * endpoint kept its credentials and streams borrowed the ONVIF password wherever they pointed.
 * Replays it with the real registry (through the API) and the real prober: after the owner's
 * PATCH, no stored password reaches the new listeners, neither in clear (Basic) nor in a form
 * derived from it (Digest, WS-Security): no Authorization header at all, no valid ONVIF token.
 * A control run with the password given for the listener shows the listeners would see it.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { Prober } from '../../src/services/prober.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { closedPort } from '../support/fake-smtp.js';
import { LOOPBACK, OnvifDeviceSimulator } from '../support/index.js';
import { signedInClients, startTestPantau, type Client, type TestPantau } from '../support/pantau.js';

const SECRET = 'credential-theft-test-secret-0123456789';
const ONVIF_PASSWORD = 'onvif-Adm1n-Rahasia';
const RTSP_PASSWORD = 'rtsp-Adm1n-Rahasia';
const SNAP_PASSWORD = 'snap-Adm1n-Rahasia';
/** Operations an ONVIF client may call without signing (the simulator checks the rest). */
const PRE_AUTH = new Set(['GetSystemDateAndTime', 'GetCapabilities', 'GetServices', 'GetWsdlUrl', 'GetEndpointReference']);

/** An RTSP listener that challenges every request for Basic and keeps what it was sent. */
class RtspTrap {
  readonly requests: string[] = [];
  private readonly server = net.createServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        this.requests.push(head);
        const cseq = /^CSeq:\s*(\d+)/im.exec(head)?.[1] ?? '1';
        socket.write(`RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Basic realm="IP Camera"\r\n\r\n`);
      }
    });
    socket.on('error', () => undefined);
  });
  port = 0;
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, LOOPBACK, resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A listener's view: did any stored password, or anything computed from one, arrive? */
interface Traps {
  onvif: OnvifDeviceSimulator;
  rtsp: RtspTrap;
  snapshot: FakeHttpServer;
}

async function traps(onvifPassword: string): Promise<Traps> {
  // The ONVIF trap accepts exactly the stolen password: a token it verifies was derived from it.
  const onvif = new OnvifDeviceSimulator({ username: 'admin', password: onvifPassword });
  await onvif.start();
  const rtsp = await new RtspTrap().start();
  const snapshot = await new FakeHttpServer({ status: 401, headers: { 'www-authenticate': 'Basic realm="IP Camera"' } }).start();
  return { onvif, rtsp, snapshot };
}

function signedOnvifRequests(t: Traps): number {
  const signed = Object.entries(t.onvif.requests).filter(([op]) => !PRE_AUTH.has(op)).reduce((n, [, count]) => n + count, 0);
  return signed - t.onvif.authFailures.length;
}
const rtspAuthorizations = (t: Traps) => t.rtsp.requests.filter((r) => /^authorization:/im.test(r));
const snapshotAuthorizations = (t: Traps) => t.snapshot.requests.filter((r) => r.headers.authorization !== undefined);

let pantau: TestPantau;
let admin: Client;
let owner: Client;
let ownerId: string;
let prober: Prober;
const stops: Array<() => Promise<void>> = [];

/** One liveness round and one image round of the stored camera, as the scheduler would run them. */
async function probe(id: string): Promise<void> {
  const camera = pantau.store.cameras.get(id)!;
  const signal = new AbortController().signal;
  await prober.liveness(camera, signal);
  await prober.image(camera, signal);
}

async function adminCamera(name: string, body: Record<string, unknown>): Promise<string> {
  const res = await admin.post('/api/cameras', { name, site: 'Kantor Bupati', agency: 'Diskominfo', owners: [ownerId], checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, ...body });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  pantau = await startTestPantau({ secret: SECRET });
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  const o = await clients.make('pemilik', 'owner');
  owner = o.client;
  ownerId = o.id;
  prober = new Prober({ box: SecretBox.fromSecret(SECRET), log: createLogger('silent'), livenessTimeoutMs: 2000, imageTimeoutMs: 3000 });
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await pantau?.stop();
});

async function newTraps(onvifPassword = ONVIF_PASSWORD): Promise<Traps> {
  const t = await traps(onvifPassword);
  stops.push(() => t.onvif.stop(), () => t.rtsp.stop(), () => t.snapshot.stop());
  return t;
}

describe('an owner repoints an admin’s camera at its own listeners', () => {
  it('sends no stored password to the new ONVIF, RTSP and snapshot addresses', async () => {
    const id = await adminCamera('Gerbang', {
      onvif: { host: LOOPBACK, port: await closedPort(), username: 'admin', password: ONVIF_PASSWORD },
      rtspUrl: `rtsp://admin:${RTSP_PASSWORD}@${LOOPBACK}:${await closedPort()}/Streaming/Channels/101`,
      snapshotUrl: `http://${LOOPBACK}:${await closedPort()}/ISAPI/Streaming/channels/101/picture`,
      snapshotAuth: { username: 'admin', password: SNAP_PASSWORD },
    });
    const t = await newTraps();
    const res = await owner.patch(`/api/cameras/${id}`, {
      // The attacker even names the account: only the password is what it wants.
      onvif: { host: LOOPBACK, port: t.onvif.port, username: 'admin' },
      rtspUrl: `rtsp://${LOOPBACK}:${t.rtsp.port}/Streaming/Channels/101`,
      snapshotUrl: `${t.snapshot.origin}/snap.jpg`,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.onvif.hasPassword).toBe(false);
    expect(res.body.rtspAuth).toBeNull();
    expect(res.body.snapshotAuth).toBeNull();

    await probe(id);
    expect(t.rtsp.requests.length, 'the RTSP trap was asked').toBeGreaterThan(0);
    expect(t.snapshot.requests.length, 'the snapshot trap was asked').toBeGreaterThan(0);
    expect(t.onvif.requests.GetSystemDateAndTime, 'the ONVIF trap was asked').toBeGreaterThan(0);
    expect(rtspAuthorizations(t)).toEqual([]);
    expect(snapshotAuthorizations(t)).toEqual([]);
    expect(signedOnvifRequests(t)).toBe(0);
  });

  it('does not lend the ONVIF password to a stream or snapshot moved to another host', async () => {
    // The device's own account, used for its streams on the same host (no credentials of their own).
    const id = await adminCamera('Parkir', {
      onvif: { host: 'localhost', port: await closedPort(), username: 'admin', password: ONVIF_PASSWORD },
      rtspUrl: `rtsp://localhost:${await closedPort()}/Streaming/Channels/101`,
      snapshotUrl: `http://localhost:${await closedPort()}/snap.jpg`,
    });
    const t = await newTraps();
    const res = await owner.patch(`/api/cameras/${id}`, {
      rtspUrl: `rtsp://${LOOPBACK}:${t.rtsp.port}/Streaming/Channels/101`,
      snapshotUrl: `${t.snapshot.origin}/snap.jpg`,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.onvif.hasPassword).toBe(true);

    await probe(id);
    expect(t.rtsp.requests.length).toBeGreaterThan(0);
    expect(t.snapshot.requests.length).toBeGreaterThan(0);
    expect(rtspAuthorizations(t)).toEqual([]);
    expect(snapshotAuthorizations(t)).toEqual([]);
  });

  it('drops the password when only the port or the scheme changes', async () => {
    const id = await adminCamera('Lobi', {
      rtspUrl: `rtsp://admin:${RTSP_PASSWORD}@${LOOPBACK}:554/live`,
      snapshotUrl: `https://${LOOPBACK}/snap.jpg`,
      snapshotAuth: { username: 'admin', password: SNAP_PASSWORD },
    });
    const moved = await owner.patch(`/api/cameras/${id}`, { rtspUrl: `rtsp://${LOOPBACK}:8554/live`, snapshotUrl: `http://${LOOPBACK}/snap.jpg` });
    expect(moved.body.rtspAuth).toBeNull();
    expect(moved.body.snapshotAuth).toBeNull();
    // The same address with the default port written out is the same endpoint: nothing is lost.
    const id2 = await adminCamera('Lobi 2', { rtspUrl: `rtsp://admin:${RTSP_PASSWORD}@${LOOPBACK}/live` });
    const same = await owner.patch(`/api/cameras/${id2}`, { rtspUrl: `rtsp://${LOOPBACK}:554/live2` });
    expect(same.body.rtspAuth).toEqual({ username: 'admin', hasPassword: true });
  });

  it('control: a password given for the listener does reach it, so the traps would catch a leak', async () => {
    const t = await newTraps();
    const id = await adminCamera('Kontrol', {
      onvif: { host: LOOPBACK, port: t.onvif.port, username: 'admin', password: ONVIF_PASSWORD },
      rtspUrl: `rtsp://admin:${RTSP_PASSWORD}@${LOOPBACK}:${t.rtsp.port}/Streaming/Channels/101`,
      snapshotUrl: `${t.snapshot.origin}/snap.jpg`,
      snapshotAuth: { username: 'admin', password: SNAP_PASSWORD },
    });
    await probe(id);
    expect(rtspAuthorizations(t).join()).toContain(`Basic ${Buffer.from(`admin:${RTSP_PASSWORD}`).toString('base64')}`);
    expect(snapshotAuthorizations(t).map((r) => r.headers.authorization)).toContain(`Basic ${Buffer.from(`admin:${SNAP_PASSWORD}`).toString('base64')}`);
    expect(signedOnvifRequests(t)).toBeGreaterThan(0);
  });
});
