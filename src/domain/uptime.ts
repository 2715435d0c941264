/**
 * Uptime, outages, MTTR and MTBF of one camera over a window, derived from its flips.
 *
 * Pure: the window and the flips are parameters. Must not scan raw probe results, and must not
 * be used for long windows on its own: rollup.ts combines day rollups with this at the edges.
 */
import { isBad, type BadStatus, type CameraStatus, type Flip, type FlipReason } from './status.js';
import {
  checkSorted,
  checkWindow,
  secondsByStatus,
  statusTimeline,
  uptimeRatio,
  type StatusSeconds,
} from './timeline.js';

/** An outage already running before the first flip passed in. */
export interface OpenOutage {
  start: number;
  cause: FlipReason;
  worst: BadStatus;
}

export interface Outage {
  /** True start, even when it lies before the window. */
  start: number;
  /** False when the outage was already running at the earliest history given and no `openOutage` said since when. */
  startKnown: boolean;
  /** The flip back to `up` (or to `paused`); null while still open at the window's end. */
  end: number | null;
  endedBy: 'up' | 'paused' | null;
  /**
   * Reason of the flip that opened it. The first cause, not the worst: it is what the first
   * alert said and what usually needs fixing (a camera that went black and then dropped off
   * the network had a power problem first). The worst status reached is in `worst`.
   */
  cause: FlipReason | null;
  worst: BadStatus;
  /** The part of the outage inside the window. */
  clippedFrom: number;
  clippedTo: number;
}

export interface HistoryInput {
  /**
   * Sorted by `at`. May start before `from`, to set the starting status and true outage
   * starts; flips at or after `to` are ignored.
   */
  flips: readonly Flip[];
  from: number;
  to: number;
  /** Status before the first flip given. @defaultValue 'unknown' */
  initialStatus?: CameraStatus;
  /**
   * The outage already running before the first flip given: `initialStatus` is degraded or
   * down, or unknown inside an outage (Pantau was away). Ignored when it is up or paused.
   */
  openOutage?: OpenOutage;
}

export interface UptimeReport {
  from: number;
  to: number;
  seconds: StatusSeconds;
  /** up / (up + degraded + down); null when nothing was known. */
  uptime: number | null;
  /** Outages that started inside the window, so adjacent windows add up without double counting. */
  outageCount: number;
  /** Every outage overlapping the window, including one that started earlier. */
  outages: Outage[];
  /** Mean true duration of outages that recovered inside the window and whose start is known. */
  mttrSeconds: number | null;
  /** Seconds up in the window per outage started in it. */
  mtbfSeconds: number | null;
}

const worse = (a: BadStatus, b: BadStatus): BadStatus => (a === 'down' || b === 'down' ? 'down' : 'degraded');

interface Running {
  start: number;
  startKnown: boolean;
  cause: FlipReason | null;
  worst: BadStatus;
}

function initialOutage(input: HistoryInput): Running | null {
  const status = input.initialStatus ?? 'unknown';
  if (status === 'up' || status === 'paused') return null;
  if (input.openOutage) {
    const { start, cause, worst } = input.openOutage;
    return { start, startKnown: true, cause, worst: isBad(status) ? worse(worst, status) : worst };
  }
  if (!isBad(status)) return null;
  const earliest = Math.min(input.from, input.flips[0]?.at ?? input.from);
  return { start: earliest, startKnown: false, cause: null, worst: status };
}

/**
 * Outages overlapping [from, to). One opens at a flip into `degraded` or `down` when none is
 * running (usually from `up`; also the first status of a new camera), and ends at the flip to
 * `up` — or to `paused`, since a camera an admin switched off is no longer failing. Moving
 * between `degraded` and `down` stays the same outage, and so does `unknown` in between
 * (Pantau restarted or was away): not knowing is not recovering.
 */
export function deriveOutages(input: HistoryInput): Outage[] {
  const { from, to, flips } = input;
  checkWindow(input);
  checkSorted(flips);
  const outages: Outage[] = [];
  const close = (run: Running, end: number | null, endedBy: Outage['endedBy']): void => {
    const until = end ?? to;
    if (until <= from || run.start >= to) return;
    outages.push({ ...run, end, endedBy, clippedFrom: Math.max(run.start, from), clippedTo: Math.min(until, to) });
  };
  let running = initialOutage(input);
  for (const flip of flips) {
    if (flip.at >= to) break;
    if (isBad(flip.to)) {
      running = running
        ? { ...running, worst: worse(running.worst, flip.to) }
        : { start: flip.at, startKnown: true, cause: flip.reason, worst: flip.to };
    } else if (running && (flip.to === 'up' || flip.to === 'paused')) {
      close(running, flip.at, flip.to);
      running = null;
    }
  }
  if (running) close(running, null, null);
  return outages;
}

/** Everything a dashboard or report needs about one camera over one window. */
export function computeUptime(input: HistoryInput): UptimeReport {
  const { from, to } = input;
  const seconds = secondsByStatus(statusTimeline(input.flips, input, input.initialStatus ?? 'unknown'));
  const outages = deriveOutages(input);
  const started = outages.filter((o) => o.startKnown && o.start >= from);
  const repaired = outages.filter((o) => o.endedBy === 'up' && o.startKnown && o.end !== null);
  const repairMs = repaired.reduce((sum, o) => sum + ((o.end ?? o.start) - o.start), 0);
  return {
    from,
    to,
    seconds,
    uptime: uptimeRatio(seconds),
    outageCount: started.length,
    outages,
    mttrSeconds: repaired.length > 0 ? repairMs / repaired.length / 1000 : null,
    mtbfSeconds: started.length > 0 ? seconds.up / started.length : null,
  };
}
