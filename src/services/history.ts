/**
 * Uptime and outages over any window. Whole days come from day rollups (summed in SQL); the
 * partial days at the edges, and days not rolled up yet, come from flips. Raw probe results are
 * never scanned, so a year for a thousand cameras stays fast.
 */
import { addSeconds, emptySeconds, secondsByStatus, statusTimeline, uptimeRatio, type StatusSeconds } from '../domain/timeline.js';
import { computeUptime, type OpenOutage, type UptimeReport } from '../domain/uptime.js';
import { BUCKET_MS, splitWindow } from '../domain/rollup.js';
import type { Flip } from '../domain/status.js';
import type { Store } from '../store/index.js';
import { sumDayRollups, type SummedDays } from '../store/rollups.js';

export const DAY_ROLLED_MARKER = 'rollup.day';
/** The start of the first local month without month rollups (all months before it are written). */
export const MONTH_ROLLED_MARKER = 'rollup.month';

export const WINDOWS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, '90d': 90 * 86_400_000, '365d': 365 * 86_400_000 } as const;
export type WindowName = keyof typeof WINDOWS;

/** The domain's report, with seconds per status taken from rollups where whole days allow. */
export type CameraUptime = UptimeReport;

export class History {
  constructor(
    private readonly store: Store,
    private readonly tzOffsetMinutes: number,
  ) {}

  /** One camera's uptime, outages, MTTR and MTBF over [from, to). */
  camera(cameraId: string, from: number, to: number): CameraUptime {
    const { before, flips } = this.store.flips.forWindow(cameraId, from, to);
    const edge = this.withOpenOutage(cameraId, from, before, flips);
    // Outages and their durations come from the flips; seconds per status from rollups + edges.
    const byFlips = computeUptime({ ...edge, from, to });
    const seconds = this.seconds(from, to, edge.flips, edge.initialStatus, sumDayRollups(this.store.db, ...this.rolledDays(from, to), cameraId).get(cameraId));
    const uptime = uptimeRatio(seconds);
    const started = byFlips.outageCount;
    return { ...byFlips, seconds, uptime, mtbfSeconds: started > 0 ? seconds.up / started : null };
  }

  /** Seconds per status and uptime of every camera over [from, to), for reports. */
  all(cameraIds: readonly string[], from: number, to: number): Map<string, { seconds: StatusSeconds; uptime: number | null }> {
    const [dFrom, dTo] = this.rolledDays(from, to);
    const sums = sumDayRollups(this.store.db, dFrom, dTo);
    const hasDays = dTo > dFrom;
    // Flips are read only for the edges (all of the window when no whole day is rolled up yet).
    const head = this.store.flips.forWindowAll(from, hasDays ? dFrom : to);
    const tail = hasDays ? this.store.flips.forWindowAll(dTo, to) : new Map<string, { before: Flip | null; flips: Flip[] }>();
    const out = new Map<string, { seconds: StatusSeconds; uptime: number | null }>();
    for (const id of cameraIds) {
      const h = head.get(id) ?? { before: null, flips: [] };
      let seconds: StatusSeconds;
      if (hasDays) {
        const t = tail.get(id) ?? { before: null, flips: [] };
        seconds = addSeconds(
          addSeconds(span(h.flips, from, dFrom, h.before?.to), daySeconds(sums.get(id), (dTo - dFrom) / BUCKET_MS.day)),
          span(t.flips, dTo, to, t.before?.to),
        );
      } else {
        seconds = span(h.flips, from, to, h.before?.to);
      }
      out.set(id, { seconds, uptime: uptimeRatio(seconds) });
    }
    return out;
  }

  /** Uptime of each local day in the last `days` days (today partial), oldest first; null where nothing was known. */
  daily(cameraId: string, days: number, now: number): { day: number; uptime: number | null }[] {
    const tzMs = this.tzOffsetMinutes * 60_000;
    const today = Math.floor((now + tzMs) / 86_400_000) * 86_400_000 - tzMs;
    const from = today - (days - 1) * 86_400_000;
    const rolled = new Map(this.store.rollups.range('day', from, today + 86_400_000, cameraId).map((r) => [r.bucketStart, r]));
    const rolledUntil = this.store.rollups.getMarker(DAY_ROLLED_MARKER) ?? -Infinity;
    const out: { day: number; uptime: number | null }[] = [];
    for (let day = from; day <= today; day += 86_400_000) {
      const r = rolled.get(day);
      // Days not rolled up yet (today, or before the nightly job) come from flips.
      const seconds = r ? r.secondsByStatus : day >= rolledUntil ? this.camera(cameraId, day, Math.min(day + 86_400_000, now)).seconds : null;
      out.push({ day, uptime: seconds ? uptimeRatio(seconds) : null });
    }
    return out;
  }

  private seconds(from: number, to: number, flips: readonly Flip[], initial: Flip['to'], days: SummedDays | undefined): StatusSeconds {
    const [dFrom, dTo] = this.rolledDays(from, to);
    if (dTo <= dFrom) return span(flips, from, to, initial);
    const inHead = flips.filter((f) => f.at < dFrom);
    const statusAtTail = [initial, ...flips.filter((f) => f.at < dTo).map((f) => f.to)].pop()!;
    return addSeconds(
      addSeconds(span(inHead, from, dFrom, initial), daySeconds(days, (dTo - dFrom) / BUCKET_MS.day)),
      span(flips.filter((f) => f.at >= dTo), dTo, to, statusAtTail),
    );
  }

  /** The whole local days inside [from, to) that have been rolled up: [start, end), possibly empty. */
  private rolledDays(from: number, to: number): [number, number] {
    const rolledUntil = this.store.rollups.getMarker(DAY_ROLLED_MARKER) ?? -Infinity;
    const split = splitWindow(from, Math.max(from + 1, Math.min(to, rolledUntil)), this.tzOffsetMinutes);
    return split.days ? [split.days.from, split.days.to] : [from, from];
  }

  private withOpenOutage(cameraId: string, from: number, before: Flip | null, flips: Flip[]) {
    const initialStatus = before?.to ?? 'unknown';
    let openOutage: OpenOutage | undefined;
    if (initialStatus === 'degraded' || initialStatus === 'down' || initialStatus === 'unknown') {
      const running = this.store.flips.outageAt(cameraId, from);
      if (running) openOutage = running;
    }
    return { flips, initialStatus, ...(openOutage ? { openOutage } : {}) };
  }
}

function span(flips: readonly Flip[], from: number, to: number, initial: Flip['to'] | undefined): StatusSeconds {
  if (to <= from) return emptySeconds();
  return secondsByStatus(statusTimeline(flips, { from, to }, initial ?? 'unknown'));
}

/** Day sums, with days that have no rollup counted as unknown, never as up. */
function daySeconds(sums: SummedDays | undefined, expectedDays: number): StatusSeconds {
  const s = emptySeconds();
  s.up = sums?.up ?? 0;
  s.degraded = sums?.degraded ?? 0;
  s.down = sums?.down ?? 0;
  s.paused = sums?.paused ?? 0;
  s.unknown = (sums?.unknown ?? 0) + (expectedDays - (sums?.days ?? 0)) * 86_400;
  return s;
}
