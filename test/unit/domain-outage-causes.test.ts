/** The cause list, cause totals per group over a window, and which open outages ask again for a cause. */
import { describe, expect, it } from 'vitest';
import { aggregateCauses, isOutageCause, OUTAGE_CAUSES, outagesAskingCause, type OutageForCauses } from '../../src/domain/outage-causes.js';

const H = 3_600_000;
const DAY = 24 * H;
const o = (id: string, group: string, start: number, end: number | null, cause: OutageForCauses['cause']): OutageForCauses => ({ outageId: id, group, start, end, cause });

describe('the cause list', () => {
  it('holds the eight causes the issue names, and nothing else passes as one', () => {
    expect([...OUTAGE_CAUSES]).toEqual(['power', 'network', 'camera_hardware', 'recorder', 'cable_theft', 'configuration', 'maintenance', 'unknown']);
    for (const c of OUTAGE_CAUSES) expect(isOutageCause(c)).toBe(true);
    for (const c of ['Power', 'theft', '', null, 3, 'unreachable']) expect(isOutageCause(c)).toBe(false);
  });
});

describe('aggregateCauses', () => {
  const from = 10 * DAY;
  const to = 20 * DAY;

  it('counts each outage once in its group, by recorded cause, and the unrecorded apart', () => {
    const totals = aggregateCauses(
      [
        o('a:1', 'Diskominfo', from + DAY, from + DAY + 2 * H, 'power'),
        o('a:2', 'Diskominfo', from + 2 * DAY, from + 2 * DAY + H, 'power'),
        o('b:1', 'Diskominfo', from + 3 * DAY, from + 3 * DAY + 3 * H, null),
        o('c:1', 'Disperindag', from + 4 * DAY, from + 4 * DAY + H, 'cable_theft'),
      ],
      from,
      to,
    );
    expect(totals.map((t) => t.group)).toEqual(['Diskominfo', 'Disperindag']);
    const kominfo = totals[0]!;
    expect(kominfo.outages).toBe(3);
    expect(kominfo.byCause.power).toBe(2);
    expect(kominfo.unrecorded).toBe(1);
    expect(kominfo.secondsByCause.power).toBe(3 * 3600);
    expect(kominfo.unrecordedSec).toBe(3 * 3600);
    // Every cause is present, zero when none.
    expect(Object.keys(kominfo.byCause).sort()).toEqual([...OUTAGE_CAUSES].sort());
    expect(kominfo.byCause.network).toBe(0);
    expect(totals[1]!.byCause.cable_theft).toBe(1);
  });

  it('takes only the part of an outage inside the window; an open one runs to the window’s end', () => {
    const [t] = aggregateCauses([o('a:1', 'X', from - DAY, from + H, 'network'), o('a:2', 'X', to - 2 * H, null, 'recorder')], from, to);
    expect(t!.outages).toBe(2);
    expect(t!.secondsByCause.network).toBe(3600);
    expect(t!.secondsByCause.recorder).toBe(2 * 3600);
  });

  it('leaves out outages that end at or before the window starts, or start at or after it ends', () => {
    const totals = aggregateCauses([o('a:1', 'X', from - DAY, from, 'power'), o('a:2', 'X', to, to + H, 'power'), o('a:3', 'Y', to, null, null)], from, to);
    expect(totals).toEqual([]);
  });

  it('sorts groups by outages, most first, then by name', () => {
    const totals = aggregateCauses(
      [o('1', 'B', from, from + H, null), o('2', 'A', from, from + H, null), o('3', 'C', from, from + H, null), o('4', 'C', from + H, from + 2 * H, null)],
      from,
      to,
    );
    expect(totals.map((t) => t.group)).toEqual(['C', 'A', 'B']);
  });

  it('refuses an empty window', () => {
    expect(() => aggregateCauses([], to, from)).toThrow(RangeError);
    expect(() => aggregateCauses([], to, to)).toThrow(RangeError);
  });
});

describe('outagesAskingCause', () => {
  const now = 100 * DAY;
  const week = 7 * DAY;
  const open = [
    { outageId: 'a:1', cameraId: 'a', start: now - 10 * DAY },
    { outageId: 'b:1', cameraId: 'b', start: now - 8 * DAY },
    { outageId: 'c:1', cameraId: 'c', start: now - 3 * DAY },
    { outageId: 'd:1', cameraId: 'd', start: now - week },
  ];

  it('asks for open outages older than the limit without a cause, oldest first', () => {
    expect(outagesAskingCause(open, new Set(), now, week).map((x) => x.outageId)).toEqual(['a:1', 'b:1']);
  });

  it('does not ask again once a cause is recorded, nor for one exactly at the limit', () => {
    expect(outagesAskingCause(open, new Set(['a:1']), now, week).map((x) => x.outageId)).toEqual(['b:1']);
    expect(outagesAskingCause(open, new Set(), now + 1, week).map((x) => x.outageId)).toEqual(['a:1', 'b:1', 'd:1']);
  });
});
