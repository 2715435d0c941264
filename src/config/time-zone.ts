/** Whether the runtime knows this IANA zone name. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const TIME_ZONE_HINT = 'not a known IANA time zone, e.g. Asia/Makassar';

/** The fixed UTC offset of an IANA zone (Indonesian zones have no daylight saving). */
export function zoneOffsetMinutes(timeZone: string, at = Date.now()): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (!m) return 0; // "GMT" alone: UTC
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}
