/**
 * The set-up several phone tests share: a simulated HTTP snapshot camera, a Pantau with quick
 * probes, an admin client, one viewer of the camera's agency, the camera, and a phone.
 */
import { expect } from 'vitest';
import { HttpSnapshotSimulator } from '../support/index.js';
import { signedInClients, startTestPantau, type Client, type TestPantau } from '../support/pantau.js';
import { buildDashboard, launchPhone, type Phone } from './browser.js';

export interface SnapshotPhone {
  pantau: TestPantau;
  camera: HttpSnapshotSimulator;
  admin: Client;
  phone: Phone;
  /** The camera's id in Pantau. */
  id: string;
  stop(): Promise<void>;
}

/** `viewer` gets a grant on agency Diskominfo (at `level`, or the default); `camera` is the camera to add, in that agency. */
export async function startSnapshotPhone(viewer: { username: string; level?: 'pictures' | 'live' }, camera: { name: string; site: string; checkIntervalSec: number; imageCheckIntervalSec: number }): Promise<SnapshotPhone> {
  await buildDashboard();
  const sim = new HttpSnapshotSimulator();
  await sim.start();
  const pantau = await startTestPantau({ probes: { livenessTimeoutMs: 2000, imageTimeoutMs: 8000 } });
  const clients = await signedInClients(pantau);
  await clients.make(viewer.username, 'viewer', [{ scope: 'agency', value: 'Diskominfo', ...(viewer.level ? { level: viewer.level } : {}) }]);
  const res = await clients.admin.post('/api/cameras', { ...camera, agency: 'Diskominfo', snapshotUrl: sim.url });
  expect(res.status, res.text).toBe(201);
  const phone = await launchPhone(new URL(pantau.url).origin);
  return {
    pantau,
    camera: sim,
    admin: clients.admin,
    phone,
    id: res.body.id as string,
    async stop() {
      await phone.close();
      await pantau.stop();
      await sim.stop();
    },
  };
}
