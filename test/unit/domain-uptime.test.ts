import { describe, expect, it } from 'vitest';
import type { CameraStatus, Flip, FlipReason } from '../../src/domain/status.js';
import { statusAt, statusTimeline } from '../../src/domain/timeline.js';
import { computeUptime, deriveOutages } from '../../src/domain/uptime.js';

// All fixtures are written in seconds and converted here, so the arithmetic in the comments
// reads in seconds too.
const S = 1000;
const flip = (at: number, from: CameraStatus, to: CameraStatus, reason: FlipReason = 'ok'): Flip => ({
  cameraId: 'cam-1',
  at: at * S,
  from,
  to,
  reason,
});
const FROM = 1000 * S;
const TO = 2000 * S;

describe('fixture A: outages inside the window, one still open at the end', () => {
  // up before the window, then:
  const flips = [
    flip(1100, 'up', 'down', 'unreachable'),
    flip(1200, 'down', 'degraded', 'no_stream'),
    flip(1300, 'degraded', 'up'),
    flip(1500, 'up', 'degraded', 'black'),
    flip(1600, 'degraded', 'up'),
    flip(1800, 'up', 'down', 'unreachable'),
  ];
  const report = computeUptime({ flips, from: FROM, to: TO, initialStatus: 'up' });

  it('splits the window into seconds per status', () => {
    // up:       1000–1100 (100) + 1300–1500 (200) + 1600–1800 (200) = 500
    // degraded: 1200–1300 (100) + 1500–1600 (100)                  = 200
    // down:     1100–1200 (100) + 1800–2000 (200)                  = 300
    expect(report.seconds).toEqual({ up: 500, degraded: 200, down: 300, unknown: 0, paused: 0 });
    // 500 / (500 + 200 + 300) = 0.5
    expect(report.uptime).toBe(0.5);
  });

  it('derives three outages, the first spanning down and degraded', () => {
    expect(report.outages).toEqual([
      { start: 1100 * S, startKnown: true, end: 1300 * S, endedBy: 'up', cause: 'unreachable', worst: 'down', clippedFrom: 1100 * S, clippedTo: 1300 * S },
      { start: 1500 * S, startKnown: true, end: 1600 * S, endedBy: 'up', cause: 'black', worst: 'degraded', clippedFrom: 1500 * S, clippedTo: 1600 * S },
      { start: 1800 * S, startKnown: true, end: null, endedBy: null, cause: 'unreachable', worst: 'down', clippedFrom: 1800 * S, clippedTo: 2000 * S },
    ]);
    expect(report.outageCount).toBe(3);
  });

  it('computes MTTR over repaired outages and MTBF over up time', () => {
    // repaired: 1300 − 1100 = 200 and 1600 − 1500 = 100 → (200 + 100) / 2 = 150; the open one is not repaired
    expect(report.mttrSeconds).toBe(150);
    // 500 s up / 3 outages started in the window
    expect(report.mtbfSeconds).toBeCloseTo(166.667, 3);
  });
});

describe('fixture B: flips exactly on both edges, an unknown gap inside an outage, a pause', () => {
  // Down since 400 (the outage began before the window), then:
  const flips = [
    flip(1000, 'down', 'degraded', 'no_stream'), // exactly at `from`: applies from `from`
    flip(1200, 'degraded', 'unknown', 'monitor_offline'),
    flip(1500, 'unknown', 'degraded', 'monitor_resumed'),
    flip(1700, 'degraded', 'up'),
    flip(1900, 'up', 'paused', 'disabled'),
    flip(2000, 'paused', 'unknown', 'enabled'), // exactly at `to`: outside the window
  ];
  const report = computeUptime({
    flips,
    from: FROM,
    to: TO,
    initialStatus: 'down',
    openOutage: { start: 400 * S, cause: 'unreachable', worst: 'down' },
  });

  it('counts the gap as unknown and the pause as paused, both outside the ratio', () => {
    // degraded 1000–1200 (200) + 1500–1700 (200) = 400; unknown 1200–1500 = 300;
    // up 1700–1900 = 200; paused 1900–2000 = 100; down 0 (the flip at 1000 replaced it)
    expect(report.seconds).toEqual({ up: 200, degraded: 400, down: 0, unknown: 300, paused: 100 });
    // 200 / (200 + 400 + 0) = 1/3
    expect(report.uptime).toBeCloseTo(1 / 3, 12);
  });

  it('keeps one outage across the unknown gap, with its true start and first cause', () => {
    expect(report.outages).toEqual([
      { start: 400 * S, startKnown: true, end: 1700 * S, endedBy: 'up', cause: 'unreachable', worst: 'down', clippedFrom: 1000 * S, clippedTo: 1700 * S },
    ]);
    // it started before the window, so this window does not count it
    expect(report.outageCount).toBe(0);
    // but it was repaired here: 1700 − 400 = 1300
    expect(report.mttrSeconds).toBe(1300);
    expect(report.mtbfSeconds).toBeNull();
  });
});

describe('fixture C: history passed from before the window, outage open at the end', () => {
  const flips = [
    flip(500, 'unknown', 'up'),
    flip(1400, 'up', 'degraded', 'frozen'),
    flip(1450, 'degraded', 'down', 'unreachable'),
    flip(2000, 'down', 'up'), // at `to`: the outage is still open inside this window
  ];
  const report = computeUptime({ flips, from: FROM, to: TO });

  it('takes the status at `from` from the earlier flips', () => {
    // up 1000–1400 = 400; degraded 1400–1450 = 50; down 1450–2000 = 550
    expect(report.seconds).toEqual({ up: 400, degraded: 50, down: 550, unknown: 0, paused: 0 });
    expect(report.uptime).toBe(0.4); // 400 / 1000
  });

  it('names the first cause and the worst status of the open outage', () => {
    expect(report.outages).toEqual([
      { start: 1400 * S, startKnown: true, end: null, endedBy: null, cause: 'frozen', worst: 'down', clippedFrom: 1400 * S, clippedTo: 2000 * S },
    ]);
    expect(report.mttrSeconds).toBeNull();
    expect(report.mtbfSeconds).toBe(400); // 400 s up / 1 outage
  });
});

describe('small fixtures', () => {
  it('no history at all is unknown with no ratio', () => {
    const report = computeUptime({ flips: [], from: FROM, to: TO });
    expect(report.seconds).toEqual({ up: 0, degraded: 0, down: 0, unknown: 1000, paused: 0 });
    expect(report.uptime).toBeNull();
    expect(report.outages).toEqual([]);
  });

  it('an outage whose start nobody passed is reported from the window start, but not timed', () => {
    const report = computeUptime({ flips: [flip(1250, 'down', 'up')], from: FROM, to: TO, initialStatus: 'down' });
    // down 1000–1250 = 250; up 1250–2000 = 750 → 750 / 1000
    expect(report.uptime).toBe(0.75);
    expect(report.outages).toMatchObject([{ start: FROM, startKnown: false, end: 1250 * S, cause: null }]);
    expect(report.outageCount).toBe(0);
    expect(report.mttrSeconds).toBeNull();
  });

  it('a camera first seen down opens an outage; an outage starting exactly at `from` counts', () => {
    const first = computeUptime({ flips: [flip(1100, 'unknown', 'down', 'unreachable')], from: FROM, to: TO });
    expect(first.outages).toMatchObject([{ start: 1100 * S, end: null, cause: 'unreachable' }]);
    // unknown 100, down 900 → 0 / 900
    expect(first.uptime).toBe(0);
    const atEdge = computeUptime({ flips: [flip(1000, 'up', 'down', 'unreachable'), flip(1010, 'down', 'up')], from: FROM, to: TO });
    expect(atEdge.outageCount).toBe(1);
    expect(atEdge.mttrSeconds).toBe(10);
    expect(atEdge.mtbfSeconds).toBe(990); // 2000 − 1010 = 990 s up
  });

  it('pausing ends an outage without counting it as repaired', () => {
    const report = computeUptime({
      flips: [flip(1100, 'up', 'down', 'unreachable'), flip(1300, 'down', 'paused', 'disabled')],
      from: FROM,
      to: TO,
      initialStatus: 'up',
    });
    expect(report.outages).toMatchObject([{ start: 1100 * S, end: 1300 * S, endedBy: 'paused' }]);
    expect(report.mttrSeconds).toBeNull();
    // up 100, down 200, paused 700 → 100 / 300
    expect(report.uptime).toBeCloseTo(1 / 3, 12);
  });

  it('leaves out outages that ended before the window', () => {
    const flips = [flip(100, 'up', 'down', 'unreachable'), flip(200, 'down', 'up')];
    expect(deriveOutages({ flips, from: FROM, to: TO })).toEqual([]);
  });

  it('an outage ending exactly at `from` is not in the window', () => {
    const flips = [flip(900, 'up', 'down', 'unreachable'), flip(1000, 'down', 'up')];
    expect(deriveOutages({ flips, from: FROM, to: TO })).toEqual([]);
  });

  it('rejects unsorted flips and inverted windows', () => {
    expect(() => computeUptime({ flips: [flip(1500, 'up', 'down'), flip(1400, 'down', 'up')], from: FROM, to: TO })).toThrow(RangeError);
    expect(() => computeUptime({ flips: [], from: TO, to: FROM })).toThrow(RangeError);
  });
});

describe('timeline', () => {
  it('merges neighbours of one status and drops empty stretches', () => {
    const flips = [flip(1000, 'unknown', 'up'), flip(1100, 'up', 'up'), flip(1100, 'up', 'down'), flip(1100, 'down', 'up')];
    expect(statusTimeline(flips, { from: FROM, to: TO })).toEqual([{ from: FROM, to: TO, status: 'up' }]);
  });
  it('statusAt takes the last flip at or before the instant', () => {
    const flips = [flip(10, 'unknown', 'up'), flip(20, 'up', 'down')];
    expect([5, 10, 19, 20, 30].map((t) => statusAt(flips, t * S))).toEqual(['unknown', 'up', 'up', 'down', 'down']);
  });
});
