/**
 * The two questions live video asks of the rest of Pantau, behind one small port so that
 * viewing rights and the viewing record can be swapped without touching the relay: may this
 * user watch this camera live, and "a viewing started / ended, with the bytes sent". The
 * default answers with today's picture rights (anyone who may see the camera may see its
 * picture, services/access.ts) and records a viewing as a log line.
 */
import type { Logger } from '../log.js';
import type { Principal } from './auth.js';
import { maySeePictures } from './access.js';
import type { CameraRegistry } from './registry.js';

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
