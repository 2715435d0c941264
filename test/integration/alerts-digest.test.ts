/** The weekly digest reaches the agency's head (and admins) with the cameras dark for days; escalations go to heads. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeHttpServer } from '../support/fake-http.js';
import { signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

let pantau: TestPantau;
let hook: FakeHttpServer;

beforeAll(async () => {
  hook = await new FakeHttpServer().start();
  pantau = await startTestPantau();
});
afterAll(async () => {
  await pantau.stop();
  await hook.stop();
});

describe('weekly digest', () => {
  it('tells the agency head which cameras are dark, once per day however often it runs', async () => {
    const { admin, make } = await signedInClients(pantau);
    const head = await make('kadis-kominfo', 'viewer', [{ scope: 'agency', value: 'Diskominfo' }]);
    await admin.patch(`/api/users/${head.id}`, { headOf: ['Diskominfo'] });
    await head.client.post('/api/contacts', { channel: 'webhook', address: `${hook.origin}/digest` });
    const cam = (await admin.post('/api/cameras', { name: 'CCTV Alun-alun', site: 'Alun-alun', agency: 'Diskominfo', rtspUrl: 'rtsp://127.0.0.1:9/x', checkIntervalSec: 3600, innovation: { name: 'Alun-alun Aman' } })).body;
    for (let i = 0; i < 2; i++) pantau.monitor.record({ cameraId: cam.id, at: Date.now(), layers: { tcp: { ok: false, reached: false } } }, 'liveness');

    expect(pantau.alerting.digest.send()).toBe(1);
    expect(pantau.alerting.digest.send()).toBe(0);
    await hook.waitFor(1, 10_000);
    const body = JSON.parse(hook.single().body.toString());
    expect(body.event).toBe('digest');
    const lines = (body.digest as string[]).join('\n');
    expect(lines).toContain('Diskominfo: 1 kamera');
    expect(lines).toContain('CCTV Alun-alun (Alun-alun): down');
  });
});
