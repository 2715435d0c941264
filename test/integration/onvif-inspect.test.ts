import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  discoverOnvifDevices,
  inspectOnvifDevice,
  OnvifError,
  readOnvifClock,
  type OnvifErrorCode,
} from '../../src/protocols/onvif/index.js';
import { OnvifDeviceSimulator, RtspResponderSimulator, type OnvifDeviceOptions } from '../support/index.js';

const USER = 'admin';
const PASS = 'Pantau#2024';
const LAN = '192.168.1.64';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function device(opts: OnvifDeviceOptions = {}): Promise<OnvifDeviceSimulator> {
  const sim = new OnvifDeviceSimulator({ username: USER, password: PASS, ...opts });
  await sim.start();
  cleanups.push(() => sim.stop());
  return sim;
}

function creds(port: number, password = PASS): { host: string; port: number; username: string; password: string } {
  return { host: '127.0.0.1', port, username: USER, password };
}

async function failure(p: Promise<unknown>): Promise<OnvifError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OnvifError) return err;
    throw err;
  }
  throw new Error('expected an OnvifError, got a report');
}

async function expectCode(p: Promise<unknown>, code: OnvifErrorCode): Promise<OnvifError> {
  const err = await failure(p);
  expect(err.code, err.message).toBe(code);
  expect(err.message).not.toContain(PASS);
  return err;
}

describe.each([
  {
    vendor: 'hikvision' as const,
    manufacturer: 'HIKVISION',
    model: 'DS-2CD2143G2-I',
    firmwareVersion: 'V5.7.3 build 220112',
    hardwareId: '88',
    tokens: ['Profile_1', 'Profile_2'],
    main: { name: 'mainStream', width: 2560, height: 1440 },
    rtspPath: '/Streaming/Channels/101?transportmode=unicast&profile=Profile_1',
    snapshotPath: '/onvif-http/snapshot?Profile_1',
  },
  {
    vendor: 'dahua' as const,
    manufacturer: 'Dahua',
    model: 'IPC-HDW2431T-AS-S2',
    firmwareVersion: '2.800.0000000.28.R, Build Date 2021-09-15',
    // The package's own parsing would turn this into the number 1.
    hardwareId: '1.00',
    // The metadata-only profile has no video and is left out.
    tokens: ['MediaProfile00000', 'MediaProfile00001'],
    main: { name: 'MediaProfile_Channel1_MainStream', width: 2688, height: 1520 },
    rtspPath: '/cam/realmonitor?channel=1&subtype=0&unicast=true&proto=Onvif',
    snapshotPath: '/onvifsnapshot/media_service/snapshot?channel=1&subtype=0',
  },
])('inspectOnvifDevice against a $vendor device', (v) => {
  it('reports identity, clock offset and profiles with URLs rewritten to the given host', async () => {
    const sim = await device({ vendor: v.vendor, lanAddress: LAN, clockOffsetMs: 90_000, rtspPort: 554, snapshotPort: 80 });
    const report = await inspectOnvifDevice(creds(sim.port), { timeoutMs: 5_000 });

    expect(report).toMatchObject({
      manufacturer: v.manufacturer,
      model: v.model,
      firmwareVersion: v.firmwareVersion,
      serialNumber: sim.vendor === 'hikvision' ? 'DS-2CD2143G2-I20220315AAWRJ45678901' : '7J0A8B2PAZ12345',
      hardwareId: v.hardwareId,
    });
    expect(report.clockOffsetMs).not.toBeNull();
    expect(Math.abs((report.clockOffsetMs ?? 0) - 90_000)).toBeLessThan(1_500);
    expect(report.profiles.map((p) => p.token)).toEqual(v.tokens);
    expect(report.profiles[0]).toEqual({
      token: v.tokens[0],
      ...v.main,
      encoding: 'H264',
      rtspUrl: `rtsp://127.0.0.1:554${v.rtspPath}`,
      snapshotUrl: `http://127.0.0.1${v.snapshotPath}`,
    });
    const text = JSON.stringify(report);
    expect(text).not.toContain(LAN);
    expect(text).not.toContain(PASS);
    expect(text).not.toContain(`${USER}:`);
    // The device signed every call with its own clock: no refusals along the way.
    expect(sim.authFailures).toEqual([]);
  });

  it('says wrong credentials when the password is wrong', async () => {
    const sim = await device({ vendor: v.vendor });
    const err = await expectCode(inspectOnvifDevice(creds(sim.port, 'wrong'), { timeoutMs: 5_000 }), 'unauthorized');
    expect(err.message).toMatch(/username or password/);
    expect(sim.authFailures).toEqual(['bad-password']); // one try only: cameras lock accounts out
  });
});

describe('inspectOnvifDevice failures', () => {
  it('unreachable: nothing listens on the port', async () => {
    const port = await closedPort();
    const err = await expectCode(inspectOnvifDevice(creds(port), { timeoutMs: 3_000 }), 'unreachable');
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });

  it('not_onvif: a plain web server answering HTML', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!DOCTYPE html><html><body>Router login</body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const port = (server.address() as net.AddressInfo).port;
    await expectCode(inspectOnvifDevice(creds(port), { timeoutMs: 3_000 }), 'not_onvif');
  });

  it('not_onvif: an RTSP server on the port given as ONVIF', async () => {
    const rtsp = new RtspResponderSimulator();
    await rtsp.start();
    cleanups.push(() => rtsp.stop());
    await expectCode(inspectOnvifDevice(creds(rtsp.port), { timeoutMs: 3_000 }), 'not_onvif');
  });

  it('unauthorized: credentials missing for a device that needs them', async () => {
    const sim = await device();
    const err = await expectCode(inspectOnvifDevice({ host: '127.0.0.1', port: sim.port }, { timeoutMs: 5_000 }), 'unauthorized');
    expect(err.message).toMatch(/requires a username and password/);
    expect(sim.authFailures).toEqual(['missing']);
  });

  it('succeeds with a skewed clock and reports the offset (tokens signed with the device clock)', async () => {
    const sim = await device({ clockOffsetMs: -3 * 3_600_000 });
    const report = await inspectOnvifDevice(creds(sim.port), { timeoutMs: 5_000 });
    expect(Math.abs((report.clockOffsetMs ?? 0) + 3 * 3_600_000)).toBeLessThan(1_500);
  });

  it('succeeds via our own clock when the device misreports its time but checks a correct one', async () => {
    const sim = await device({ misreportClockMs: 7 * 3_600_000 });
    const report = await inspectOnvifDevice(creds(sim.port), { timeoutMs: 5_000 });
    expect(report.manufacturer).toBe('HIKVISION');
    expect(Math.abs((report.clockOffsetMs ?? 0) - 7 * 3_600_000)).toBeLessThan(1_500);
    expect(sim.authFailures).toEqual(['stale']);
  });

  it('clock_skew: neither the device clock it reports nor ours is accepted', async () => {
    // Its clock is 2 h fast and it reports local time (UTC+7) as UTC: nothing we can sign with works.
    const sim = await device({ clockOffsetMs: 2 * 3_600_000, misreportClockMs: 7 * 3_600_000 });
    const err = await expectCode(inspectOnvifDevice(creds(sim.port), { timeoutMs: 5_000 }), 'clock_skew');
    expect(err.message).toMatch(/9 h 0 min ahead of ours/);
    expect(sim.authFailures).toEqual(['stale', 'stale']);
  });

  it('works with a device that signs even GetSystemDateAndTime', async () => {
    const sim = await device({ requireAuthForTime: true, clockOffsetMs: 1_000 });
    const report = await inspectOnvifDevice(creds(sim.port), { timeoutMs: 5_000 });
    expect(Math.abs((report.clockOffsetMs ?? 0) - 1_000)).toBeLessThan(1_500);
    const err = await expectCode(inspectOnvifDevice(creds(sim.port, 'nope'), { timeoutMs: 5_000 }), 'unauthorized');
    expect(err.message).toMatch(/would not tell its time/);
  });

  it('no_profiles: the device lists none', async () => {
    const sim = await device({ vendor: 'dahua', noProfiles: true });
    await expectCode(inspectOnvifDevice(creds(sim.port), { timeoutMs: 5_000 }), 'no_profiles');
  });

  it('bad_response: broken XML in GetProfiles', async () => {
    const sim = await device({ brokenXml: ['GetProfiles'] });
    const err = await expectCode(inspectOnvifDevice(creds(sim.port), { timeoutMs: 5_000 }), 'bad_response');
    expect(err.message).toMatch(/GetProfiles/);
  });

  it('bad_response: broken XML from the first reply on', async () => {
    const sim = await device({ brokenXml: true });
    await expectCode(inspectOnvifDevice(creds(sim.port), { timeoutMs: 5_000 }), 'bad_response');
  });

  it.each([['GetSystemDateAndTime'], ['GetProfiles']])('timeout: a device that hangs in %s fails within the deadline', async (op) => {
    const sim = await device({ hang: [op] });
    const started = Date.now();
    const err = await expectCode(inspectOnvifDevice(creds(sim.port), { timeoutMs: 800 }), 'timeout');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(700);
    expect(took).toBeLessThan(2_000);
    expect(err.message).toContain(op);
  });

  it('timeout: a device dripping its reply (never idle long enough for a socket timeout) fails within the deadline', async () => {
    const sim = await device({ drip: ['GetDeviceInformation'] });
    const started = Date.now();
    await expectCode(inspectOnvifDevice(creds(sim.port), { timeoutMs: 1_000 }), 'timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops at once when aborted', async () => {
    const sim = await device({ hang: true });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('admin cancelled')), 100);
    const started = Date.now();
    await expect(inspectOnvifDevice(creds(sim.port), { timeoutMs: 10_000, signal: ac.signal })).rejects.toThrow('admin cancelled');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('readOnvifClock', () => {
  it('reads the device clock offset without credentials', async () => {
    const sim = await device({ clockOffsetMs: -45_000 });
    const reading = await readOnvifClock({ host: '127.0.0.1', port: sim.port }, { timeoutMs: 2_000 });
    expect(Math.abs(reading.clockOffsetMs + 45_000)).toBeLessThan(1_500);
    expect(reading.roundTripMs).toBeLessThan(1_000);
    expect(sim.requests).toEqual({ GetSystemDateAndTime: 1 });
  });
});

describe('discoverOnvifDevices', () => {
  it('finds a device probed by unicast, with its name, hardware and XAddrs', async () => {
    const hik = await device({ lanAddress: LAN });
    const port = await hik.startDiscovery();
    const found = await discoverOnvifDevices({ timeoutMs: 400, target: { address: '127.0.0.1', port } });
    expect(found).toEqual([
      {
        address: '127.0.0.1',
        xaddrs: [`http://${LAN}/onvif/device_service`],
        name: 'HIKVISION DS-2CD2143G2-I',
        hardware: 'DS-2CD2143G2-I',
        scopes: expect.arrayContaining(['onvif://www.onvif.org/Profile/Streaming']) as unknown as string[],
        urn: `urn:uuid:${hik.uuid}`,
      },
    ]);
  });

  it('returns nothing when no device answers, after the timeout', async () => {
    const started = Date.now();
    const found = await discoverOnvifDevices({ timeoutMs: 300, target: { address: '127.0.0.1', port: await closedUdpPort() } });
    expect(found).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function closedUdpPort(): Promise<number> {
  const dgram = await import('node:dgram');
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
