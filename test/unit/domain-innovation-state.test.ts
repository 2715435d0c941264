/** The leadership report's state per innovation, its group sums, and the state changes the digest names. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE_THRESHOLDS, groupReports, innovationState, stateChanges, type CameraFigures } from '../../src/domain/innovation-state.js';

const DAY = 86_400_000;
const NOW = 1000 * DAY;
const S = (up: number, dark: number) => ({ up, dark, known: up + dark });
const healthyWindow = S(30 * 86_400, 0);

const base = { cameras: 1, recent: healthyWindow, before: S(90 * 86_400, 0), recentOutages: 0, darkSince: [null] as (number | null)[] };

describe('innovationState', () => {
  it('is healthy when nothing is wrong', () => {
    expect(innovationState(base, NOW)).toEqual({ state: 'healthy', reasons: [] });
  });

  it('is dead when every camera has been dark without a break for longer than deadAfterDays', () => {
    const dead = innovationState({ ...base, cameras: 2, recent: S(0, 60 * 86_400), darkSince: [NOW - 31 * DAY, NOW - 45 * DAY] }, NOW);
    expect(dead.state).toBe('dead');
    expect(dead.reasons).toEqual(['all_dark_long', 'dark_most_of_recent', 'uptime_falling']);
  });

  it('is not dead at exactly deadAfterDays, nor while one camera still works', () => {
    expect(innovationState({ ...base, recent: S(0, 30 * 86_400), darkSince: [NOW - 30 * DAY] }, NOW).state).toBe('dying');
    expect(innovationState({ ...base, cameras: 2, recent: S(29 * 86_400, 31 * 86_400), darkSince: [NOW - 40 * DAY, null] }, NOW).state).toBe('dying');
    expect(innovationState({ ...base, cameras: 2, recent: S(30 * 86_400, 30 * 86_400), darkSince: [NOW - 40 * DAY, null] }, NOW).state).not.toBe('dead');
  });

  it('is dying when dark for more than dyingDarkShare of the recent known time, not at exactly that share', () => {
    expect(innovationState({ ...base, recent: S(14 * 86_400, 16 * 86_400), darkSince: [NOW - 3 * DAY] }, NOW)).toEqual({ state: 'dying', reasons: ['dark_most_of_recent', 'uptime_falling'] });
    expect(innovationState({ ...base, recent: S(15 * 86_400, 15 * 86_400), before: S(15, 15) }, NOW).state).toBe('healthy');
  });

  it('judges darkness over known time only: unknown time neither darkens nor brightens', () => {
    // 10 days dark, 5 up, 15 unknown (not in known): dark 2/3 of what was known.
    expect(innovationState({ ...base, recent: { up: 5 * 86_400, dark: 10 * 86_400, known: 15 * 86_400 } }, NOW).state).toBe('dying');
  });

  it('is at risk after repeated outages (per camera on average)', () => {
    expect(innovationState({ ...base, cameras: 2, darkSince: [null, null], recentOutages: 6 }, NOW)).toEqual({ state: 'at_risk', reasons: ['repeated_outages'] });
    expect(innovationState({ ...base, cameras: 2, darkSince: [null, null], recentOutages: 5 }, NOW).state).toBe('healthy');
  });

  it('is at risk when recent uptime fell by uptimeFallBy or more from the window before', () => {
    const fell = innovationState({ ...base, recent: S(0.9 * 30, 0.1 * 30), before: S(0.99 * 90, 0.01 * 90) }, NOW);
    expect(fell).toEqual({ state: 'at_risk', reasons: ['uptime_falling'] });
    expect(innovationState({ ...base, recent: S(0.95 * 30, 0.05 * 30), before: S(0.99 * 90, 0.01 * 90) }, NOW).state).toBe('healthy');
    // Exactly the threshold counts as falling.
    expect(innovationState({ ...base, recent: S(0.9, 0.1), before: S(0.95, 0.05) }, NOW).state).toBe('at_risk');
    // Nothing known before: nothing to fall from.
    expect(innovationState({ ...base, recent: S(0.5, 0.49), before: S(0, 0) }, NOW).state).toBe('healthy');
  });

  it('is unknown when nothing was measured recently and nothing is dark', () => {
    expect(innovationState({ ...base, recent: S(0, 0), before: S(0, 0) }, NOW).state).toBe('unknown');
    expect(innovationState({ ...base, cameras: 0, recent: S(0, 0), before: S(0, 0), darkSince: [] }, NOW).state).toBe('unknown');
  });

  it('takes its thresholds from the configuration', () => {
    const g = { ...base, recent: S(20, 10), darkSince: [NOW - 10 * DAY] };
    expect(innovationState(g, NOW).state).toBe('at_risk'); // uptime fell from 100 % to 67 %
    expect(innovationState(g, NOW, { ...DEFAULT_STATE_THRESHOLDS, dyingDarkShare: 0.3 }).state).toBe('dying');
    expect(innovationState(g, NOW, { ...DEFAULT_STATE_THRESHOLDS, deadAfterDays: 7, dyingDarkShare: 0.9 }).state).toBe('dead');
    expect(() => innovationState(g, NOW, { ...DEFAULT_STATE_THRESHOLDS, dyingDarkShare: 0 })).toThrow(RangeError);
  });
});

const camera = (over: Partial<CameraFigures>): CameraFigures => ({
  cameraId: 'c',
  group: 'Masjid Aman',
  launchedOn: 900 * DAY,
  daysMonitored: 100,
  months: [],
  recent: healthyWindow,
  before: S(90 * 86_400, 0),
  outages: 0,
  recentOutages: 0,
  longestOutageMs: 0,
  causes: {},
  darkSince: null,
  ...over,
});

describe('groupReports', () => {
  const m1 = 930 * DAY;
  const m2 = 960 * DAY;

  it('sums its cameras: months, uptime since launch, days dark, longest outage, causes and the unrecorded', () => {
    const [r] = groupReports(
      [
        camera({ cameraId: 'a', launchedOn: 910 * DAY, daysMonitored: 80, months: [{ month: m1, seconds: S(30 * 86_400, 0) }, { month: m2, seconds: S(20 * 86_400, 10 * 86_400) }], outages: 3, longestOutageMs: 5 * DAY, causes: { power: 2 } }),
        camera({ cameraId: 'b', launchedOn: 900 * DAY, months: [{ month: m2, seconds: S(30 * 86_400, 0) }], outages: 1, longestOutageMs: DAY, causes: { network: 1 } }),
      ],
      NOW,
    );
    expect(r!.group).toBe('Masjid Aman');
    expect(r!.cameras).toBe(2);
    expect(r!.launchedOn).toBe(900 * DAY);
    expect(r!.daysMonitored).toBe(100);
    expect(r!.months).toEqual([
      { month: m1, uptime: 1 },
      { month: m2, uptime: 50 / 60 },
    ]);
    expect(r!.uptimeSinceLaunch).toBeCloseTo(80 / 90, 9);
    expect(r!.daysDark).toBe(10);
    expect(r!.longestOutageSec).toBe(5 * 86_400);
    expect(r!.outages).toBe(4);
    expect(r!.outagesByCause).toMatchObject({ power: 2, network: 1, recorder: 0 });
    expect(r!.unrecorded).toBe(1);
    expect(r!.darkNow).toBe(0);
  });

  it('gives null uptimes where nothing was known, and sorts the worst state first', () => {
    const reports = groupReports(
      [
        camera({ cameraId: 'a', group: 'Z sehat' }),
        camera({ cameraId: 'b', group: 'B mati', recent: S(0, 30 * 86_400), darkSince: NOW - 40 * DAY }),
        camera({ cameraId: 'c', group: 'A baru', recent: S(0, 0), before: S(0, 0), months: [{ month: m1, seconds: S(0, 0) }] }),
        camera({ cameraId: 'd', group: 'C berisiko', recentOutages: 4 }),
      ],
      NOW,
    );
    expect(reports.map((r) => [r.group, r.state])).toEqual([
      ['B mati', 'dead'],
      ['C berisiko', 'at_risk'],
      ['A baru', 'unknown'],
      ['Z sehat', 'healthy'],
    ]);
    const fresh = reports.find((r) => r.group === 'A baru')!;
    expect(fresh.uptimeSinceLaunch).toBeNull();
    expect(fresh.months).toEqual([{ month: m1, uptime: null }]);
    expect(reports.find((r) => r.group === 'B mati')!.darkNow).toBe(1);
  });
});

describe('stateChanges', () => {
  it('names groups whose state moved, and new ones, with the state before', () => {
    const previous = new Map([
      ['A', 'healthy'],
      ['B', 'dying'],
      ['C', 'at_risk'],
    ] as const);
    expect(stateChanges(previous, [{ group: 'A', state: 'healthy' }, { group: 'B', state: 'dead' }, { group: 'D', state: 'at_risk' }])).toEqual([
      { group: 'B', from: 'dying', to: 'dead' },
      { group: 'D', from: null, to: 'at_risk' },
    ]);
  });
});
