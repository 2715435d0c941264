import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MACHINE_POLICY,
  initialState,
  machinePolicy,
  observe,
  type MachineEvent,
  type MachinePolicy,
  type MachineState,
  type Observation,
} from '../../src/domain/status-machine.js';
import type { Flip, LayerResults } from '../../src/domain/status.js';

const MIN = 60_000;
const CAM = 'cam-1';

// One letter per round: U up, D down (unreachable), G degraded (stream gone), B degraded by a
// black frame, L liveness only (no image layer), X nothing attempted, P disable, E enable.
const LAYERS: Record<string, LayerResults> = {
  U: { tcp: { ok: true }, rtsp: { ok: true } },
  D: { tcp: { ok: false, reason: 'timeout' } },
  G: { tcp: { ok: true }, rtsp: { ok: false, reached: true } },
  B: { tcp: { ok: true }, rtsp: { ok: true }, image: { ok: false, detail: { verdict: 'black' } } },
  I: { tcp: { ok: true }, rtsp: { ok: true }, image: { ok: true, detail: { verdict: 'ok' } } },
  L: { tcp: { ok: true }, rtsp: { ok: true } },
  X: {},
};

function toObservation(letter: string, at: number): Observation {
  if (letter === 'P') return { kind: 'disable' };
  if (letter === 'E') return { kind: 'enable' };
  const layers = LAYERS[letter];
  if (!layers) throw new Error(`unknown round ${letter}`);
  return { kind: 'probe', result: { cameraId: CAM, at, layers } };
}

/** Feed one round per minute from t = 0; returns the flips as `at:from>to` and what is left. */
function run(rounds: string, policy: MachinePolicy = DEFAULT_MACHINE_POLICY, start?: MachineState) {
  let state = start ?? initialState(CAM, 0);
  const flips: Flip[] = [];
  const events: MachineEvent[] = [];
  [...rounds].forEach((letter, i) => {
    const at = i * MIN;
    const result = observe(state, toObservation(letter, at), at, policy);
    state = result.state;
    if (result.flip) flips.push(result.flip);
    events.push(...result.events);
  });
  const short = flips.map((f) => `${f.at / MIN}:${f.from}>${f.to}`);
  return { state, flips, short, events };
}

describe('debounce with the defaults (N = 2 failures, M = 2 recoveries, first round adopted)', () => {
  const cases: [string, string[], string][] = [
    ['U', ['0:unknown>up'], 'up'],
    ['D', ['0:unknown>down'], 'down'],
    ['G', ['0:unknown>degraded'], 'degraded'],
    ['UD', ['0:unknown>up'], 'up'],
    ['UDD', ['0:unknown>up', '2:up>down'], 'down'],
    ['UDUDUD', ['0:unknown>up'], 'up'],
    ['UDDU', ['0:unknown>up', '2:up>down'], 'down'],
    ['UDDUU', ['0:unknown>up', '2:up>down', '4:down>up'], 'up'],
    ['UDDUDUU', ['0:unknown>up', '2:up>down', '6:down>up'], 'up'],
    // degraded and down both count as failures; the latest round names the status
    ['UGD', ['0:unknown>up', '2:up>down'], 'down'],
    ['UDG', ['0:unknown>up', '2:up>degraded'], 'degraded'],
    // moving between degraded and down needs confirming too
    ['UDDG', ['0:unknown>up', '2:up>down'], 'down'],
    ['UDDGG', ['0:unknown>up', '2:up>down', '4:down>degraded'], 'degraded'],
    ['UDDGDG', ['0:unknown>up', '2:up>down'], 'down'],
    // a round that attempted nothing neither counts nor breaks a streak
    ['UDXD', ['0:unknown>up', '3:up>down'], 'down'],
    ['XXX', [], 'unknown'],
  ];
  it.each(cases)('%s', (rounds, expected, status) => {
    const { short, state } = run(rounds);
    expect(short).toEqual(expected);
    expect(state.status).toBe(status);
  });

  it('carries the reason of the confirming round', () => {
    const { flips } = run('UGD');
    expect(flips[1]).toEqual({ cameraId: CAM, at: 2 * MIN, from: 'up', to: 'down', reason: 'unreachable' });
    expect(run('UGG').flips[1]?.reason).toBe('no_stream');
    expect(run('UDDUU').flips[2]?.reason).toBe('ok');
  });

  it('keeps a half-counted streak in the state', () => {
    expect(run('UD').state.pending).toEqual({ status: 'down', reason: 'unreachable', count: 1, firstAt: MIN });
    expect(run('UDU').state.pending).toBeNull();
  });
});

describe('debounce with other thresholds', () => {
  const cases: [string, Partial<MachinePolicy>, string, string[]][] = [
    ['N=3 M=1: two failures are not enough', { failuresToConfirm: 3, recoveriesToConfirm: 1 }, 'UDD', ['0:unknown>up']],
    ['N=3 M=1: three are', { failuresToConfirm: 3, recoveriesToConfirm: 1 }, 'UDDD', ['0:unknown>up', '3:up>down']],
    ['N=3 M=1: one success recovers', { failuresToConfirm: 3, recoveriesToConfirm: 1 }, 'UDDDU', ['0:unknown>up', '3:up>down', '4:down>up']],
    ['N=1 M=3: one failure leaves up', { failuresToConfirm: 1, recoveriesToConfirm: 3 }, 'UD', ['0:unknown>up', '1:up>down']],
    ['N=1 M=3: two successes do not recover', { failuresToConfirm: 1, recoveriesToConfirm: 3 }, 'UDUU', ['0:unknown>up', '1:up>down']],
    ['N=1 M=3: a failure restarts the count', { failuresToConfirm: 1, recoveriesToConfirm: 3 }, 'UDUUDUUU', ['0:unknown>up', '1:up>down', '7:down>up']],
    ['leaving unknown needs 2: split rounds wait', { roundsToLeaveUnknown: 2 }, 'DUD', []],
    ['leaving unknown needs 2: agreeing rounds adopt', { roundsToLeaveUnknown: 2 }, 'DUU', ['2:unknown>up']],
    ['leaving unknown needs 2: down then degraded adopts degraded', { roundsToLeaveUnknown: 2 }, 'DG', ['1:unknown>degraded']],
  ];
  it.each(cases)('%s', (_name, overrides, rounds, expected) => {
    expect(run(rounds, machinePolicy(overrides)).short).toEqual(expected);
  });

  it('rejects nonsense policies', () => {
    expect(() => machinePolicy({ failuresToConfirm: 0 })).toThrow(RangeError);
    expect(() => machinePolicy({ recoveriesToConfirm: 1.5 })).toThrow(RangeError);
    expect(() => machinePolicy({ flapQuietMs: 2 * 3_600_000 })).toThrow(RangeError);
  });
});

describe('pause and enable', () => {
  it('pauses at once, ignores probes while paused, and returns to unknown when enabled', () => {
    const { short, flips, state } = run('UPDDDED');
    expect(short).toEqual(['0:unknown>up', '1:up>paused', '5:paused>unknown', '6:unknown>down']);
    expect(flips.map((f) => f.reason)).toEqual(['ok', 'disabled', 'enabled', 'unreachable']);
    expect(state.status).toBe('down');
  });
  it('a disabled camera starts paused and says why probes are ignored', () => {
    const paused = initialState(CAM, 0, false);
    const result = observe(paused, toObservation('U', MIN), MIN);
    expect(result.ignored).toBe('paused');
    expect(result.state).toBe(paused);
    expect(observe(paused, { kind: 'disable' }, MIN).ignored).toBe('no_change');
  });
  it('drops a half-counted streak when paused', () => {
    const { state } = run('UDPE');
    expect(state.pending).toBeNull();
    expect(state.status).toBe('unknown');
  });
});

describe('ordering and clock', () => {
  it('ignores a result older than one already applied', () => {
    const first = observe(initialState(CAM, 0), toObservation('U', 10 * MIN), 10 * MIN);
    const late = observe(first.state, toObservation('D', 9 * MIN), 11 * MIN);
    expect(late.ignored).toBe('stale');
    expect(late.state).toBe(first.state);
  });
  it('stamps flips with the time the result is applied, never before the current status began', () => {
    const down = observe(initialState(CAM, 0), toObservation('D', 5 * MIN), 7 * MIN);
    expect(down.flip?.at).toBe(7 * MIN);
    const backwards = observe(down.state, { kind: 'disable' }, 6 * MIN);
    expect(backwards.flip?.at).toBe(7 * MIN);
  });
  it('refuses a probe of another camera', () => {
    const other: Observation = { kind: 'probe', result: { cameraId: 'cam-2', at: 0, layers: {} } };
    expect(() => observe(initialState(CAM, 0), other, 0)).toThrow(/cam-2/);
  });
  it('keeps the state plain JSON', () => {
    const { state } = run('UDDUBL');
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('remembered image verdict', () => {
  it('keeps a black camera degraded through liveness rounds until a good frame arrives', () => {
    // B at minute 0 is adopted from unknown. L…: liveness only, the black verdict stands.
    // I at minute 6: good frame (1st healthy round); L at 7 reuses it (2nd) → up at minute 7.
    const { short, flips } = run('BBLLLLIL');
    expect(short).toEqual(['0:unknown>degraded', '7:degraded>up']);
    expect(flips[0]?.reason).toBe('black');
  });
  it('leaves up only after the picture is confirmed bad', () => {
    expect(run('UBL').short).toEqual(['0:unknown>up', '2:up>degraded']);
  });
  it('survives an unreachable spell: the old verdict stands until a new image round', () => {
    const { short } = run('BDDLLL');
    expect(short).toEqual(['0:unknown>degraded', '2:degraded>down', '4:down>degraded']);
  });
  it('forgets a verdict older than the TTL', () => {
    const policy = machinePolicy({ imageMemoryTtlMs: 3 * MIN });
    // Black at minutes 0 and 1. At minute 4 the verdict is 3 min old (kept, TTL inclusive);
    // at minute 5 it is 4 min old → forgotten → healthy (1st); minute 6 healthy (2nd) → up.
    const { short, state } = run('BBLLLLL', policy);
    expect(short).toEqual(['0:unknown>degraded', '6:degraded>up']);
    expect(state.image).toBeNull();
  });
  it('forgets the verdict when a camera is re-enabled', () => {
    const { state } = run('BPE');
    expect(state.image).toBeNull();
  });
});

describe('flap damping (K = 6 per hour, stable after 30 quiet minutes)', () => {
  const fast = machinePolicy({ failuresToConfirm: 1, recoveriesToConfirm: 1 });

  it('reports flapping once, keeps recording flips, and reports stable once', () => {
    // Minutes 0..40 alternate U/D: unknown>up at 0 (not counted), then a counted flip every
    // minute. The 7th counted flip (minute 7) is the first above K = 6. The last flip is at
    // minute 40; 30 quiet minutes later (minute 70) the camera is stable again.
    const rounds = Array.from({ length: 41 }, (_, i) => (i % 2 === 0 ? 'U' : 'D')).join('') + 'U'.repeat(35);
    const { flips, events, state } = run(rounds, fast);
    expect(flips).toHaveLength(41);
    expect(events).toEqual([
      { type: 'flapping', cameraId: CAM, at: 7 * MIN, flipsInWindow: 7 },
      { type: 'stable', cameraId: CAM, at: 70 * MIN, flappingSince: 7 * MIN },
    ]);
    expect(state.flap).toEqual({ recent: [], flappingSince: null });
  });

  it('exactly K flips in the hour is not flapping', () => {
    const { events, state } = run('UDUDUDU', fast); // 6 counted flips
    expect(events).toEqual([]);
    expect(state.flap.recent).toHaveLength(6);
  });

  it('counts only flips inside the trailing hour', () => {
    // 6 flips in minutes 1..6, quiet until minute 62, then one more: the early flips at or
    // before minute 2 have left the window (62 - 60 = 2), so the count is 5, not 7.
    const rounds = 'UDUDUDU' + 'U'.repeat(55) + 'D';
    const { events, state } = run(rounds, fast);
    expect(events).toEqual([]);
    expect(state.flap.recent).toEqual([3, 4, 5, 6, 62].map((m) => m * MIN));
  });

  it('pausing, re-enabling and leaving unknown do not count', () => {
    const { events, state } = run('UPEUPEUPEUPE', fast);
    expect(events).toEqual([]);
    expect(state.flap.recent).toEqual([]);
  });
});

describe('a new or re-enabled camera waits for every layer that applies before showing up', () => {
  const ALL: ('tcp' | 'rtsp' | 'image')[] = ['tcp', 'rtsp', 'image'];
  const probe = (at: number, layers: LayerResults, applies = ALL): Observation => ({ kind: 'probe', result: { cameraId: CAM, at, layers, applies } });
  const liveness = LAYERS.L!;
  const black: LayerResults = { image: { ok: false, reached: true, detail: { verdict: 'black' } } };
  const fine: LayerResults = { image: { ok: true, detail: { verdict: 'ok' } } };

  it('stays unknown after a healthy liveness round until the picture is judged', () => {
    const first = observe(initialState(CAM, 0), probe(0, liveness), 0);
    expect(first).toMatchObject({ ignored: 'awaiting_layers', classification: { status: 'up' }, state: { status: 'unknown', checked: ['tcp', 'rtsp'] } });
    expect(first.flip).toBeUndefined();
    const second = observe(first.state, probe(5000, black), 5000);
    expect(second.flip).toMatchObject({ from: 'unknown', to: 'degraded', reason: 'black' });
    expect(second.state.checked).toBeUndefined();
  });

  it('goes up once the image round is fine, in either order', () => {
    const image = observe(initialState(CAM, 0), probe(0, fine), 0);
    expect(image).toMatchObject({ ignored: 'awaiting_layers', state: { status: 'unknown' } });
    expect(observe(image.state, probe(5000, liveness), 5000).flip).toMatchObject({ to: 'up' });
  });

  it('shows a failure at once: nothing a later layer says could make it up', () => {
    expect(observe(initialState(CAM, 0), probe(0, LAYERS.D!), 0).flip).toMatchObject({ to: 'down' });
    expect(observe(initialState(CAM, 0), probe(0, LAYERS.G!), 0).flip).toMatchObject({ to: 'degraded' });
  });

  it('counts a skipped check as not made', () => {
    const skipped: LayerResults = { ...liveness, image: { ok: false, skipped: true, reason: 'skipped' } };
    const r = observe(initialState(CAM, 0), probe(0, skipped), 0);
    expect(r).toMatchObject({ ignored: 'awaiting_layers', state: { status: 'unknown', checked: ['tcp', 'rtsp'] } });
  });

  it('needs no wait for layers that do not apply, nor for states kept from before', () => {
    expect(observe(initialState(CAM, 0), probe(0, liveness, ['tcp', 'rtsp']), 0).flip).toMatchObject({ to: 'up' });
    const { checked: _none, ...old } = initialState(CAM, 0);
    expect(observe(old, probe(0, liveness), 0).flip).toMatchObject({ to: 'up' });
  });

  it('does not wait when the policy says so (image checks deliberately rare)', () => {
    const policy = machinePolicy({ awaitAllLayers: false });
    expect(observe(initialState(CAM, 0), probe(0, liveness), 0, policy).flip).toMatchObject({ to: 'up' });
  });

  it('waits again after a re-enable', () => {
    let s = observe(initialState(CAM, 0), probe(0, { ...liveness, ...fine }), 0).state;
    expect(s.status).toBe('up');
    s = observe(s, { kind: 'disable' }, 1000).state;
    s = observe(s, { kind: 'enable' }, 2000).state;
    expect(s).toMatchObject({ status: 'unknown', checked: [] });
    expect(observe(s, probe(3000, liveness), 3000)).toMatchObject({ ignored: 'awaiting_layers', state: { status: 'unknown' } });
  });
});
