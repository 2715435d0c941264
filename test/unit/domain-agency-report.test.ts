import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DARK_AFTER_MS,
  agencyReport,
  darkCamera,
  zoneOf,
  type CameraHealth,
} from '../../src/domain/agency-report.js';

const DAY = 86_400_000;
const NOW = 100 * DAY;

describe('zoneOf at the exact thresholds (green ≥ 99 %, yellow ≥ 95 %)', () => {
  const cases: [number | null, string][] = [
    [1, 'green'],
    [0.99, 'green'],
    [99 / 100, 'green'],
    [(0.99 + 0.99 + 0.99) / 3, 'green'], // 0.9899999999999999 in floating point: still 99 %
    [0.98999, 'yellow'],
    [0.95, 'yellow'],
    [(0.95 + 0.95 + 0.95) / 3, 'yellow'], // 0.9499999999999998
    [0.94999, 'red'],
    [0, 'red'],
    [null, 'unknown'],
  ];
  it.each(cases)('%s → %s', (uptime, zone) => {
    expect(zoneOf(uptime)).toBe(zone);
  });

  it('takes configured thresholds', () => {
    const strict = { green: 0.999, yellow: 0.9 };
    expect([0.999, 0.998, 0.9, 0.899].map((u) => zoneOf(u, strict))).toEqual(['green', 'yellow', 'yellow', 'red']);
  });
});

describe('dark cameras (down or degraded for more than 7 days)', () => {
  const cam = (status: CameraHealth['status'], since: number): CameraHealth => ({
    cameraId: 'c',
    agency: 'Dinas Kominfo',
    uptime: 0,
    status,
    since,
  });
  it.each([
    ['down exactly 7 days', cam('down', NOW - 7 * DAY), false],
    ['down 7 days and 1 ms', cam('down', NOW - 7 * DAY - 1), true],
    ['degraded 30 days', cam('degraded', NOW - 30 * DAY), true],
    ['paused 30 days', cam('paused', NOW - 30 * DAY), false],
    ['unknown 30 days', cam('unknown', NOW - 30 * DAY), false],
    ['up 30 days', cam('up', NOW - 30 * DAY), false],
  ] as const)('%s', (_name, camera, dark) => {
    expect(darkCamera(camera, NOW) !== null).toBe(dark);
  });
  it('defaults to seven days', () => {
    expect(DEFAULT_DARK_AFTER_MS).toBe(7 * DAY);
  });
});

describe('agencyReport', () => {
  const cameras: CameraHealth[] = [
    // Dinas Kesehatan: 0.999, 0.97, 0.90 → mean 2.869 / 3 = 0.956333… → yellow
    { cameraId: 'kes-1', agency: 'Dinas Kesehatan', uptime: 0.999, status: 'up', since: NOW - DAY },
    { cameraId: 'kes-2', agency: 'Dinas Kesehatan', uptime: 0.97, status: 'degraded', since: NOW - 2 * DAY },
    { cameraId: 'kes-3', cameraName: 'Puskesmas gate', agency: 'Dinas Kesehatan', innovation: 'Puskesmas Pintar', uptime: 0.9, status: 'down', since: NOW - 10 * DAY },
    // Dinas Perhubungan: 0.99 and 0.99 → green; one camera never known
    { cameraId: 'hub-1', agency: 'Dinas Perhubungan', uptime: 0.99, status: 'up', since: NOW - DAY },
    { cameraId: 'hub-2', agency: 'Dinas Perhubungan', uptime: 0.99, status: 'up', since: NOW - DAY },
    { cameraId: 'hub-3', agency: 'Dinas Perhubungan', uptime: null, status: 'unknown', since: NOW - DAY },
    // Kecamatan Banjar: 0.5 → red; dark 8 and 20 days
    { cameraId: 'bjr-2', agency: 'Kecamatan Banjar', uptime: 0.5, status: 'degraded', since: NOW - 8 * DAY },
    { cameraId: 'bjr-1', agency: 'Kecamatan Banjar', uptime: null, status: 'down', since: NOW - 20 * DAY },
    // Satpol PP: nothing known, paused
    { cameraId: 'pp-1', agency: 'Satpol PP', uptime: null, status: 'paused', since: NOW - 40 * DAY },
  ];
  const report = agencyReport(cameras, { now: NOW });

  it('zones each agency by the mean uptime of its cameras, worst first', () => {
    expect(report.agencies.map((a) => [a.agency, a.zone])).toEqual([
      ['Kecamatan Banjar', 'red'],
      ['Dinas Kesehatan', 'yellow'],
      ['Dinas Perhubungan', 'green'],
      ['Satpol PP', 'unknown'],
    ]);
    const kes = report.agencies.find((a) => a.agency === 'Dinas Kesehatan');
    expect(kes?.uptime).toBeCloseTo(2.869 / 3, 12);
    expect(kes?.zones).toEqual({ green: 1, yellow: 1, red: 1, unknown: 0 });
    expect(kes?.statuses).toEqual({ up: 1, degraded: 1, down: 1, unknown: 0, paused: 0 });
    expect(kes?.cameras).toBe(3);
    expect(kes?.dark).toBe(1);
  });

  it('lists cameras dark for more than 7 days, longest first', () => {
    expect(report.dark).toEqual([
      { cameraId: 'bjr-1', agency: 'Kecamatan Banjar', status: 'down', since: NOW - 20 * DAY, darkForMs: 20 * DAY },
      { cameraId: 'kes-3', cameraName: 'Puskesmas gate', agency: 'Dinas Kesehatan', innovation: 'Puskesmas Pintar', status: 'down', since: NOW - 10 * DAY, darkForMs: 10 * DAY },
      { cameraId: 'bjr-2', agency: 'Kecamatan Banjar', status: 'degraded', since: NOW - 8 * DAY, darkForMs: 8 * DAY },
    ]);
  });

  it('moves with configured thresholds and dark age', () => {
    const lenient = agencyReport(cameras, { now: NOW, thresholds: { green: 0.95, yellow: 0.5 }, darkAfterMs: 15 * DAY });
    expect(lenient.agencies.map((a) => a.zone)).toEqual(['yellow', 'green', 'green', 'unknown']);
    expect(lenient.dark.map((d) => d.cameraId)).toEqual(['bjr-1']);
  });

  it('rejects thresholds out of order', () => {
    expect(() => agencyReport(cameras, { now: NOW, thresholds: { green: 0.9, yellow: 0.95 } })).toThrow(RangeError);
    expect(() => agencyReport(cameras, { now: NOW, thresholds: { green: 1.5, yellow: 0.95 } })).toThrow(RangeError);
  });
});
