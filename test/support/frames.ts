/**
 * Test-side frame tools: grab one frame from an RTSP URL with the real ffmpeg,
 * compare decoded pictures (brightness, how many pixels changed), and count the ffmpeg
 * processes remuxing a camera's stream (live video pulls).
 */
import { spawn, spawnSync } from 'node:child_process';
import sharp from 'sharp';

let ffmpegReason: string | undefined;

/** Why ffmpeg cannot run here, or '' when it can. Cached. */
export function ffmpegUnavailableReason(): string {
  if (ffmpegReason === undefined) {
    const r = spawnSync('ffmpeg', ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 });
    ffmpegReason = r.status === 0 ? '' : `ffmpeg unavailable: ${r.error?.message ?? r.stderr}`;
  }
  return ffmpegReason;
}

/** One decoded frame as JPEG, or rejects with ffmpeg's last words. */
export function grabFrame(url: string, transport: 'tcp' | 'udp' = 'tcp', timeoutMs = 15_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Short probing: the default 5 s analysis would dominate a 5 fps stream's grab.
    const args = ['-hide_banner', '-loglevel', 'error', '-rtsp_transport', transport, '-analyzeduration', '500000'];
    args.push('-probesize', '32768', '-i', url, '-frames:v', '1', '-f', 'image2', '-c:v', 'mjpeg', 'pipe:1');
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const jpeg = Buffer.concat(out);
      if (code === 0 && jpeg.length > 0) resolve(jpeg);
      else reject(new Error(`ffmpeg exited ${code}: ${err.trim()}`));
    });
  });
}

export interface Picture {
  width: number;
  height: number;
  /** Greyscale pixels, one byte each. */
  luma: Buffer;
}

export async function decode(jpeg: Buffer): Promise<Picture> {
  const { data, info } = await sharp(jpeg).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, luma: data };
}

export function meanLuma(p: Picture): number {
  let sum = 0;
  for (const v of p.luma) sum += v;
  return sum / p.luma.length;
}

/** Pixels whose brightness differs by more than `threshold` (ignores codec noise). */
export function changedPixels(a: Picture, b: Picture, threshold = 40): number {
  if (a.luma.length !== b.luma.length) return Math.max(a.luma.length, b.luma.length);
  let n = 0;
  for (let i = 0; i < a.luma.length; i++) if (Math.abs((a.luma[i] ?? 0) - (b.luma[i] ?? 0)) > threshold) n++;
  return n;
}
