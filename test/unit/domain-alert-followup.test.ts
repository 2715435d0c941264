import { describe, expect, it } from 'vitest';
import {
  acknowledge,
  alertPolicy,
  digestLines,
  initialAlertState,
  onFlip,
  openOutageOf,
  parseAlertState,
  tick,
  type AlertAction,
  type AlertPolicy,
  type AlertStep,
  type CameraFacts,
} from '../../src/domain/alert-policy.js';
import type { CameraStatus, FlipReason } from '../../src/domain/status.js';

const S = 1000;
const H = 3600;
const A = 120; // when a lone camera that went down at 0 is alerted: the grace, nothing added
const REASON: Record<CameraStatus, FlipReason> = {
  up: 'ok',
  down: 'unreachable',
  degraded: 'frozen',
  unknown: 'monitor_offline',
  paused: 'disabled',
};

/**
 * A fake deployment: flips go through onFlip and the clock ticks every `step` seconds in
 * between. `roundTrip` stores and restores the state through JSON after every call, as a
 * process that crashes between any two steps would.
 */
class World {
  state = initialAlertState();
  readonly facts = new Map<string, CameraFacts>();
  readonly sent: AlertAction[] = [];
  private readonly status = new Map<string, CameraStatus>();
  private clock = 0;
  constructor(
    readonly policy: AlertPolicy = alertPolicy(),
    readonly step = 60,
    readonly roundTrip = false,
  ) {}

  add(id: string, site: string, extra: Partial<CameraFacts> = {}): this {
    this.facts.set(id, { id, site, ...extra });
    return this;
  }
  set(id: string, patch: Partial<CameraFacts>, sec: number): void {
    this.until(sec - 0.001);
    this.facts.set(id, { ...this.facts.get(id)!, ...patch });
  }
  until(sec: number): void {
    const step = this.step * S;
    for (let t = Math.floor(this.clock / step) * step + step; t <= sec * S; t += step) {
      this.keep(tick(this.state, this.facts, t, this.policy));
    }
    this.clock = Math.max(this.clock, sec * S);
  }
  flip(sec: number, id: string, to: CameraStatus, reason: FlipReason = REASON[to]): void {
    this.until(sec - 0.001);
    const from = this.status.get(id) ?? 'up';
    this.status.set(id, to);
    this.keep(onFlip(this.state, { cameraId: id, at: sec * S, from, to, reason }, this.facts.get(id)!, this.policy));
  }
  ack(sec: number, outageId: string, by: string): void {
    this.until(sec);
    this.state = acknowledge(this.state, outageId, by, sec * S);
  }
  private keep(step: AlertStep): void {
    this.state = this.roundTrip ? parseAlertState(JSON.parse(JSON.stringify(step.state)))! : step.state;
    this.sent.push(...step.actions);
  }
}

const brief = (actions: AlertAction[]): string[] =>
  actions.map((a) => {
    const cams = a.cameras.map((c) => c.cameraId + (c.behind.length ? `(+${c.behind.map((b) => b.cameraId).join(',')})` : ''));
    return `${a.kind}${a.reminder ? `#${a.reminder}` : ''}@${a.at / S} ${cams.join(', ')}`;
  });

const REMINDED = [1, 2, 3, 4].map((n) => `reminder#${n}@${A + n * 6 * H} c1`);

describe('reminders, escalation and acknowledgement', () => {
  const cases: { name: string; policy?: Partial<AlertPolicy>; ackAt?: number; expected: string[] }[] = [
    {
      name: 'four reminders 6 h apart, then none; one escalation at 24 h',
      expected: ['alert@120 c1', ...REMINDED, `escalation@${A + 24 * H} c1`],
    },
    { name: 'acknowledged after 1 h: no reminder, no escalation', ackAt: A + H, expected: ['alert@120 c1'] },
    { name: 'acknowledged after 7 h: the first reminder only', ackAt: A + 7 * H, expected: ['alert@120 c1', REMINDED[0]!] },
    { name: 'escalation switched off', policy: { escalateAfterSec: null }, expected: ['alert@120 c1', ...REMINDED] },
    {
      name: 'a shorter escalation comes before the first reminder',
      policy: { escalateAfterSec: H },
      expected: ['alert@120 c1', `escalation@${A + H} c1`, ...REMINDED],
    },
  ];
  it.each(cases)('$name', ({ policy, ackAt, expected }) => {
    const w = new World(alertPolicy(policy)).add('c1', 'A');
    w.flip(0, 'c1', 'down');
    if (ackAt !== undefined) w.ack(ackAt, 'c1:0', 'budi');
    w.until(72 * H);
    expect(brief(w.sent)).toEqual(expected);
  });

  it('keys reminders by number and escalation once per outage', () => {
    const w = new World().add('c1', 'A');
    w.flip(0, 'c1', 'down');
    w.until(30 * H);
    expect(w.sent.map((a) => a.key)).toEqual([
      'c1:0:alert',
      'c1:0:reminder:1',
      'c1:0:reminder:2',
      'c1:0:reminder:3',
      'c1:0:reminder:4',
      'c1:0:escalation',
    ]);
  });

  it('reminds a group about all its cameras in one message', () => {
    const w = new World().add('a1', 'A').add('a2', 'A');
    w.flip(0, 'a1', 'down');
    w.flip(30, 'a2', 'down');
    w.until(7 * H);
    expect(brief(w.sent)).toEqual(['group@120 a1, a2', `reminder#1@${A + 6 * H} a1, a2`]);
  });

  it('lists the outage in the digest once its reminders are over, and when acknowledged', () => {
    const w = new World().add('c1', 'A').add('c2', 'A');
    w.flip(0, 'c1', 'down');
    w.flip(3 * H, 'c2', 'down');
    w.ack(4 * H, openOutageOf(w.state, 'c2')!.id, 'sari');
    w.until(24 * H);
    expect(digestLines(w.state, 24 * H * S).map((l) => l.cameraId)).toEqual(['c2']);
    w.until(A + 24 * H);
    const lines = digestLines(w.state, (A + 24 * H) * S);
    expect(lines.map((l) => l.cameraId)).toEqual(['c1', 'c2']);
    expect(lines[0]).toMatchObject({ site: 'A', status: 'down', since: 0, durationSec: A + 24 * H, acknowledged: null });
    expect(lines[1]?.acknowledged).toEqual({ by: 'sari', at: 4 * H * S });
  });

  it('records the first acknowledgement only, and ignores unknown outages', () => {
    const w = new World().add('c1', 'A');
    w.flip(0, 'c1', 'down');
    w.ack(300, 'c1:0', 'budi');
    w.ack(400, 'c1:0', 'sari');
    expect(w.state.outages['c1:0']?.ack).toEqual({ by: 'budi', at: 300 * S });
    expect(acknowledge(w.state, 'c9:0', 'budi', 500 * S)).toBe(w.state);
  });

  it('still sends the recovery of an acknowledged outage', () => {
    const w = new World().add('c1', 'A');
    w.flip(0, 'c1', 'down');
    w.ack(300, 'c1:0', 'budi');
    w.flip(H, 'c1', 'up');
    expect(brief(w.sent)).toEqual(['alert@120 c1', `recovery@${H} c1`]);
    expect(w.sent[1]?.cameras[0]?.acknowledged).toEqual({ by: 'budi', at: 300 * S });
  });
});

describe('mute', () => {
  it('sends the alert at the first tick after the mute ends when the camera is still dark', () => {
    const w = new World(alertPolicy(), 10).add('c1', 'A', { mutedUntil: H * S });
    w.flip(0, 'c1', 'down');
    w.until(2 * H);
    expect(brief(w.sent)).toEqual([`alert@${H} c1`]);
  });

  it('mutes a whole site, and sends one message for it when the mute ends', () => {
    const w = new World(alertPolicy(), 10).add('b1', 'B');
    for (const id of ['a1', 'a2']) w.add(id, 'A', { siteMutedUntil: H * S });
    w.flip(0, 'a1', 'down');
    w.flip(0, 'b1', 'down');
    w.flip(100, 'a2', 'down');
    w.until(2 * H);
    expect(brief(w.sent)).toEqual(['alert@120 b1', `group@${H} a1, a2`]);
  });

  it('sends nothing for an outage that began and ended inside the mute', () => {
    const w = new World(alertPolicy(), 10).add('c1', 'A', { mutedUntil: H * S });
    w.flip(0, 'c1', 'down');
    w.flip(1800, 'c1', 'up');
    w.until(2 * H);
    expect(w.sent).toEqual([]);
  });

  it('sends the recovery at once for an outage alerted before the mute began', () => {
    const w = new World(alertPolicy(), 10).add('c1', 'A');
    w.flip(0, 'c1', 'down');
    w.set('c1', { mutedUntil: 2 * H * S }, 300);
    w.flip(1000, 'c1', 'up');
    expect(brief(w.sent)).toEqual(['alert@120 c1', 'recovery@1000 c1']);
  });

  it('holds reminders and escalation while muted, then sends only the latest reminder due', () => {
    const w = new World().add('c1', 'A');
    w.flip(0, 'c1', 'down');
    w.set('c1', { mutedUntil: 30 * H * S }, 5 * H);
    w.until(25 * H);
    expect(digestLines(w.state, 25 * H * S)).toEqual([]);
    w.until(72 * H);
    expect(brief(w.sent)).toEqual(['alert@120 c1', `reminder#4@${30 * H} c1`, `escalation@${30 * H} c1`]);
  });
});

/** A bit of everything, to replay: groups, a parent, a restart, a mute, an acknowledgement. */
function scenario(w: World): World {
  w.add('a1', 'A').add('a2', 'A').add('r', 'B').add('k1', 'B', { parentId: 'r' }).add('k2', 'B', { parentId: 'r' });
  w.add('m1', 'C', { mutedUntil: 2 * H * S }).add('d1', 'C');
  w.flip(0, 'a1', 'down');
  w.flip(20, 'a2', 'degraded', 'black');
  w.flip(30, 'k1', 'down');
  w.flip(35, 'r', 'down');
  w.flip(40, 'k2', 'down');
  w.flip(50, 'm1', 'down');
  w.flip(60, 'd1', 'down');
  w.flip(100, 'd1', 'up');
  w.flip(900, 'a2', 'down');
  w.flip(1200, 'a1', 'unknown', 'monitor_offline');
  w.flip(1800, 'a1', 'down', 'monitor_resumed');
  w.ack(2 * H, 'a2:20000', 'budi');
  w.flip(3 * H, 'r', 'up');
  w.flip(3 * H + 20, 'k1', 'up');
  w.flip(8 * H, 'a1', 'up');
  w.until(30 * H);
  return w;
}

describe('replay', () => {
  const live = scenario(new World());

  it('gives the expected messages', () => {
    expect(brief(live.sent)).toEqual([
      'group@120 a1, a2',
      'alert@180 r(+k1,k2)',
      `alert@${2 * H} m1`,
      `recovery@${3 * H + 60} r(+k1)`,
      `alert@${3 * H + 60} k2`,
      `reminder#1@${A + 6 * H} a1`,
      `reminder#1@${2 * H + 6 * H} m1`,
      // held a minute in case a2, alerted with it and still dark, comes back too
      `recovery@${8 * H + 60} a1`,
      `reminder#1@${3 * H + 60 + 6 * H} k2`,
      `reminder#2@${2 * H + 12 * H} m1`,
      `reminder#2@${3 * H + 60 + 12 * H} k2`,
      `reminder#3@${2 * H + 18 * H} m1`,
      `reminder#3@${3 * H + 60 + 18 * H} k2`,
      `reminder#4@${2 * H + 24 * H} m1`,
      `escalation@${2 * H + 24 * H} m1`,
      `reminder#4@${3 * H + 60 + 24 * H} k2`,
      `escalation@${3 * H + 60 + 24 * H} k2`,
    ]);
  });

  it('gives the same actions and keys when run again from the same start', () => {
    expect(scenario(new World()).sent).toEqual(live.sent);
  });

  it('gives the same actions when the state is stored and restored between every step', () => {
    expect(scenario(new World(alertPolicy(), 60, true)).sent).toEqual(live.sent);
  });

  it('never repeats a key', () => {
    const keys = live.sent.map((a) => a.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives the same keys when a backlog of flips is read late, without ticks in between', () => {
    const flips: [number, string, CameraStatus][] = [
      [0, 'a1', 'down'],
      [30, 'a2', 'down'],
      [40, 'b1', 'down'],
      [60, 'b1', 'up'],
      [50, 'c1', 'down'],
      [600, 'c1', 'up'],
      [900, 'a1', 'up'],
      [905, 'a2', 'up'],
    ];
    const run = (w: World): AlertAction[] => {
      w.add('a1', 'A').add('a2', 'A').add('b1', 'B').add('c1', 'C');
      for (const [at, id, to] of [...flips].sort((x, y) => x[0] - y[0])) w.flip(at, id, to);
      w.until(2000);
      return w.sent;
    };
    const live = run(new World(alertPolicy(), 10));
    // Ticks so far apart that none falls inside the run: only the flips move the clock.
    const late = run(new World(alertPolicy(), 100_000));
    const shape = (actions: AlertAction[]): string[] => actions.map((a) => `${a.key} ${a.cameras.map((c) => c.cameraId)}`);
    expect(shape(live)).toEqual(['a1:0:alert a1,a2', 'c1:50000:alert c1', 'c1:50000:recovery c1', 'a1:0:recovery a1,a2']);
    expect(shape(late)).toEqual(shape(live));
  });
});

describe('stored state and settings', () => {
  it('restores a stored state and refuses one it does not understand', () => {
    const { state } = scenario(new World());
    expect(parseAlertState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(parseAlertState(null)).toBeNull();
    expect(parseAlertState({ version: 2, cameras: {}, outages: {} })).toBeNull();
    expect(parseAlertState({ version: 1, cameras: {}, outages: { x: { id: 'x' } } })).toBeNull();
  });

  it.each([{ graceSec: -1 }, { reminderEverySec: 0 }, { maxReminders: 1.5 }, { groupWindowSec: Number.NaN }])(
    'rejects %o',
    (bad) => expect(() => alertPolicy(bad)).toThrow(RangeError),
  );
});
