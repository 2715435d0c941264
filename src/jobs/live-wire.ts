/**
 * How a site worker's live pull crosses Redis: one Redis stream per pull, one entry per part —
 * the init segment, a media fragment, a JPEG frame (the fallback), "still alive", or the end — as flat field/value pairs
 * whose bytes are sent as they are (no base64). Every entry carries a sequence number so a
 * reader that lost entries (the stream is capped, old entries are trimmed) knows it must wait
 * for the next key frame. Shared by the worker (writes) and the server (reads).
 * Must not trust what it reads: unknown kinds and malformed numbers give undefined.
 */
import type { CapturedFrame } from '../probes/index.js';
import type { InitSegment, MediaFragment } from '../protocols/stream/index.js';
import type { LiveEndReason, StreamChoice } from '../services/live-relay.js';

export type WireEntry =
  | { kind: 'init'; seq: number; init: InitSegment; stream: StreamChoice }
  | { kind: 'fragment'; seq: number; fragment: MediaFragment }
  | { kind: 'jpeg'; seq: number; frame: CapturedFrame }
  | { kind: 'alive'; seq: number }
  | { kind: 'end'; seq: number; reason: LiveEndReason; detail: string | undefined };

/** The stream of one pull, and the lease the server keeps alive while it wants the pull. */
export function liveKeys(prefix: string, id: string): { stream: string; lease: string } {
  return { stream: `${prefix}:live:${id}`, lease: `${prefix}:live:${id}:lease` };
}

const REASONS: readonly LiveEndReason[] = ['unplayable', 'unavailable', 'no_ffmpeg', 'expired', 'denied', 'stopped'];

export function encodeEntry(entry: WireEntry): Array<string | Buffer> {
  const head = ['s', String(entry.seq)];
  switch (entry.kind) {
    case 'init': {
      const i = entry.init;
      return ['t', 'i', ...head, 'st', entry.stream, 'c', i.codec, 'h', i.h264 ? '1' : '0', 'ts', String(i.timescale), 'w', String(i.width), 'hh', String(i.height), 'd', i.data];
    }
    case 'fragment': {
      const f = entry.fragment;
      return ['t', 'f', ...head, 'k', f.keyframe ? '1' : '0', 'dt', f.decodeTime === undefined ? '' : String(f.decodeTime), 'd', f.data];
    }
    case 'jpeg': {
      const j = entry.frame;
      return ['t', 'j', ...head, 'w', String(j.width), 'hh', String(j.height), 'at', String(j.at), 'd', j.jpeg, 'th', j.thumbJpeg];
    }
    case 'alive':
      return ['t', 'a', ...head];
    case 'end':
      return ['t', 'e', ...head, 'r', entry.reason, 'x', (entry.detail ?? '').slice(0, 200)];
  }
}

function count(raw: Buffer | undefined): number | undefined {
  if (!raw || raw.length === 0 || raw.length > 16) return undefined;
  const n = Number(raw.toString('latin1'));
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** One entry's fields as Redis returns them (binary); undefined when it is not one of ours. */
export function decodeEntry(fields: Buffer[]): WireEntry | undefined {
  const f = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!.toString('latin1'), fields[i + 1]!);
  const seq = count(f.get('s'));
  const kind = f.get('t')?.toString('latin1');
  if (seq === undefined) return undefined;
  if (kind === 'a') return { kind: 'alive', seq };
  if (kind === 'e') {
    const reason = f.get('r')?.toString('latin1') as LiveEndReason | undefined;
    const detail = f.get('x')?.toString('utf8');
    return { kind: 'end', seq, reason: reason && REASONS.includes(reason) ? reason : 'unavailable', detail: detail || undefined };
  }
  const data = f.get('d');
  if (!data) return undefined;
  if (kind === 'f') {
    const dt = f.get('dt');
    const decodeTime = dt && dt.length ? count(dt) : undefined;
    return { kind: 'fragment', seq, fragment: { kind: 'fragment', data, keyframe: f.get('k')?.toString('latin1') === '1', decodeTime } };
  }
  if (kind === 'j') {
    const [width, height, at, thumbJpeg] = [count(f.get('w')), count(f.get('hh')), count(f.get('at')), f.get('th')];
    if (width === undefined || height === undefined || at === undefined || !thumbJpeg) return undefined;
    return { kind: 'jpeg', seq, frame: { jpeg: data, thumbJpeg, width, height, source: 'rtsp', at } };
  }
  if (kind === 'i') {
    const stream = f.get('st')?.toString('latin1');
    const codec = f.get('c')?.toString('latin1') ?? '';
    const [timescale, width, height] = [count(f.get('ts')), count(f.get('w')), count(f.get('hh'))];
    if ((stream !== 'main' && stream !== 'sub') || !/^[\w.-]{1,40}$/.test(codec) || timescale === undefined || width === undefined || height === undefined) return undefined;
    return { kind: 'init', seq, stream, init: { kind: 'init', data, codec, h264: f.get('h')?.toString('latin1') === '1', timescale, width, height } };
  }
  return undefined;
}
