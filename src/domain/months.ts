/**
 * Local calendar months at a fixed offset east of UTC (as rollups use for days): where a month
 * starts, the next one, and the starts over a span. Pure arithmetic; zones with daylight saving
 * are not handled, like the day rollups.
 */

/** Start of the local month holding `t`. */
export function monthStartOf(t: number, tzOffsetMinutes: number): number {
  const tzMs = tzOffsetMinutes * 60_000;
  const local = new Date(t + tzMs);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - tzMs;
}

/** Start of the local month after the one holding `t`. */
export function nextMonthStart(t: number, tzOffsetMinutes: number): number {
  const tzMs = tzOffsetMinutes * 60_000;
  const local = new Date(t + tzMs);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1) - tzMs;
}

/** Starts of the local months from the one holding `from` through the one holding `to`, oldest first. */
export function monthsBetween(from: number, to: number, tzOffsetMinutes: number): number[] {
  const out: number[] = [];
  for (let m = monthStartOf(from, tzOffsetMinutes); m <= to; m = nextMonthStart(m, tzOffsetMinutes)) out.push(m);
  return out;
}
