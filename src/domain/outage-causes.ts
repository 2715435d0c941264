/**
 * Why outages happen: the fixed list of causes an owner picks from, the totals of recorded
 * causes per group (agency, site or innovation), and which open outages still lack a cause
 * after long enough that their owners are asked again.
 *
 * Pure: records and the clock come in. Must not read the store or word anything for people
 * (labels live in the dashboard's strings and the notifiers' words).
 */

/** The causes, in the order the dashboard offers them. */
export const OUTAGE_CAUSES = ['power', 'network', 'camera_hardware', 'recorder', 'cable_theft', 'configuration', 'maintenance', 'unknown'] as const;
export type OutageCause = (typeof OUTAGE_CAUSES)[number];

/** Longest free text kept in a record, and the public note (shown to citizens on the status page). */
export const NOTE_MAX = 2000;
export const FIXED_BY_MAX = 200;
export const PUBLIC_NOTE_MAX = 280;

export interface OutageForCauses {
  outageId: string;
  /** The group it is counted in: an agency, a site or an innovation name. */
  group: string;
  start: number;
  /** Null while open. */
  end: number | null;
  /** The recorded cause; null when nobody recorded one. */
  cause: OutageCause | null;
}

export interface CauseTotals {
  group: string;
  outages: number;
  /** Outages per recorded cause, every cause present (zero when none). */
  byCause: Record<OutageCause, number>;
  /** Outages nobody gave a cause for. */
  unrecorded: number;
  /** Seconds dark per cause inside the window (open outages count up to its end). */
  secondsByCause: Record<OutageCause, number>;
  unrecordedSec: number;
}

const zeroCauses = (): Record<OutageCause, number> => Object.fromEntries(OUTAGE_CAUSES.map((c) => [c, 0])) as Record<OutageCause, number>;

/**
 * Totals per group of the outages that overlap [from, to). Each outage counts once, in its group,
 * with the part of it inside the window. Groups sorted by outages (most first), then name.
 */
export function aggregateCauses(outages: readonly OutageForCauses[], from: number, to: number): CauseTotals[] {
  if (!(from < to)) throw new RangeError(`empty window: from ${from} is not before to ${to}`);
  const groups = new Map<string, CauseTotals>();
  for (const o of outages) {
    const end = o.end ?? to;
    if (o.start >= to || end <= from) continue;
    let g = groups.get(o.group);
    if (!g) groups.set(o.group, (g = { group: o.group, outages: 0, byCause: zeroCauses(), unrecorded: 0, secondsByCause: zeroCauses(), unrecordedSec: 0 }));
    const seconds = (Math.min(end, to) - Math.max(o.start, from)) / 1000;
    g.outages += 1;
    if (o.cause === null) {
      g.unrecorded += 1;
      g.unrecordedSec += seconds;
    } else {
      g.byCause[o.cause] += 1;
      g.secondsByCause[o.cause] += seconds;
    }
  }
  return [...groups.values()].sort((a, b) => b.outages - a.outages || a.group.localeCompare(b.group));
}

export interface OpenOutageForAsk {
  outageId: string;
  cameraId: string;
  start: number;
}

/**
 * Open outages older than `askAfterMs` with no recorded cause, oldest first: their owners are
 * asked again in the digest. An outage of exactly that age is not asked yet.
 */
export function outagesAskingCause(open: readonly OpenOutageForAsk[], recorded: ReadonlySet<string>, now: number, askAfterMs: number): OpenOutageForAsk[] {
  return open.filter((o) => now - o.start > askAfterMs && !recorded.has(o.outageId)).sort((a, b) => a.start - b.start || a.cameraId.localeCompare(b.cameraId));
}

/** Plain text: no control characters; a newline (and tab) only where `multiline`. */
export function isPlainText(text: string, multiline: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7f || (c < 0x20 && !(multiline && (c === 0x0a || c === 0x09 || c === 0x0d)))) return false;
  }
  return true;
}

export function isOutageCause(value: unknown): value is OutageCause {
  return typeof value === 'string' && (OUTAGE_CAUSES as readonly string[]).includes(value);
}
