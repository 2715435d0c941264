/**
 * A child process running Pantau's prober: image rounds for the RTSP URLs given as arguments,
 * all at once, then it idles until killed. The orphan test SIGKILLs it mid-grab to see that no
 * ffmpeg it started outlives the grab's deadline. Run with `node --import tsx`.
 *   prober-child.ts <imageTimeoutMs> <rtspUrl>…
 */
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/log.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { Prober } from '../../src/services/prober.js';

const [timeout, ...urls] = process.argv.slice(2);
const prober = new Prober({
  box: new SecretBox(randomBytes(32)),
  log: createLogger('silent'),
  livenessTimeoutMs: 2000,
  imageTimeoutMs: Number(timeout),
  ffmpegPath: 'ffmpeg',
});
const signal = new AbortController().signal;
for (const [i, url] of urls.entries()) {
  void prober.image({ id: `cam-${i}`, onvif: null, rtsp: { url, username: null, passwordEnc: null }, snapshot: null }, signal);
}
process.send?.({ type: 'grabbing' });
setInterval(() => undefined, 60_000);
