/**
 * Grabs one frame from an RTSP stream with ffmpeg (through fluent-ffmpeg) as a JPEG, bounded:
 * RTSP over TCP, a socket timeout, short probing, a whitelist of protocols, a cap on the bytes
 * read back and a hard SIGKILL at the deadline, so a hung camera cannot leave ffmpeg running.
 * Must not decode or judge the frame, and must not log or echo the URL: it carries credentials.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';

export interface GrabOptions {
  /** The ffmpeg binary, from config. */
  ffmpegPath: string;
  /** Budget for the whole grab, ms. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Most bytes of JPEG accepted from ffmpeg. @defaultValue 8 MiB */
  maxBytes?: number | undefined;
  /** @defaultValue 'Pantau' */
  userAgent?: string | undefined;
}

export type GrabErrorCode = 'timeout' | 'aborted' | 'too_large' | 'auth_failed' | 'unreachable' | 'refused' | 'no_stream' | 'ffmpeg_failed';

export class FrameGrabError extends Error {
  constructor(
    readonly code: GrabErrorCode,
    message: string,
    /** Whether ffmpeg got any answer from the camera. */
    readonly reached: boolean,
  ) {
    super(message);
    this.name = 'FrameGrabError';
  }
}

const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/**
 * One JPEG frame from `url` (credentials embedded, as ffmpeg wants them; they are visible in the
 * process list of this host for the life of the grab, which is unavoidable with the ffmpeg CLI).
 */
export async function grabRtspFrame(url: string, opts: GrabOptions): Promise<Buffer> {
  // fluent-ffmpeg 2.1.3 throws an uncaught TypeError from a child-process event when the binary
  // cannot be spawned, which would take the whole process down: check it can run first.
  if (!(await isExecutable(opts.ffmpegPath))) {
    throw new FrameGrabError('ffmpeg_failed', `ffmpeg not found or not executable at ${opts.ffmpegPath}`, false);
  }
  return grab(url, opts);
}

async function isExecutable(binary: string): Promise<boolean> {
  const candidates = binary.includes(path.sep)
    ? [binary]
    : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, binary));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return true;
    } catch {
      // next candidate
    }
  }
  return false;
}

function grab(url: string, opts: GrabOptions): Promise<Buffer> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  // Our timer is what ends a hung grab (ffmpeg reports a silent camera as "Invalid data found",
  // indistinguishable from garbage). ffmpeg's own socket timeout (microseconds since ffmpeg 5;
  // `-stimeout` before) sits just past it, so an ffmpeg orphaned by a crashed parent still exits.
  const socketTimeoutUs = (opts.timeoutMs + 1000) * 1000;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let stderrTail = '';
    /** ffmpeg printed the stream's description: the camera answered DESCRIBE and SETUP. */
    let opened = false;
    const out = new PassThrough();
    const command = ffmpeg(url)
      .setFfmpegPath(opts.ffmpegPath)
      .inputOptions([
        '-rtsp_transport', 'tcp',
        '-timeout', String(socketTimeoutUs),
        '-user_agent', opts.userAgent ?? 'Pantau',
        '-protocol_whitelist', 'rtsp,rtsps,rtp,tcp,udp,tls,http,https',
        // Short probing: the default 5 s analysis would dominate a grab from a low-fps stream.
        '-probesize', '262144',
        '-analyzeduration', '500000',
        '-nostdin',
      ])
      .outputOptions(['-an', '-sn', '-dn', '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', '3', '-f', 'image2pipe']);

    const finish = (err: FrameGrabError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      kill();
      out.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    const kill = (): void => {
      const proc = (command as unknown as { ffmpegProc?: { exitCode: number | null; kill(s: string): void } }).ffmpegProc;
      if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      const what = opened ? 'stream opened but no frame arrived' : 'no answer from the stream';
      finish(new FrameGrabError('timeout', `${what} within ${opts.timeoutMs} ms`, opened));
    }, opts.timeoutMs);
    const onAbort = (): void => finish(new FrameGrabError('aborted', 'frame grab cancelled', false));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    out.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(new FrameGrabError('too_large', `frame larger than ${maxBytes} bytes`, true));
      else chunks.push(chunk);
    });
    out.on('error', () => undefined);
    // A kill between spawn-preparation and spawn would be missed: kill as soon as it starts.
    command.on('start', () => {
      if (settled) kill();
    });
    command.on('stderr', (line: string) => {
      if (line.startsWith('Input #')) opened = true;
      stderrTail = (stderrTail + '\n' + line).slice(-2000);
    });
    command.on('error', (err: Error) => {
      finish(classifyFailure(`${err.message}\n${stderrTail}`));
    });
    command.on('end', () => {
      if (size === 0) finish(new FrameGrabError('no_stream', 'ffmpeg ended without a frame', true));
      else finish(undefined);
    });
    command.pipe(out, { end: true });
  });
}

/** Maps ffmpeg's last words to a code; the message keeps one line of them, URL removed. */
export function classifyFailure(text: string): FrameGrabError {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^ffmpeg exited with code/i.test(l))
      .pop() ?? 'ffmpeg failed';
  const clean = line
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/^<url>:?\s*/, '')
    .slice(0, 200);
  if (/cannot find ffmpeg|spawn \S+ ENOENT|EACCES/i.test(text)) {
    return new FrameGrabError('ffmpeg_failed', `ffmpeg could not run: ${clean}`, false);
  }
  if (/401|unauthori[sz]ed/i.test(text)) return new FrameGrabError('auth_failed', `camera refused the credentials: ${clean}`, true);
  if (/connection refused/i.test(text)) return new FrameGrabError('refused', `connection refused: ${clean}`, false);
  if (/no route to host|network is unreachable|name or service not known|temporary failure in name/i.test(text)) {
    return new FrameGrabError('unreachable', `camera unreachable: ${clean}`, false);
  }
  if (/timed out|timeout/i.test(text)) return new FrameGrabError('timeout', `ffmpeg timed out: ${clean}`, false);
  if (/404|not found|454|session not found/i.test(text)) return new FrameGrabError('no_stream', `stream not found: ${clean}`, true);
  return new FrameGrabError('ffmpeg_failed', `ffmpeg failed: ${clean}`, true);
}
