/**
 * Grabs one frame from an RTSP stream with ffmpeg as a JPEG, bounded in time, CPU and bytes,
 * over whichever RTP transport the camera takes: interleaved TCP first (or what worked last
 * time), UDP when the camera answers 461 to TCP, and TCP when UDP brings no packets (a camera
 * behind NAT) — all within one deadline. Says which transport carried the frame, and on
 * failure the cause ffmpeg first met (ffmpeg-errors.ts).
 * Must not decode or judge the frame, and must not log or echo the URL: it carries credentials.
 *
 * No ffmpeg outlives its deadline, whatever happens to Pantau: each runs under coreutils'
 * `timeout -s KILL`, a separate tiny process that kills it at the deadline plus a grace even
 * when Pantau was SIGKILLed or OOM-killed (nothing in Pantau can then run). A stdin pipe
 * watchdog would not do: ffmpeg reads stdin only between packets, never while blocked opening
 * the input (where a dripping camera holds it), and it does not quit on EOF. `-timelimit` caps
 * ffmpeg's CPU seconds (RLIMIT_CPU) so a flood of garbage cannot burn a core until then; its
 * `-timeout` only bounds idle time. Pantau's own timer ends it sooner, by process group.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { classifyDeadline, classifyFailure, FrameGrabError } from './ffmpeg-errors.js';

/** How RTP reaches us: interleaved in the RTSP connection, or over UDP. */
export type RtpTransport = 'tcp' | 'udp';

export interface GrabOptions {
  /** The ffmpeg binary, from config. */
  ffmpegPath: string;
  /** Budget for the whole grab, every transport tried included, ms. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Transport to try first: what carried this camera's media last time. @defaultValue 'tcp' */
  transport?: RtpTransport | undefined;
  /** Most bytes of JPEG accepted from ffmpeg. @defaultValue 8 MiB */
  maxBytes?: number | undefined;
  /** @defaultValue 'Pantau' */
  userAgent?: string | undefined;
  /**
   * Longest silence (no bytes) ffmpeg waits before giving up on its own, ms: how long UDP may
   * bring nothing before TCP is tried. Packets flow between key frames, so a long GOP never
   * trips it. @defaultValue a third of the deadline, between 1 and 5 s
   */
  idleTimeoutMs?: number | undefined;
}

export interface GrabbedFrame {
  jpeg: Buffer;
  /** The transport that carried the frame. */
  transport: RtpTransport;
}

const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
/** Past Pantau's own deadline, `timeout` kills ffmpeg this much later: only if Pantau is gone. */
export const KILL_GRACE_MS = 2000;

/**
 * One JPEG frame from `url` (credentials embedded, as ffmpeg wants them; they are visible in the
 * process list of this host for the life of the grab, which is unavoidable with the ffmpeg CLI).
 */
export async function grabRtspFrame(url: string, opts: GrabOptions): Promise<GrabbedFrame> {
  // A missing binary would otherwise surface as a spawn error mid-grab: say so plainly.
  if (!(await isExecutable(opts.ffmpegPath))) {
    throw new FrameGrabError('ffmpeg_failed', `ffmpeg not found or not executable at ${opts.ffmpegPath}`, false);
  }
  const watchdog = (await isExecutable('timeout')) ? 'timeout' : undefined;
  const deadline = performance.now() + opts.timeoutMs;
  const first = opts.transport ?? 'tcp';
  const tried = new Set<RtpTransport>();
  let transport: RtpTransport = first;
  let earlier = '';
  for (;;) {
    tried.add(transport);
    const budget = Math.round(deadline - performance.now());
    try {
      if (budget <= 0) throw classifyDeadline('', opts.timeoutMs);
      return { jpeg: await grabOnce(url, transport, budget, opts, watchdog), transport };
    } catch (err) {
      if (!(err instanceof FrameGrabError)) throw err;
      const next = fallback(err, transport, tried);
      if (!next || deadline - performance.now() < 500) throw withEarlier(err, earlier);
      earlier = `over ${transport.toUpperCase()}: ${err.message}`;
      transport = next;
    }
  }
}

/** The transport to try after `err` on `transport`, if any. */
function fallback(err: FrameGrabError, transport: RtpTransport, tried: ReadonlySet<RtpTransport>): RtpTransport | undefined {
  const other: RtpTransport = transport === 'tcp' ? 'udp' : 'tcp';
  if (tried.has(other)) return undefined;
  if (err.code === 'transport_refused') return other;
  // UDP that brings nothing is usually a NAT or firewall in the way; interleaved TCP gets through.
  if (transport === 'udp' && err.code === 'no_media') return other;
  return undefined;
}

function withEarlier(err: FrameGrabError, earlier: string): FrameGrabError {
  return earlier ? new FrameGrabError(err.code, `${err.message} (tried first ${earlier})`, err.reached) : err;
}

export async function isExecutable(binary: string): Promise<boolean> {
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

/** ffmpeg's arguments for one attempt; the URL is the only secret in them. */
export function ffmpegArgs(url: string, transport: RtpTransport, budgetMs: number, idleMs: number, userAgent: string): string[] {
  return [
    '-hide_banner', '-nostdin',
    // verbose: says when the TCP connection was made and the SDP came, which tells a reset,
    // a silence, a stream without media and a missing key frame apart (ffmpeg-errors.ts).
    '-loglevel', 'verbose',
    '-timelimit', String(Math.ceil(budgetMs / 1000) + 1),
    '-rtsp_transport', transport,
    '-timeout', String(idleMs * 1000),
    '-user_agent', userAgent,
    '-protocol_whitelist', 'rtsp,rtsps,rtp,tcp,udp,tls,http,https',
    // Only the video track is SET UP: no audio ports or bytes for a picture check.
    '-allowed_media_types', 'video',
    // No frame-rate probing (one frame is all we take), but room to wait a whole long GOP for
    // the stream's parameters when the SDP lacks them: analysis ends as soon as they are known.
    '-fpsprobesize', '0',
    '-analyzeduration', String(budgetMs * 1000),
    '-i', url,
    '-an', '-sn', '-dn', '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', '3', '-f', 'image2pipe', 'pipe:1',
  ];
}

function grabOnce(url: string, transport: RtpTransport, budgetMs: number, opts: GrabOptions, watchdog: string | undefined): Promise<Buffer> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const idleMs = Math.min(opts.idleTimeoutMs ?? Math.max(1000, Math.min(5000, Math.round(opts.timeoutMs / 3))), budgetMs);
  const args = ffmpegArgs(url, transport, budgetMs, idleMs, opts.userAgent ?? 'Pantau');
  const hardSeconds = String(Math.ceil((budgetMs + KILL_GRACE_MS) / 1000));
  const [command, argv] = watchdog ? [watchdog, ['-s', 'KILL', hardSeconds, opts.ffmpegPath, ...args]] : [opts.ffmpegPath, args];
  const started = performance.now();
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let stderr = '';
    // Its own process group: one kill reaches the watchdog and ffmpeg alike.
    const child = spawn(command, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = (): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const finish = (err: FrameGrabError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      kill();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(() => finish(classifyDeadline(stderr, opts.timeoutMs)), budgetMs);
    const onAbort = (): void => finish(new FrameGrabError('aborted', 'frame grab cancelled', false));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(new FrameGrabError('too_large', `frame larger than ${maxBytes} bytes`, true));
      else chunks.push(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      // The head holds the cause, the tail the last line: keep both, bounded.
      const all = stderr + text;
      stderr = all.length <= 16_384 ? all : all.slice(0, 12_288) + all.slice(-4096);
    });
    child.on('error', (err) => finish(classifyFailure(`spawn ${command} ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    child.on('close', (code) => {
      if (code === 0 && size > 0) return finish(undefined);
      const failure = classifyFailure(stderr, { elapsedMs: performance.now() - started, idleTimeoutMs: idleMs });
      if (code === 0) return finish(new FrameGrabError('no_stream', 'ffmpeg ended without a frame', true));
      finish(failure);
    });
  });
}
