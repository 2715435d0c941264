/**
 * Reads a client's `watch` request defensively (it comes from the network) and turns the
 * frames-per-second wish into the cadence this server grants: thumbnails at most every 5 s
 * (a grid of phones must not hammer a camera), a camera page at most 2 frames a second.
 */
import type { FrameSize } from './contract.js';

export interface ParsedWatch {
  cameraIds: string[];
  size: FrameSize;
  intervalMs: number;
}

/** Most cameras one socket may watch at once: a full screen of tiles, with room. */
export const MAX_WATCHED = 200;

const LIMITS: Record<FrameSize, { minMs: number; maxMs: number; defaultFps: number }> = {
  thumb: { minMs: 5_000, maxMs: 60_000, defaultFps: 0.1 },
  full: { minMs: 500, maxMs: 30_000, defaultFps: 0.5 },
};

export const frameRoom = (cameraId: string, size: FrameSize) => `frames:${size}:${cameraId}`;

export function parseWatch(raw: unknown): { ok: true; watch: ParsedWatch } | { ok: false; error: string } {
  if (typeof raw !== 'object' || raw === null) return { ok: false, error: 'expected {cameraIds, size, fps?}' };
  const { cameraIds, size, fps } = raw as Record<string, unknown>;
  if (size !== 'thumb' && size !== 'full') return { ok: false, error: 'size must be "thumb" or "full"' };
  if (!Array.isArray(cameraIds) || !cameraIds.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 100)) {
    return { ok: false, error: 'cameraIds must be a list of camera ids' };
  }
  if (cameraIds.length > MAX_WATCHED) return { ok: false, error: `at most ${MAX_WATCHED} cameras at once` };
  if (fps !== undefined && (typeof fps !== 'number' || !Number.isFinite(fps) || fps <= 0)) return { ok: false, error: 'fps must be a positive number' };
  const limits = LIMITS[size];
  const wanted = 1000 / (fps ?? limits.defaultFps);
  const intervalMs = Math.round(Math.min(limits.maxMs, Math.max(limits.minMs, wanted)));
  return { ok: true, watch: { cameraIds: [...new Set(cameraIds as string[])], size, intervalMs } };
}
