import { describe, expect, it } from 'vitest';
import { parseMachineState, resumeAfterRestart, stateFromLastFlip } from '../../src/domain/restart.js';
import { initialState, observe, type MachineState, type Observation } from '../../src/domain/status-machine.js';
import type { Flip, LayerResults } from '../../src/domain/status.js';
import { computeUptime } from '../../src/domain/uptime.js';

const S = 1000;
const CAM = 'cam-1';
const UP: LayerResults = { tcp: { ok: true }, rtsp: { ok: true } };
const DOWN: LayerResults = { tcp: { ok: false, reason: 'timeout' } };
const probe = (layers: LayerResults, atSeconds: number): Observation => ({
  kind: 'probe',
  result: { cameraId: CAM, at: atSeconds * S, layers },
});

/** Apply rounds (seconds, layers) and collect the flips. */
function feed(state: MachineState, rounds: [number, LayerResults][]): { state: MachineState; flips: Flip[] } {
  const flips: Flip[] = [];
  for (const [at, layers] of rounds) {
    const r = observe(state, probe(layers, at), at * S);
    state = r.state;
    if (r.flip) flips.push(r.flip);
  }
  return { state, flips };
}

describe('restart with an open outage', () => {
  // Up at 0; down confirmed at 120 (rounds at 60 and 120). Pantau stops after its last
  // heartbeat at 300 and comes back at 900.
  const before = feed(initialState(CAM, 0), [
    [0, UP],
    [60, DOWN],
    [120, DOWN],
    [180, DOWN],
  ]);
  const resumed = resumeAfterRestart(before.state, 300 * S, 900 * S);

  it('records the time away as unknown, as a pair of bookkeeping flips', () => {
    expect(before.flips.map((f) => `${f.at / S}:${f.from}>${f.to}`)).toEqual(['0:unknown>up', '120:up>down']);
    expect(resumed.gap).toEqual({ from: 300 * S, to: 900 * S });
    expect(resumed.flips).toEqual([
      { cameraId: CAM, at: 300 * S, from: 'down', to: 'unknown', reason: 'monitor_offline' },
      { cameraId: CAM, at: 900 * S, from: 'unknown', to: 'down', reason: 'monitor_resumed' },
    ]);
  });

  it('resumes still down, with the outage start and cause intact', () => {
    expect(resumed.state.status).toBe('down');
    expect(resumed.state.since).toBe(120 * S);
    expect(resumed.state.reason).toBe('unreachable');
  });

  it('adds no flip while the camera stays down, and recovers only after M healthy rounds', () => {
    const after = feed(resumed.state, [
      [960, DOWN],
      [1020, UP],
      [1080, DOWN],
      [1140, UP],
      [1200, UP],
    ]);
    expect(after.flips).toEqual([{ cameraId: CAM, at: 1200 * S, from: 'down', to: 'up', reason: 'ok' }]);
  });

  it('gives one outage from 120 to 1200 and counts the gap as unknown, not up', () => {
    const after = feed(resumed.state, [
      [960, DOWN],
      [1140, UP],
      [1200, UP],
    ]);
    const all = [...before.flips, ...resumed.flips, ...after.flips];
    const report = computeUptime({ flips: all, from: 0, to: 1500 * S });
    // up 0–120 (120) + 1200–1500 (300) = 420; down 120–300 (180) + 900–1200 (300) = 480;
    // unknown 300–900 = 600. Uptime 420 / (420 + 480) = 0.4666…
    expect(report.seconds).toEqual({ up: 420, degraded: 0, down: 480, unknown: 600, paused: 0 });
    expect(report.uptime).toBeCloseTo(420 / 900, 12);
    expect(report.outageCount).toBe(1);
    expect(report.outages).toMatchObject([{ start: 120 * S, end: 1200 * S, cause: 'unreachable', worst: 'down' }]);
    expect(report.mttrSeconds).toBe(1080);
  });
});

describe('restart edge cases', () => {
  const upSince = (since: number): MachineState => ({ ...initialState(CAM, 0), status: 'up', reason: 'ok', since });

  it('an up camera is unknown while away and up again on return, with no recovery or outage', () => {
    const r = resumeAfterRestart(upSince(50 * S), 100 * S, 400 * S);
    expect(r.flips.map((f) => `${f.from}>${f.to}:${f.reason}`)).toEqual(['up>unknown:monitor_offline', 'unknown>up:monitor_resumed']);
    const report = computeUptime({ flips: r.flips, from: 0, to: 500 * S, initialStatus: 'up' });
    expect(report.seconds).toMatchObject({ up: 200, unknown: 300 });
    expect(report.outages).toEqual([]);
  });

  it('starts the gap no earlier than the current status', () => {
    expect(resumeAfterRestart(upSince(150 * S), 100 * S, 400 * S).gap).toEqual({ from: 150 * S, to: 400 * S });
  });

  it('records nothing for paused or unknown cameras, or an empty gap', () => {
    expect(resumeAfterRestart(initialState(CAM, 0, false), 100 * S, 400 * S).flips).toEqual([]);
    expect(resumeAfterRestart(initialState(CAM, 0), 100 * S, 400 * S).gap).toBeNull();
    expect(resumeAfterRestart(upSince(0), 400 * S, 400 * S).gap).toBeNull();
  });

  it('drops a streak counted before the stop', () => {
    const half = feed(upSince(0), [[60, DOWN]]);
    expect(half.state.pending?.count).toBe(1);
    const resumed = resumeAfterRestart(half.state, 100 * S, 400 * S).state;
    expect(resumed.pending).toBeNull();
    // one failure after the restart is not enough to leave up
    expect(feed(resumed, [[460, DOWN]]).flips).toEqual([]);
  });

  it('refuses a restart before the stop', () => {
    expect(() => resumeAfterRestart(upSince(0), 400 * S, 100 * S)).toThrow(RangeError);
  });
});

describe('stored state', () => {
  it('survives a JSON round trip and is accepted back', () => {
    const { state } = feed(initialState(CAM, 0), [
      [0, UP],
      [60, DOWN],
    ]);
    const restored = parseMachineState(JSON.parse(JSON.stringify(state)));
    expect(restored).toEqual(state);
  });

  it('rejects what it does not understand', () => {
    const good = initialState(CAM, 0);
    expect(parseMachineState(null)).toBeNull();
    expect(parseMachineState({ ...good, status: 'broken' })).toBeNull();
    expect(parseMachineState({ ...good, pending: { status: 'up' } })).toBeNull();
    expect(parseMachineState({ ...good, flap: { recent: ['x'], flappingSince: null } })).toBeNull();
  });

  it('can be rebuilt from the last flip alone', () => {
    const last: Flip = { cameraId: CAM, at: 700 * S, from: 'up', to: 'degraded', reason: 'frozen' };
    expect(stateFromLastFlip(CAM, last, 900 * S)).toMatchObject({ status: 'degraded', reason: 'frozen', since: 700 * S, pending: null });
    expect(stateFromLastFlip(CAM, null, 900 * S)).toMatchObject({ status: 'unknown', since: 900 * S });
  });
});
