/**
 * Cameras for the image-check benchmark, in a process of their own so that drawing and
 * serving pictures is not counted as Pantau's CPU: an HttpSnapshotSimulator (a fresh 320×240
 * JPEG per request, as the tests use) and one fleet camera serving 1920×1080 snapshots (the
 * size real cameras send). Sends `ready` {simulatorUrl, fullHdUrl}; stops on `stop`.
 */
import { HttpSnapshotSimulator } from '../../test/support/index.js';
import { Fleet } from './fleet-sim.js';

const simulator = new HttpSnapshotSimulator();
const fleet = new Fleet({ cameras: 1, net: `127.${200 + Math.floor(Math.random() * 50)}`, frameWidth: 1920, frameHeight: 1080 });
await simulator.start();
await fleet.start();
process.send?.({ type: 'ready', simulatorUrl: simulator.url, fullHdUrl: fleet.cameras[0]!.snapshotUrl });
const stop = async () => {
  await simulator.stop();
  await fleet.stop();
  process.exit(0);
};
process.on('message', (m: { type?: string }) => m.type === 'stop' && void stop());
process.once('disconnect', () => void stop());
