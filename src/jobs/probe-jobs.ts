/**
 * What probe jobs look like on any JobQueue: lanes (the default one, one per site served by
 * site workers, and the results lane back to the server), fixed schedule ids per camera, job
 * data and result data. Shared by the server (planning, result intake) and workers.
 *
 * Job data carries a camera's endpoints with credentials SEALED as stored; only a process
 * holding the secret (the server, a worker) can open them, so Redis never sees a password.
 */
import { createHash } from 'node:crypto';
import type { ProbeResult } from '../domain/status.js';
import type { Camera } from '../store/cameras.js';
import type { ProbeKind } from '../store/probe-results.js';

/** Lane of cameras no site worker serves. */
export const DEFAULT_LANE = 'probes';
/** Lane of probe results, taken only by the server (it alone writes the store). */
export const RESULTS_LANE = 'results';

/** What a worker needs to probe a camera, and nothing more. */
export type ProbeCamera = Pick<Camera, 'id' | 'site' | 'onvif' | 'rtsp' | 'snapshot'>;

export interface ProbeJobData {
  camera: ProbeCamera;
  kind: ProbeKind;
  /**
   * A liveness round that takes the picture too: the first round of a new or re-enabled camera,
   * which stays `unknown` until its picture was judged. @defaultValue false
   */
  withImage?: boolean;
}

export interface ProbeResultData {
  result: ProbeResult;
  kind: ProbeKind;
  /** When the tick was due: with the camera and kind, it names the tick. */
  scheduledAt: number;
  /** Which worker probed, for logs and tests. */
  worker: string;
}

/** Results travel in small batches: one queue job per batch, not per round, halves the queue's work. */
export interface ProbeResultBatch {
  rounds: ProbeResultData[];
}

/** The server asks a site worker for a camera's picture (see picture-relay.ts). */
export interface PictureRequest {
  pictureRequest: {
    id: string;
    camera: ProbeCamera;
    /** Epoch ms: after it, nobody waits for the answer. */
    deadline: number;
  };
}

/** The worker's answer, on the reply lane. */
export interface PictureReply {
  pictureReply: {
    id: string;
    /** Base64 JPEGs; absent when the worker got no picture (then `error` says why). */
    jpeg?: string;
    thumbJpeg?: string;
    width?: number;
    height?: number;
    source?: 'snapshot' | 'rtsp';
    at?: number;
    error?: string;
    worker: string;
  };
}

/** The server asks a site worker to pull a camera's live video and relay it (see site-live.ts). */
export interface LiveRequest {
  liveRequest: {
    /** Names the pull's Redis stream and lease. */
    id: string;
    camera: ProbeCamera;
    stream: 'main' | 'sub';
    /** JPEG frames at this rate from one decoder (the live fallback, camera pages) instead of video. */
    frames?: { fps: number };
    /** Epoch ms: a request taken after it is dropped without touching the camera. */
    deadline: number;
  };
}

export type QueueJobData = ProbeJobData | ProbeResultBatch | PictureRequest | PictureReply | LiveRequest;

export function isLiveRequest(data: QueueJobData): data is LiveRequest {
  return 'liveRequest' in data;
}

export function isPictureRequest(data: QueueJobData): data is PictureRequest {
  return 'pictureRequest' in data;
}

export function isPictureReply(data: QueueJobData): data is PictureReply {
  return 'pictureReply' in data;
}

export function isProbeJob(data: QueueJobData): data is ProbeJobData {
  return 'camera' in data;
}

export function probeCamera(c: Pick<Camera, 'id' | 'site' | 'onvif' | 'rtsp' | 'snapshot'>): ProbeCamera {
  return { id: c.id, site: c.site, onvif: c.onvif, rtsp: c.rtsp, snapshot: c.snapshot };
}

/** `probe:<cameraId>` (liveness) and `image:<cameraId>`: fixed, so nothing doubles. */
export function scheduleId(kind: ProbeKind, cameraId: string): string {
  return `${kind === 'liveness' ? 'probe' : 'image'}:${cameraId}`;
}

export function kindOfSchedule(id: string): ProbeKind | undefined {
  if (id.startsWith('probe:')) return 'liveness';
  if (id.startsWith('image:')) return 'image';
  return undefined;
}

/**
 * A site's name as a lane-safe slug: "Masjid Agung Lasusua" → "masjid-agung-lasusua". Site
 * workers name the sites they serve by these slugs (PANTAU_WORKER_SITES).
 */
export function siteSlug(site: string): string {
  return site
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function siteLane(slug: string): string {
  return `probes-site-${slug}`;
}

/**
 * Which lane a camera's probes ride: its site's lane when that site is served by site
 * workers (config `redis.siteQueues`), else the default lane. Static on purpose: a site's
 * cameras must never fall back to central workers that cannot reach them, or a dead site
 * worker would read as every camera behind it being down.
 */
export function laneRouter(siteQueues: readonly string[]): { laneOf: (camera: Pick<Camera, 'site'>) => string; lanes: string[] } {
  const served = new Set(siteQueues);
  return {
    laneOf: (camera) => {
      const slug = siteSlug(camera.site);
      return served.has(slug) ? siteLane(slug) : DEFAULT_LANE;
    },
    lanes: [DEFAULT_LANE, ...[...served].map(siteLane)],
  };
}

/**
 * A phase within the interval that depends only on the camera and the kind, so every server
 * (and every restart) plans the same ticks, and a fleet is spread evenly.
 */
export function stableOffset(cameraId: string, kind: ProbeKind, everyMs: number): number {
  const hash = createHash('sha1').update(`${kind}:${cameraId}`).digest();
  return hash.readUInt32BE(0) % everyMs;
}
