/**
 * Where to pull a camera's stream from, for live video and for JPEG frames decoded from it:
 * its RTSP URL with its credentials opened for that endpoint (the prober's own rules), the
 * sub-stream when asked for and the URL follows a vendor pattern (protocols/stream/sub-stream.ts),
 * and the host resolved once through the camera outbound policy and pinned, so ffmpeg connects
 * to the address that was checked. The transport is the one the prober last saw carry media.
 */
import type { LookupFunction } from 'node:net';
import { subStreamOf } from '../protocols/stream/index.js';
import { pinHost } from '../security/pin-host.js';
import type { Camera } from '../store/cameras.js';
import type { StreamChoice, StreamLocation } from './live-relay.js';
import type { ProbedCamera, Prober } from './prober.js';

export interface LocatorOptions {
  /** The camera by id (a site worker knows only those it was asked for, with no `enabled`). */
  camera: (id: string) => (ProbedCamera & Partial<Pick<Camera, 'enabled'>>) | undefined;
  prober: Pick<Prober, 'streamSource'>;
  /** The camera outbound-address policy's lookup. */
  lookup?: LookupFunction | undefined;
}

export function streamLocator(options: LocatorOptions): (cameraId: string, stream: StreamChoice) => Promise<StreamLocation | undefined> {
  return async (cameraId, stream) => {
    const camera = options.camera(cameraId);
    if (!camera || camera.enabled === false) return undefined;
    const source = options.prober.streamSource(camera);
    if (!source) return undefined;
    const sub = stream === 'sub' ? subStreamOf(source.url) : undefined;
    const url = sub ?? source.url;
    return { url: options.lookup ? await pinHost(url, options.lookup) : url, transport: source.transport, stream: sub ? 'sub' : 'main' };
  };
}
