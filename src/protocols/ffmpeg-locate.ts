/**
 * Finds ffmpeg: the configured path, else FFMPEG_PATH, else `ffmpeg` on PATH. Answers null
 * (with the reason) rather than throwing, so start-up can say what is disabled without it.
 */
import { execFile } from 'node:child_process';

export interface FfmpegInfo {
  path: string;
  version: string;
}

export type FfmpegLookup = { found: true; ffmpeg: FfmpegInfo } | { found: false; tried: string[]; reason: string };

export async function locateFfmpeg(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<FfmpegLookup> {
  const candidate = configured ?? env.FFMPEG_PATH ?? 'ffmpeg';
  const source = configured ? 'config ffmpeg.path' : env.FFMPEG_PATH ? 'FFMPEG_PATH' : 'PATH';
  try {
    const version = await run(candidate);
    return { found: true, ffmpeg: { path: candidate, version } };
  } catch (err) {
    return { found: false, tried: [`${candidate} (from ${source})`], reason: (err as Error).message };
  }
}

function run(binary: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['-hide_banner', '-version'], { timeout: 5000, maxBuffer: 256 * 1024 }, (err, stdout) => {
      if (err) return reject(new Error((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : err.message));
      const match = /ffmpeg version (\S+)/.exec(stdout);
      resolve(match?.[1] ?? 'unknown');
    });
  });
}
