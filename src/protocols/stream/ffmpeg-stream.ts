/**
 * One long-running ffmpeg reading a camera's RTSP stream and writing to a pipe, in one of two
 * shapes: `remux` copies the video track into fragmented MP4 (no decoding, no re-encoding: a
 * repackaging that costs about as much as the bytes it moves), `mjpeg` decodes and writes JPEGs
 * at a frame rate asked for (for codecs a phone cannot play). Nothing here knows of viewers.
 * Must not log or echo the URL: it carries credentials.
 *
 * Like the frame grab (image/ffmpeg-grab.ts), no ffmpeg outlives its bound, whatever happens to
 * Pantau: it runs under coreutils' `timeout -s KILL` with the stream's longest life, in a process
 * group of its own that stop() kills at once, with `-timelimit` capping its CPU seconds and
 * `-timeout` its silences. While streaming, it writes to Pantau's pipe every frame; if Pantau
 * is gone that write fails (SIGPIPE) and ffmpeg ends within a frame, long before the bound.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { classifyFailure, FrameGrabError } from '../image/ffmpeg-errors.js';
import { isExecutable, KILL_GRACE_MS, type RtpTransport } from '../image/ffmpeg-grab.js';

export type StreamShape = { kind: 'remux' } | { kind: 'mjpeg'; fps: number; width: number; quality: number };

export interface StreamOptions {
  ffmpegPath: string;
  shape: StreamShape;
  transport: RtpTransport;
  /** Longest life of this ffmpeg, ms: it is killed then even if Pantau is not there to do it. */
  lifetimeMs: number;
  /** Longest silence from the camera before ffmpeg gives up, ms. @defaultValue 5000 */
  idleTimeoutMs?: number;
  /** @defaultValue 'Pantau' */
  userAgent?: string;
}

export interface StreamEvents {
  data: [Buffer];
  /** The process ended; `error` says why when it was not stop(). */
  end: [FrameGrabError | undefined];
}

/** ffmpeg's arguments; the URL is the only secret in them. */
export function streamArgs(url: string, opts: StreamOptions): string[] {
  const idleMs = opts.idleTimeoutMs ?? 5000;
  const input = [
    '-hide_banner', '-nostdin',
    '-loglevel', 'verbose',
    '-timelimit', String(Math.ceil(opts.lifetimeMs / 1000) + 1),
    '-rtsp_transport', opts.transport,
    '-timeout', String(idleMs * 1000),
    '-user_agent', opts.userAgent ?? 'Pantau',
    '-protocol_whitelist', 'rtsp,rtsps,rtp,tcp,udp,tls',
    '-allowed_media_types', 'video',
    // Start at once: the SDP's sprop-parameter-sets give the codec and picture size, so the
    // input is "analysed" on its first packet (ffmpeg's least: 32 bytes, 1 µs) instead of 200 ms
    // of stream (0.3 s of first picture). No `-fflags nobuffer`: it throws away the packets read
    // while analysing, which often hold the session's opening key frame, and the first picture
    // then waits a whole GOP for the next one (2.4 s instead of 0.4 s on the simulated camera).
    '-flags', 'low_delay',
    '-fpsprobesize', '0', '-probesize', '32', '-analyzeduration', '1',
    '-i', url,
    '-map', '0:v:0', '-an', '-sn', '-dn',
  ];
  if (opts.shape.kind === 'remux') {
    // One fragment per frame: nothing waits for a whole GOP before it is sent.
    return [...input, '-c:v', 'copy', '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1'];
  }
  const { fps, width, quality } = opts.shape;
  return [
    ...input,
    '-vf', `fps=${fps},scale='min(${width},iw)':-2`,
    '-c:v', 'mjpeg', '-q:v', String(quality), '-f', 'mjpeg', 'pipe:1',
  ];
}

export class FfmpegStream extends EventEmitter<StreamEvents> {
  private child: ReturnType<typeof spawn> | undefined;
  private stderr = '';
  private stopped = false;
  private ended = false;
  readonly startedAt = performance.now();

  private constructor(private readonly opts: StreamOptions) {
    super();
  }

  /** Starts ffmpeg on `url` (credentials embedded, host already checked by the outbound policy). */
  static async open(url: string, opts: StreamOptions): Promise<FfmpegStream> {
    if (!(await isExecutable(opts.ffmpegPath))) {
      throw new FrameGrabError('ffmpeg_failed', `ffmpeg not found or not executable at ${opts.ffmpegPath}`, false);
    }
    const stream = new FfmpegStream(opts);
    const watchdog = (await isExecutable('timeout')) ? 'timeout' : undefined;
    stream.start(url, watchdog);
    return stream;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Whether it ever got past opening the stream (bytes came out). */
  private produced = false;

  private start(url: string, watchdog: string | undefined): void {
    const args = streamArgs(url, this.opts);
    const hard = String(Math.ceil((this.opts.lifetimeMs + KILL_GRACE_MS) / 1000));
    const [command, argv] = watchdog ? [watchdog, ['-s', 'KILL', hard, this.opts.ffmpegPath, ...args]] : [this.opts.ffmpegPath, args];
    const child = spawn(command, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const timer = setTimeout(() => this.stop(), this.opts.lifetimeMs);
    timer.unref();
    child.stdout!.on('data', (chunk: Buffer) => {
      this.produced = true;
      if (!this.stopped) this.emit('data', chunk);
    });
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      const all = this.stderr + text;
      this.stderr = all.length <= 16_384 ? all : all.slice(0, 12_288) + all.slice(-4096);
    });
    const finish = (err: FrameGrabError | undefined) => {
      if (this.ended) return;
      this.ended = true;
      clearTimeout(timer);
      this.kill();
      this.emit('end', this.stopped ? undefined : err);
    };
    child.on('error', (err) => finish(classifyFailure(`spawn ${command} ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    child.on('close', () => {
      if (this.stopped) return finish(undefined);
      const failure = classifyFailure(this.stderr, { elapsedMs: performance.now() - this.startedAt, idleTimeoutMs: this.opts.idleTimeoutMs ?? 5000 });
      finish(this.produced ? new FrameGrabError('no_stream', `the stream ended: ${failure.message}`, true) : failure);
    });
  }

  /** The size of the camera's picture, once ffmpeg has said it (it prints the input stream). */
  inputSize(): { width: number; height: number } | undefined {
    const m = /Stream #0:\d+.*?: Video: .*?, (\d{2,5})x(\d{2,5})/.exec(this.stderr);
    return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
  }

  /** Ends ffmpeg now (its whole process group). The 'end' event follows. */
  stop(): void {
    this.stopped = true;
    this.kill();
  }

  private kill(): void {
    const child = this.child;
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
}
