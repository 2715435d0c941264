/**
 * The stream relay: one camera connection per camera and stream however many watch. The first
 * viewer starts an ffmpeg that repackages the camera's H.264 into fragmented MP4 (no decoding);
 * every viewer gets the init segment, the fragments since the last key frame (so a picture shows
 * at once, without waiting for the camera's next key frame), then each new fragment. A codec a
 * phone cannot play (H.265, MJPEG) or a camera that cannot be pulled ends the viewers with a
 * reason, and the dashboard falls back to JPEG frames. When the last viewer leaves, the camera
 * connection stays a short linger (a page reload) and is then closed. A camera that only a site
 * worker can reach is not pulled here: `remote` hands the source's parts over from that worker
 * (jobs/site-live.ts), and the fan-out, key-frame backlog and linger stay the same.
 * Must not decide who may watch or pace a viewer's socket: realtime/live.ts does.
 */
import type { Logger } from '../log.js';
import { FfmpegStream, Fmp4Splitter, type InitSegment, type MediaFragment } from '../protocols/stream/index.js';
import type { FrameGrabError, RtpTransport } from '../protocols/image/index.js';

export type StreamChoice = 'main' | 'sub';

/** Why a viewer's live video ended, as a stable code the dashboard words. */
export type LiveEndReason = 'unplayable' | 'unavailable' | 'no_ffmpeg' | 'expired' | 'denied' | 'stopped' | 'masked';

/** Where a camera's stream is: its URL with credentials (host checked and pinned) and the transport to try first. */
export interface StreamLocation {
  url: string;
  transport: RtpTransport | undefined;
  /** Which stream this is; `sub` asked for but unknown gives the main stream. */
  stream: StreamChoice;
}

export interface LiveSink {
  init(init: InitSegment, stream: StreamChoice): void;
  fragment(fragment: MediaFragment): void;
  end(reason: LiveEndReason, detail?: string): void;
}

/** A pull made elsewhere (a site worker) whose parts this relay fans out; stop() ends it. */
export type RemotePull = (stream: StreamChoice, sink: LiveSink) => { stop(): void };

export interface LiveRelayOptions {
  ffmpegPath: string | undefined;
  /** The stream to pull for a camera; undefined when it has no RTSP URL. Throws when the address is refused. */
  locate(cameraId: string, stream: StreamChoice): Promise<StreamLocation | undefined>;
  /** The remote pull for a camera this process must not connect to itself; undefined: pulled here. */
  remote?: (cameraId: string) => RemotePull | undefined;
  /** Told which transport carried a camera's media, so the prober and the next pull try it first. */
  onTransport?: (cameraId: string, transport: RtpTransport) => void;
  log: Logger;
  /** How long a camera connection outlives its last viewer, ms (a reload comes back in time). @defaultValue 5000 */
  lingerMs?: number;
  /** Longest life of one ffmpeg, ms; a camera still watched then is reconnected. @defaultValue 6 min */
  lifetimeMs?: number;
  /** Most bytes of fragments kept since the last key frame for viewers who join. @defaultValue 4 MiB */
  maxGopBytes?: number;
}

interface Source {
  key: string;
  cameraId: string;
  asked: StreamChoice;
  sinks: Set<LiveSink>;
  ffmpeg: FfmpegStream | undefined;
  remote: { stop(): void } | undefined;
  init: InitSegment | undefined;
  pulled: StreamChoice | undefined;
  gop: MediaFragment[];
  gopBytes: number;
  linger: NodeJS.Timeout | undefined;
  /** Set when the source was closed: late events of its ffmpeg are ignored. */
  closed: boolean;
  attempts: number;
  transport: RtpTransport | undefined;
}

export interface SourceInfo {
  cameraId: string;
  stream: StreamChoice;
  viewers: number;
  pid: number | undefined;
  codec: string | undefined;
}

export class LiveRelay {
  private readonly sources = new Map<string, Source>();
  private stopped = false;

  constructor(private readonly options: LiveRelayOptions) {}

  /** Adds a viewer of a camera's stream; the sink hears the init and fragments, or why it ended. */
  join(cameraId: string, stream: StreamChoice, sink: LiveSink): void {
    if (this.stopped) return sink.end('stopped');
    const key = `${cameraId}:${stream}`;
    // A "sub" pull that found no sub-stream is pulling the main one: a main viewer shares it.
    let source = this.sources.get(key) ?? (stream === 'main' ? [...this.sources.values()].find((s) => s.cameraId === cameraId && s.pulled === 'main') : undefined);
    if (!source) {
      source = { key, cameraId, asked: stream, sinks: new Set(), ffmpeg: undefined, remote: undefined, init: undefined, pulled: undefined, gop: [], gopBytes: 0, linger: undefined, closed: false, attempts: 0, transport: undefined };
      this.sources.set(key, source);
      this.start(source);
    }
    clearTimeout(source.linger);
    source.linger = undefined;
    source.sinks.add(sink);
    if (source.init && source.pulled) {
      sink.init(source.init, source.pulled);
      for (const f of source.gop) sink.fragment(f);
    }
  }

  leave(cameraId: string, sink: LiveSink): void {
    const source = [...this.sources.values()].find((s) => s.cameraId === cameraId && s.sinks.has(sink));
    if (!source || !source.sinks.delete(sink) || source.sinks.size) return;
    source.linger = setTimeout(() => this.close(source), this.options.lingerMs ?? 5000);
    source.linger.unref();
  }

  /** Camera connections open now, for tests, metrics and the benchmark. */
  list(): SourceInfo[] {
    return [...this.sources.values()].map((s) => ({ cameraId: s.cameraId, stream: s.pulled ?? s.asked, viewers: s.sinks.size, pid: s.ffmpeg?.pid, codec: s.init?.codec }));
  }

  /** Ends a camera's live video for everyone (deleted, disabled). */
  forget(cameraId: string, reason: LiveEndReason = 'stopped'): void {
    for (const source of [...this.sources.values()]) if (source.cameraId === cameraId) this.endAll(source, reason);
  }

  stop(): void {
    this.stopped = true;
    for (const source of [...this.sources.values()]) this.endAll(source, 'stopped');
  }

  private start(source: Source): void {
    const remote = this.options.remote?.(source.cameraId);
    if (!remote) return void this.pull(source);
    source.remote = remote(source.asked, {
      init: (init, stream) => {
        if (source.closed) return;
        source.pulled = stream;
        this.newInit(source, init, stream);
      },
      fragment: (fragment) => !source.closed && this.fragment(source, fragment),
      end: (reason, detail) => !source.closed && this.endAll(source, reason, detail),
    });
  }

  private async pull(source: Source): Promise<void> {
    const { ffmpegPath, log } = this.options;
    if (!ffmpegPath) return this.endAll(source, 'no_ffmpeg');
    let location: StreamLocation | undefined;
    try {
      location = await this.options.locate(source.cameraId, source.pulled ?? source.asked);
    } catch (err) {
      return this.endAll(source, 'unavailable', (err as Error).message);
    }
    if (source.closed) return;
    if (!location) return this.endAll(source, 'unavailable', 'the camera has no RTSP stream');
    source.pulled = location.stream;
    source.attempts++;
    const transport = source.transport ?? location.transport ?? 'tcp';
    let ffmpeg: FfmpegStream;
    try {
      ffmpeg = await FfmpegStream.open(location.url, { ffmpegPath, shape: { kind: 'remux' }, transport, lifetimeMs: this.options.lifetimeMs ?? 6 * 60_000 });
    } catch (err) {
      return this.endAll(source, 'no_ffmpeg', (err as Error).message);
    }
    if (source.closed) return ffmpeg.stop();
    source.ffmpeg = ffmpeg;
    const splitter = new Fmp4Splitter();
    let gotInit = false;
    ffmpeg.on('data', (chunk) => {
      if (source.closed || source.ffmpeg !== ffmpeg) return;
      let parts;
      try {
        parts = splitter.push(chunk);
      } catch (err) {
        log.warn({ cameraId: source.cameraId, err: (err as Error).message }, 'live stream: unreadable MP4 from ffmpeg');
        return this.endAll(source, 'unavailable', 'unreadable stream');
      }
      for (const part of parts) {
        if (part.kind === 'init') {
          gotInit = true;
          source.attempts = 0;
          source.transport = transport;
          this.options.onTransport?.(source.cameraId, transport);
          if (!part.h264) return this.endAll(source, 'unplayable', part.codec);
          this.newInit(source, part, location.stream);
        } else this.fragment(source, part);
      }
    });
    ffmpeg.once('end', (err: FrameGrabError | undefined) => {
      if (source.closed || source.ffmpeg !== ffmpeg) return;
      source.ffmpeg = undefined;
      if (!err) {
        // Its lifetime ran out while people still watch: a fresh connection, a fresh init.
        if (source.sinks.size) void this.pull(source);
        else this.close(source);
        return;
      }
      log.info({ cameraId: source.cameraId, stream: location.stream, code: err.code, reason: err.message }, 'live stream ended');
      if (!gotInit && err.code === 'transport_refused' && source.attempts < 3) {
        source.transport = transport === 'tcp' ? 'udp' : 'tcp';
        return void this.pull(source);
      }
      // A sub-stream that the camera does not have: the main one instead.
      if (!gotInit && location.stream === 'sub' && source.attempts < 3) {
        source.pulled = 'main';
        return void this.pull(source);
      }
      // A stream that played and dropped: one reconnection before the viewers are told.
      if (gotInit && source.sinks.size && source.attempts < 1) return void this.pull(source);
      this.endAll(source, 'unavailable', err.code);
    });
  }

  private newInit(source: Source, init: InitSegment, stream: StreamChoice): void {
    source.init = init;
    source.gop = [];
    source.gopBytes = 0;
    for (const sink of source.sinks) sink.init(init, stream);
  }

  private fragment(source: Source, fragment: MediaFragment): void {
    if (fragment.keyframe) {
      source.gop = [];
      source.gopBytes = 0;
    }
    if (source.gop.length || fragment.keyframe) {
      source.gopBytes += fragment.data.length;
      if (source.gopBytes <= (this.options.maxGopBytes ?? 4 * 1024 * 1024)) source.gop.push(fragment);
    }
    for (const sink of source.sinks) sink.fragment(fragment);
  }

  private endAll(source: Source, reason: LiveEndReason, detail?: string): void {
    const sinks = [...source.sinks];
    this.close(source);
    for (const sink of sinks) sink.end(reason, detail);
  }

  private close(source: Source): void {
    source.closed = true;
    clearTimeout(source.linger);
    source.sinks.clear();
    source.ffmpeg?.stop();
    source.ffmpeg = undefined;
    source.remote?.stop();
    source.remote = undefined;
    if (this.sources.get(source.key) === source) this.sources.delete(source.key);
  }
}
