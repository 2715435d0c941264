/**
 * JPEG frames for viewers from one persistent ffmpeg per camera: it decodes the camera's RTSP
 * stream and writes JPEGs at the frame rate asked for (`-f mjpeg` on a pipe, cut on JPEG
 * markers), instead of a new ffmpeg per frame (about 170 ms of CPU each). Used for cameras that
 * have only an RTSP URL, while someone watches them at a camera page's rate, and as live
 * video's fallback for codecs a phone cannot play (H.265, MJPEG). Frames are scaled for phones by
 * ffmpeg; the thumbnail is made from that JPEG by sharp (shrink-on-load: cheap).
 * Must not judge pictures: these frames are for people's eyes only.
 */
import sharp from 'sharp';
import type { Logger } from '../log.js';
import type { CapturedFrame } from '../probes/index.js';
import { FfmpegStream, JpegSplitter } from '../protocols/stream/index.js';
import type { Camera } from '../store/cameras.js';
import type { StreamChoice, StreamLocation } from './live-relay.js';

export interface FrameStreamHandle {
  stop(): void;
}

/** Opens a frame stream of a camera, or says (undefined) it has none to open: then frames are fetched one by one. */
export type OpenFrameStream = (
  camera: Pick<Camera, 'id' | 'snapshot' | 'rtsp'>,
  fps: number,
  onFrame: (frame: CapturedFrame) => void,
  onEnd: (error: Error | undefined) => void,
) => FrameStreamHandle | undefined;

export interface FrameStreamOptions {
  ffmpegPath: string | undefined;
  locate(cameraId: string, stream: StreamChoice): Promise<StreamLocation | undefined>;
  log: Logger;
  /** @defaultValue 640 */
  frameWidth?: number;
  /** @defaultValue 160 */
  thumbWidth?: number;
  /** Longest life of one ffmpeg, ms; a camera still watched then gets a new one. @defaultValue 30 min */
  lifetimeMs?: number;
}

export function frameStreams(options: FrameStreamOptions): OpenFrameStream {
  const frameWidth = options.frameWidth ?? 640;
  const thumbWidth = options.thumbWidth ?? 160;
  return (camera, fps, onFrame, onEnd) => {
    // Cameras with a snapshot URL give a picture cheaper than any decoder: fetched one by one.
    const { ffmpegPath } = options;
    if (camera.snapshot || !camera.rtsp || !ffmpegPath) return undefined;
    let stopped = false;
    let ffmpeg: FfmpegStream | undefined;
    const end = (err: Error | undefined) => {
      if (stopped) return;
      stopped = true;
      onEnd(err);
    };
    void (async () => {
      const location = await options.locate(camera.id, 'main');
      if (!location) throw new Error('the camera has no RTSP stream');
      if (stopped) return;
      ffmpeg = await FfmpegStream.open(location.url, {
        ffmpegPath,
        shape: { kind: 'mjpeg', fps, width: frameWidth, quality: 5 },
        transport: location.transport ?? 'tcp',
        lifetimeMs: options.lifetimeMs ?? 30 * 60_000,
      });
      if (stopped) return ffmpeg.stop();
      const splitter = new JpegSplitter();
      const stream = ffmpeg;
      stream.on('data', (chunk) => {
        for (const jpeg of splitter.push(chunk)) void toFrame(jpeg, stream, thumbWidth).then((frame) => !stopped && onFrame(frame), () => undefined);
      });
      stream.once('end', (err) => end(err ?? undefined));
    })().catch((err: Error) => {
      options.log.debug({ cameraId: camera.id, err: err.message }, 'frame stream could not start');
      end(err);
    });
    return {
      stop() {
        stopped = true;
        ffmpeg?.stop();
      },
    };
  };
}

async function toFrame(jpeg: Buffer, stream: FfmpegStream, thumbWidth: number): Promise<CapturedFrame> {
  const at = Date.now();
  const image = sharp(jpeg, { failOn: 'error' });
  const [meta, thumbJpeg] = await Promise.all([image.metadata(), image.clone().resize({ width: thumbWidth }).jpeg({ quality: 70 }).toBuffer()]);
  const size = stream.inputSize() ?? { width: meta.width ?? 0, height: meta.height ?? 0 };
  return { jpeg, thumbJpeg, width: size.width, height: size.height, source: 'rtsp', at };
}
