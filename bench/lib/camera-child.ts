/**
 * Cameras for the image-check benchmark, in a process of their own so that drawing and
 * serving pictures is not counted as Pantau's CPU: an HttpSnapshotSimulator (a fresh 320×240
 * JPEG per request, as the tests use), one fleet camera serving 1920×1080 snapshots, and
 * textured snapshots at the sizes cameras send (640×360 to 2560×1440: ffmpeg's testsrc2 with
 * sensor-like noise, JPEG quality 5, two pictures in turn so that none looks frozen; 1080p is
 * ~105 KB, as a camera's). Sends `ready` {simulatorUrl, fullHdUrl, textured: {size: url}};
 * stops on `stop`.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSnapshotSimulator } from '../../test/support/index.js';
import { Fleet } from './fleet-sim.js';

export const TEXTURED_SIZES = ['640x360', '1280x720', '1920x1080', '2560x1440'] as const;

/** One textured JPEG of `size` at `second` of ffmpeg's test pattern (its clock and motion move with it). */
function textured(size: string, second: number): Buffer {
  const source = `testsrc2=size=${size}:rate=1,noise=alls=6:allf=t`;
  return execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', source, '-ss', String(second), '-frames:v', '1', '-q:v', '5', '-f', 'mjpeg', '-'], { maxBuffer: 16 << 20 });
}

const pictures = new Map(TEXTURED_SIZES.map((size) => [`/${size}.jpg`, [textured(size, 0), textured(size, 3)]]));
let served = 0;
const server = createServer((req, res) => {
  const pair = pictures.get(req.url ?? '');
  if (!pair) return void res.writeHead(404).end();
  const body = pair[served++ % 2]!;
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const simulator = new HttpSnapshotSimulator();
const fleet = new Fleet({ cameras: 1, net: `127.${200 + Math.floor(Math.random() * 50)}`, frameWidth: 1920, frameHeight: 1080 });
await simulator.start();
await fleet.start();
process.send?.({
  type: 'ready',
  simulatorUrl: simulator.url,
  fullHdUrl: fleet.cameras[0]!.snapshotUrl,
  textured: Object.fromEntries(TEXTURED_SIZES.map((size) => [size, { url: `${base}/${size}.jpg`, bytes: pictures.get(`/${size}.jpg`)![0]!.length }])),
});
const stop = async () => {
  server.close();
  await simulator.stop();
  await fleet.stop();
  process.exit(0);
};
process.on('message', (m: { type?: string }) => m.type === 'stop' && void stop());
process.once('disconnect', () => void stop());
