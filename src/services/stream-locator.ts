/**
 * Where to pull a camera's stream from, for live video and for JPEG frames decoded from it:
 * its RTSP URL with its credentials opened for that endpoint (the prober's own rules), the
 * sub-stream when asked for — the one its ONVIF profiles name (services/stream-profiles.ts), else
 * the vendor URL pattern (protocols/stream/sub-stream.ts) — and the host resolved once through
 * the camera outbound policy and pinned, so ffmpeg connects to the address that was checked. The
 * transport is the one the prober last saw carry media.
 * Must not send credentials elsewhere: a profile's sub-stream is used only on the main stream's
 * own scheme, host and port (the endpoint its credentials are bound to), with the main URL's
 * credentials; one on another endpoint is ignored.
 */
import type { LookupFunction } from 'node:net';
import type { ProfileStreams } from '../protocols/onvif/index.js';
import { subStreamOf } from '../protocols/stream/index.js';
import { pinHost } from '../security/pin-host.js';
import type { Camera } from '../store/cameras.js';
import type { StreamChoice, StreamLocation } from './live-relay.js';
import type { ProbedCamera, Prober } from './prober.js';

export interface LocatorOptions {
  /** The camera by id (a site worker knows only those it was asked for, with no `enabled`). */
  camera: (id: string) => (ProbedCamera & Partial<Pick<Camera, 'enabled'>>) | undefined;
  prober: Pick<Prober, 'streamSource'>;
  /** The camera's streams read from its ONVIF profiles, when known (stored, or read on demand). */
  profiles?: ((cameraId: string) => ProfileStreams | undefined | Promise<ProfileStreams | undefined>) | undefined;
  /** The camera outbound-address policy's lookup. */
  lookup?: LookupFunction | undefined;
}

/** `sub` moved onto `main`'s endpoint and credentials; undefined unless both share scheme, host and port. */
export function onSameEndpoint(main: string, sub: string): string | undefined {
  let m: URL;
  let s: URL;
  try {
    m = new URL(main);
    s = new URL(sub);
  } catch {
    return undefined;
  }
  const port = (u: URL) => u.port || (u.protocol === 'rtsps:' ? '322' : '554');
  if (m.protocol !== s.protocol || m.hostname.toLowerCase() !== s.hostname.toLowerCase() || port(m) !== port(s)) return undefined;
  if (m.pathname === s.pathname && m.search === s.search) return undefined;
  m.pathname = s.pathname;
  m.search = s.search;
  return m.toString();
}

export function streamLocator(options: LocatorOptions): (cameraId: string, stream: StreamChoice) => Promise<StreamLocation | undefined> {
  return async (cameraId, stream) => {
    const camera = options.camera(cameraId);
    if (!camera || camera.enabled === false) return undefined;
    const source = options.prober.streamSource(camera);
    if (!source) return undefined;
    let sub: string | undefined;
    if (stream === 'sub') {
      const profiled = (await options.profiles?.(cameraId))?.sub?.url;
      sub = (profiled && onSameEndpoint(source.url, profiled)) || subStreamOf(source.url);
    }
    const url = sub ?? source.url;
    return { url: options.lookup ? await pinHost(url, options.lookup) : url, transport: source.transport, stream: sub ? 'sub' : 'main' };
  };
}
