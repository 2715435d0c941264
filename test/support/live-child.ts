/**
 * A child process running Pantau's stream relay: one live pull of the RTSP URL given, with one
 * viewer, then it idles until killed. The orphan test SIGKILLs it while video flows to see that
 * the pull's ffmpeg does not outlive it. Run with `node --import tsx`.
 *   live-child.ts <rtspUrl>
 */
import { createLogger } from '../../src/log.js';
import { LiveRelay } from '../../src/services/live-relay.js';

const [url] = process.argv.slice(2);
const relay = new LiveRelay({
  ffmpegPath: 'ffmpeg',
  log: createLogger('silent'),
  locate: async () => ({ url: url!, transport: undefined, stream: 'main' }),
});
let told = false;
relay.join('cam', 'main', {
  init: () => undefined,
  fragment: () => {
    if (told) return;
    told = true;
    process.send?.({ type: 'streaming' });
  },
  end: (reason) => process.send?.({ type: 'ended', reason }),
});
setInterval(() => undefined, 60_000);
