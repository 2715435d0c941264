/** The ONVIF liveness probe against the ONVIF device simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOnvif } from '../../src/probes/index.js';
import { OnvifDeviceSimulator } from '../support/index.js';

const PASS = 'Onvif#Probe1';
const devices: OnvifDeviceSimulator[] = [];
async function device(opts: ConstructorParameters<typeof OnvifDeviceSimulator>[0]) {
  const d = new OnvifDeviceSimulator({ username: 'admin', password: PASS, ...opts });
  await d.start();
  devices.push(d);
  return d;
}
const ctx = (deadlineMs = 3000) => ({ signal: new AbortController().signal, deadlineMs });
const target = (port: number, password = PASS) => ({ cameraId: 'c1', onvif: { host: '127.0.0.1', port, username: 'admin', password } });

let ok: OnvifDeviceSimulator;
let skewed: OnvifDeviceSimulator;
beforeAll(async () => {
  ok = await device({ vendor: 'hikvision' });
  skewed = await device({ vendor: 'dahua', clockOffsetMs: 90_000 });
});
afterAll(() => Promise.all(devices.map((d) => d.stop())));

describe('onvif probe', () => {
  it('passes with the device clock offset, model and firmware', async () => {
    const r = await checkOnvif(target(ok.port), ctx());
    expect(r.ok).toBe(true);
    expect(Math.abs(r.detail!.clockOffsetMs!)).toBeLessThan(1500);
    expect(r.detail!.model).toBe('DS-2CD2143G2-I');
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('signs with the device clock, so a camera 90 s ahead still accepts the login', async () => {
    const r = await checkOnvif(target(skewed.port), ctx());
    expect(r.ok).toBe(true);
    expect(Math.abs(r.detail!.clockOffsetMs! - 90_000)).toBeLessThan(1500);
  });

  it('reads the clock afresh each round: a camera whose clock was reset is still signed in', async () => {
    const moving = await device({ vendor: 'hikvision', clockOffsetMs: 0 });
    expect((await checkOnvif(target(moving.port), ctx())).ok).toBe(true);
    moving.configure({ clockOffsetMs: -3_600_000 });
    const r = await checkOnvif(target(moving.port), ctx());
    expect(r.ok).toBe(true);
    expect(Math.abs(r.detail!.clockOffsetMs! + 3_600_000)).toBeLessThan(1500);
  });

  it('reports a refused login as auth_failed, reached', async () => {
    const r = await checkOnvif(target(ok.port, 'salah'), ctx());
    expect(r).toMatchObject({ ok: false, reason: 'auth_failed', reached: true });
    expect(JSON.stringify(r)).not.toContain(PASS);
  });

  it('reports a closed port as unreachable, and a hung device as a timeout within the deadline', async () => {
    expect(await checkOnvif(target(1), ctx())).toMatchObject({ ok: false, reason: 'unreachable', reached: false });
    const hung = await device({ hang: true });
    const started = Date.now();
    const r = await checkOnvif(target(hung.port), ctx(1000));
    expect(r).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
