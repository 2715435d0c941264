/**
 * The two questions live video asks of the rest of Pantau, behind one small port so that
 * viewing rights and the viewing record can be swapped without touching the relay: may this
 * user watch this camera live, and "a viewing started / ended, with the bytes sent". The
 * default answers with picture rights (services/access.ts) and records a viewing as a log line;
 * the server runs `viewingLiveGate`: the `live` level and the viewing record.
 */
import type { Logger } from '../log.js';
import type { Principal } from './auth.js';
import { maySeePictures } from './access.js';
import type { CameraRegistry } from './registry.js';
import { watcherOf, type ViewingLog } from './viewings.js';

export interface Viewing {
  userId: string;
  cameraId: string;
  kind: 'live';
  /** Which stream was pulled: the camera's sub-stream or its main stream. */
  stream: 'main' | 'sub';
  /** The viewer's address and user agent, as the socket saw them. */
  address: string;
  client: string;
}

export interface ViewingRecord {
  /** The viewing ended (the viewer left, was cut off, or it timed out). */
  ended(bytesSent: number, reason: string): void;
}

export interface LiveGate {
  mayWatchLive(principal: Principal, cameraId: string): boolean;
  started(viewing: Viewing): ViewingRecord;
}

export function defaultLiveGate(registry: Pick<CameraRegistry, 'visible'>, log: Logger): LiveGate {
  return {
    mayWatchLive: (principal, cameraId) => maySeePictures(registry, principal, cameraId),
    started(viewing) {
      const at = Date.now();
      log.info({ viewing }, 'live viewing started');
      return {
        ended(bytesSent, reason) {
          log.info({ viewing, bytesSent, seconds: Math.round((Date.now() - at) / 1000), reason }, 'live viewing ended');
        },
      };
    },
  };
}

/**
 * The gate Pantau runs with: live video needs the `live` level (admins, the camera's owners,
 * `live` grants; see domain/access-level.ts), and each live viewing is a row of the viewing
 * record, opened when the pull starts for this viewer and closed with the bytes sent.
 */
export function viewingLiveGate(registry: Pick<CameraRegistry, 'may'>, viewings: Pick<ViewingLog, 'start'>, log: Logger): LiveGate {
  return {
    mayWatchLive: (principal, cameraId) => registry.may(principal, cameraId, 'live'),
    started(viewing) {
      const at = Date.now();
      const open = viewings.start(watcherOf(viewing.userId, viewing.address, viewing.client), viewing.cameraId, 'live');
      log.info({ viewing: { userId: viewing.userId, cameraId: viewing.cameraId, stream: viewing.stream } }, 'live viewing started');
      return {
        ended(bytesSent, reason) {
          open.add(bytesSent);
          open.end();
          log.info({ viewing: { userId: viewing.userId, cameraId: viewing.cameraId, stream: viewing.stream }, bytesSent, seconds: Math.round((Date.now() - at) / 1000), reason }, 'live viewing ended');
        },
      };
    },
  };
}
