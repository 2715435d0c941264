/**
 * Learns each ONVIF camera's streams from its profiles (main: the largest picture; sub: the
 * smallest one fit for a phone) and stores them, bare, for the stream locator: when a camera
 * with an ONVIF address is added or its ONVIF or RTSP endpoint changes, and at start for ONVIF
 * cameras never read. One camera at a time, in the background; a device that does not answer
 * leaves what was stored (the vendor URL patterns still apply).
 * Must not store credentials (pickStreams strips them) nor read cameras this process must not
 * connect to (site-lane cameras: `skip`).
 */
import type { Logger } from '../log.js';
import type { ProfileStreams } from '../protocols/onvif/index.js';
import type { Camera } from '../store/cameras.js';
import type { CameraStreamStore } from '../store/camera-streams.js';
import type { ProbedCamera } from './prober.js';
import type { CameraRegistry } from './registry.js';

export interface StreamProfileOptions {
  registry: Pick<CameraRegistry, 'onChange'>;
  cameras: () => readonly Camera[];
  streams: CameraStreamStore;
  read: (camera: ProbedCamera) => Promise<ProfileStreams | undefined>;
  /** Cameras this process must not connect to itself. */
  skip: (camera: Camera) => boolean;
  log: Logger;
  now?: () => number;
}

/** Starts learning; returns a stop function. */
export function learnStreamProfiles(options: StreamProfileOptions): () => void {
  const { streams, log } = options;
  const now = options.now ?? Date.now;
  /** ONVIF cameras' endpoints as their streams were last read (or found stored at start). */
  const learnedFor = new Map<string, string>();
  const waiting = new Map<string, Camera>();
  let running = false;
  let stopped = false;
  const endpointOf = (c: Camera) => `${c.onvif?.host}:${c.onvif?.port}:${c.onvif?.username ?? ''}\n${c.rtsp?.url ?? ''}`;

  const drain = async () => {
    if (running) return;
    running = true;
    try {
      for (let next = waiting.values().next(); !next.done && !stopped; next = waiting.values().next()) {
        const camera = next.value;
        waiting.delete(camera.id);
        try {
          const found = await options.read(camera);
          if (found && streams.put(camera.id, found, now())) {
            learnedFor.set(camera.id, endpointOf(camera));
            log.info({ cameraId: camera.id, main: `${found.main.width}x${found.main.height}`, sub: found.sub ? `${found.sub.width}x${found.sub.height}` : null }, 'camera streams read from its ONVIF profiles');
          }
        } catch (err) {
          log.debug({ cameraId: camera.id, err: { message: (err as Error).message } }, 'could not read the camera ONVIF profiles');
        }
      }
    } finally {
      running = false;
    }
  };
  const offer = (camera: Camera) => {
    if (stopped || !camera.onvif || !camera.enabled || options.skip(camera) || learnedFor.get(camera.id) === endpointOf(camera)) return;
    waiting.set(camera.id, camera);
    void drain();
  };

  const off = options.registry.onChange((event) => {
    if (event.type === 'deleted') {
      learnedFor.delete(event.id);
      waiting.delete(event.id);
    } else offer(event.camera);
  });
  for (const camera of options.cameras()) {
    if (!camera.onvif) continue; // nothing to learn; offer() reads it once it has an ONVIF address
    if (!streams.get(camera.id)) offer(camera);
    else learnedFor.set(camera.id, endpointOf(camera));
  }
  return () => {
    stopped = true;
    off();
  };
}

/**
 * The same profiles read on demand, where nothing stores them: a site worker reads a camera's
 * profiles the first time its sub-stream is asked for (the server cannot reach the device), once
 * per camera and endpoint while the process lives. A device slower than `waitMs` is not waited
 * for (the URL patterns apply meanwhile); a failed read is tried again after `retryMs`.
 */
export function profilesOnDemand(
  camera: (id: string) => ProbedCamera | undefined,
  read: (camera: ProbedCamera) => Promise<ProfileStreams | undefined>,
  options: { waitMs?: number; retryMs?: number; maxCameras?: number } = {},
): (cameraId: string) => Promise<ProfileStreams | undefined> | undefined {
  const reads = new Map<string, Promise<ProfileStreams | undefined>>();
  return (cameraId) => {
    const c = camera(cameraId);
    if (!c?.onvif) return undefined;
    const key = `${c.id}\n${c.onvif.host}:${c.onvif.port}:${c.onvif.username ?? ''}\n${c.rtsp?.url ?? ''}`;
    let pending = reads.get(key);
    if (!pending) {
      if (reads.size >= (options.maxCameras ?? 1000)) reads.clear();
      pending = read(c).catch(() => {
        setTimeout(() => reads.delete(key), options.retryMs ?? 10 * 60_000).unref();
        return undefined;
      });
      reads.set(key, pending);
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), options.waitMs ?? 2000)));
    return Promise.race([pending, late]).finally(() => clearTimeout(timer));
  };
}
