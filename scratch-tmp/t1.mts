import { RtspCameraSimulator } from '../test/support/rtsp-camera.js';
import { LiveRelay } from '../src/services/live-relay.js';
import pino from 'pino';
const codec = (process.argv[2] ?? 'h264') as 'h264'|'h265';
const sim = new RtspCameraSimulator({ mode: 'stamp', fps: 10, gop: 20, shared: true, codec });
await sim.start();
const relay = new LiveRelay({ ffmpegPath: '/usr/bin/ffmpeg', log: pino({level:'info'}), lingerMs: 1000, locate: async () => ({ url: sim.url, transport: undefined, stream: 'main' }) });
const t0 = performance.now();
let n = 0, k = 0, bytes = 0;
relay.join('c1', 'sub', {
  init: (i, s) => console.log('init', i.codec, i.width, i.height, i.data.length, s, Math.round(performance.now() - t0)),
  fragment: (f) => { n++; bytes += f.data.length; if (f.keyframe) { k++; console.log('key', n, f.decodeTime, Math.round(performance.now() - t0)); } },
  end: (r, d) => console.log('end', r, d, Math.round(performance.now() - t0)),
});
await new Promise((r) => setTimeout(r, 5000));
console.log({ n, k, bytes, list: relay.list() });
relay.stop();
await sim.stop();
