import { describe, expect, it } from 'vitest';
import {
  alertPolicy,
  initialAlertState,
  onFlip,
  tick,
  type AlertAction,
  type AlertPolicy,
  type CameraFacts,
} from '../../src/domain/alert-policy.js';
import type { CameraStatus, FlipReason } from '../../src/domain/status.js';

const S = 1000;
const REASON: Record<CameraStatus, FlipReason> = {
  up: 'ok',
  down: 'unreachable',
  degraded: 'frozen',
  unknown: 'monitor_offline',
  paused: 'disabled',
};

/** A fake deployment: flips go through onFlip, and the clock ticks every 10 s in between. */
class World {
  state = initialAlertState();
  readonly facts = new Map<string, CameraFacts>();
  readonly sent: AlertAction[] = [];
  private readonly status = new Map<string, CameraStatus>();
  private clock = 0;
  constructor(readonly policy: AlertPolicy = alertPolicy()) {}

  add(id: string, site: string, extra: Partial<CameraFacts> = {}): this {
    this.facts.set(id, { id, site, ...extra });
    return this;
  }
  /** Change a camera's facts from `sec` on (ticking up to it first). */
  set(id: string, patch: Partial<CameraFacts>, sec = this.clock / S): void {
    this.until(sec - 0.001);
    this.facts.set(id, { ...this.facts.get(id)!, ...patch });
  }
  /** Tick every 10 s up to `sec`; ticks at a flip's own time run after the flip. */
  until(sec: number): AlertAction[] {
    const from = this.sent.length;
    for (let t = Math.floor(this.clock / 10_000) * 10_000 + 10_000; t <= sec * S; t += 10_000) {
      const r = tick(this.state, this.facts, t, this.policy);
      this.state = r.state;
      this.sent.push(...r.actions);
    }
    this.clock = Math.max(this.clock, sec * S);
    return this.sent.slice(from);
  }
  /** Pantau was not running: no ticks. */
  jump(sec: number): void {
    this.clock = sec * S;
  }
  flip(sec: number, id: string, to: CameraStatus, reason: FlipReason = REASON[to]): AlertAction[] {
    this.until(sec - 0.001);
    const from = this.status.get(id) ?? 'up';
    this.status.set(id, to);
    const r = onFlip(this.state, { cameraId: id, at: sec * S, from, to, reason }, this.facts.get(id)!, this.policy);
    this.state = r.state;
    this.sent.push(...r.actions);
    return r.actions;
  }
}

/** `kind@seconds cam(+behind,…), cam` — enough to assert who was told what, and when. */
const brief = (actions: AlertAction[]): string[] =>
  actions.map((a) => {
    const cams = a.cameras.map((c) => c.cameraId + (c.behind.length ? `(+${c.behind.map((b) => b.cameraId).join(',')})` : ''));
    return `${a.kind}@${a.at / S} ${cams.join(', ')}`;
  });

describe('grace period', () => {
  const cases: { name: string; policy?: Partial<AlertPolicy>; grace?: number; upAt?: number; expected: string[] }[] = [
    { name: 'back within grace: nothing, not even a recovery', upAt: 60, expected: [] },
    { name: 'back one second before grace ends: nothing', upAt: 119, expected: [] },
    { name: 'back after grace: the alert, then the recovery', upAt: 170, expected: ['alert@120 c1', 'recovery@170 c1'] },
    { name: 'still dark: one alert when the grace ends, nothing added on top', expected: ['alert@120 c1'] },
    { name: 'alerted, then back: a recovery', upAt: 1000, expected: ['alert@120 c1', 'recovery@1000 c1'] },
    { name: "the camera's own grace wins", grace: 300, expected: ['alert@300 c1'] },
    { name: 'grace 0: at the flip itself', grace: 0, expected: ['alert@0 c1'] },
    { name: 'a group window set in the config adds nothing to alerts', policy: { groupWindowSec: 600 }, expected: ['alert@120 c1'] },
  ];
  it.each(cases)('$name', ({ policy, grace, upAt, expected }) => {
    const w = new World(alertPolicy(policy)).add('c1', 'A', grace === undefined ? {} : { graceSec: grace });
    w.flip(0, 'c1', 'down');
    if (upAt !== undefined) w.flip(upAt, 'c1', 'up');
    w.until(3000);
    expect(brief(w.sent)).toEqual(expected);
  });

  it('the recovery says how long the outage lasted, with stable keys', () => {
    const w = new World().add('c1', 'A');
    w.flip(0, 'c1', 'down');
    w.flip(1000, 'c1', 'up');
    const [alert, recovery] = w.sent;
    expect(alert).toMatchObject({ key: 'c1:0:alert', kind: 'alert', site: 'A', outageIds: ['c1:0'] });
    expect(alert?.cameras[0]).toMatchObject({ status: 'down', cause: 'unreachable', since: 0, durationSec: 120 });
    expect(recovery).toMatchObject({ key: 'c1:0:recovery', kind: 'recovery', site: 'A', at: 1000 * S, outageIds: ['c1:0'] });
    expect(recovery?.cameras[0]).toMatchObject({ status: 'up', since: 0, end: 1000 * S, durationSec: 1000, worst: 'down' });
  });
});

describe('grouping by site', () => {
  const w = new World().add('a1', 'A').add('a2', 'A').add('a3', 'A').add('a4', 'A').add('b1', 'B');
  w.flip(0, 'a1', 'down');
  w.flip(20, 'a2', 'down');
  w.flip(30, 'b1', 'down');
  w.flip(50, 'a3', 'down');
  w.flip(200, 'a4', 'down');
  w.until(1000);

  it('sends one message for three cameras of a site, one for the other site, one for a latecomer', () => {
    expect(brief(w.sent)).toEqual(['group@120 a1, a2, a3', 'alert@150 b1', 'alert@320 a4']);
  });

  it('names the group after its first outage and lists every outage in it', () => {
    expect(w.sent[0]).toMatchObject({ key: 'a1:0:alert', site: 'A', outageIds: ['a1:0', 'a2:20000', 'a3:50000'] });
  });
});

describe('the grace is the grouping window', () => {
  it('sends the first grace end’s message at once, with cameras dark within that grace, whatever their own grace', () => {
    const w = new World().add('a1', 'A').add('a2', 'A', { graceSec: 600 });
    w.flip(0, 'a1', 'down');
    w.flip(115, 'a2', 'down');
    w.until(2000);
    expect(brief(w.sent)).toEqual(['group@120 a1, a2']);
  });

  it('leaves out a camera that came back before the message, and one held by a mute', () => {
    const w = new World().add('a1', 'A').add('a2', 'A').add('a3', 'A', { mutedUntil: 10_000 * S });
    w.flip(0, 'a1', 'down');
    w.flip(10, 'a2', 'down');
    w.flip(40, 'a2', 'up');
    w.flip(50, 'a3', 'down');
    w.until(130);
    expect(brief(w.sent)).toEqual(['alert@120 a1']);
  });

  it('still holds a site’s recoveries for each other up to groupWindowSec', () => {
    const w = new World(alertPolicy({ groupWindowSec: 60 })).add('a1', 'A').add('a2', 'A');
    w.flip(0, 'a1', 'down');
    w.flip(10, 'a2', 'down');
    w.flip(500, 'a1', 'up');
    w.flip(530, 'a2', 'up');
    w.until(1000);
    expect(brief(w.sent)).toEqual(['group@120 a1, a2', 'recovery@530 a1, a2']);
  });
});

describe('inhibition by a parent', () => {
  const kids = ['c1', 'c2', 'c3', 'c4', 'c5'];
  const site = (): World => {
    const w = new World().add('r', 'A');
    for (const k of kids) w.add(k, 'A', { parentId: 'r' });
    kids.forEach((k, i) => w.flip(i * 2, k, 'down'));
    w.flip(5, 'r', 'down');
    return w;
  };

  it('alerts the parent once, listing the five children behind it', () => {
    const w = site();
    w.until(1000);
    expect(brief(w.sent)).toEqual(['alert@130 r(+c1,c2,c3,c4,c5)']);
    expect(w.sent[0]?.outageIds).toHaveLength(6);
  });

  it('sends one recovery for the parent, listing the children that came back with it', () => {
    const w = site();
    w.until(1000);
    const mark = w.sent.length;
    ['c1', 'c2', 'c3', 'c4'].forEach((k, i) => w.flip(1000 + i * 2, k, 'up'));
    w.flip(1003, 'r', 'up');
    w.flip(1010, 'c5', 'up');
    w.until(2000);
    const recoveries = w.sent.slice(mark);
    expect(brief(recoveries)).toEqual(['recovery@1010 r(+c1,c2,c3,c4,c5)']);
    expect(recoveries[0]?.cameras[0]?.durationSec).toBe(998);
    expect(recoveries[0]?.cameras[0]?.behind.map((b) => b.durationSec)).toEqual([1000, 1000, 1000, 1000, 1002]);
  });

  it('alerts a child on its own when it stays dark after the parent is back', () => {
    const w = site();
    w.until(1000);
    ['c1', 'c2', 'c3', 'c4'].forEach((k) => w.flip(1001, k, 'up'));
    w.flip(1003, 'r', 'up');
    w.until(2000);
    expect(brief(w.sent.slice(1))).toEqual(['recovery@1070 r(+c1,c2,c3,c4)', 'alert@1070 c5']);
  });

  it('gives a child alerted before its parent failed its own recovery entry', () => {
    const w = new World().add('r', 'A').add('c1', 'A', { parentId: 'r' }).add('c2', 'A', { parentId: 'r' });
    w.flip(0, 'c1', 'down');
    w.flip(500, 'r', 'down');
    w.flip(500, 'c2', 'down');
    w.flip(1000, 'c1', 'up');
    w.flip(1001, 'c2', 'up');
    w.flip(1002, 'r', 'up');
    w.until(2000);
    expect(brief(w.sent)).toEqual(['alert@120 c1', 'alert@620 r(+c2)', 'recovery@1002 c1, r(+c2)']);
  });

  it('lists everything behind the top-most dead device of a chain', () => {
    const w = new World().add('router', 'A').add('nvr', 'A', { parentId: 'router' });
    w.add('k1', 'A', { parentId: 'nvr' }).add('k2', 'A', { parentId: 'nvr' });
    for (const id of ['k1', 'k2', 'nvr']) w.flip(0, id, 'down');
    w.flip(3, 'router', 'down');
    w.until(1000);
    expect(brief(w.sent)).toEqual(['alert@130 router(+k1,k2,nvr)']);
  });

  it('does not hold children back behind a parent that is only degraded', () => {
    const w = new World().add('nvr', 'A').add('k1', 'A', { parentId: 'nvr' });
    w.flip(0, 'nvr', 'degraded');
    w.flip(0, 'k1', 'down');
    w.until(1000);
    expect(brief(w.sent)).toEqual(['group@120 k1, nvr']);
  });
});

describe('one outage through restarts and status changes', () => {
  it('survives a monitor_offline/monitor_resumed pair without a new alert or a fake recovery', () => {
    const w = new World().add('c1', 'A');
    w.flip(0, 'c1', 'down');
    w.until(300);
    w.flip(300, 'c1', 'unknown', 'monitor_offline');
    w.jump(900);
    w.flip(900, 'c1', 'down', 'monitor_resumed');
    w.until(1100);
    w.flip(1200, 'c1', 'up');
    expect(brief(w.sent)).toEqual(['alert@120 c1', 'recovery@1200 c1']);
    expect(w.sent[1]?.cameras[0]).toMatchObject({ since: 0, durationSec: 1200, cause: 'unreachable', reason: 'unreachable' });
  });

  it('alerts an outage whose grace ran out while Pantau was away once, when it is back', () => {
    const w = new World().add('c1', 'A');
    w.flip(0, 'c1', 'down');
    w.flip(60, 'c1', 'unknown', 'monitor_offline');
    w.jump(600);
    w.flip(600, 'c1', 'down', 'monitor_resumed');
    w.flip(700, 'c1', 'up');
    w.until(1000);
    expect(brief(w.sent)).toEqual(['alert@600 c1', 'recovery@700 c1']);
    expect(w.sent[0]?.cameras[0]).toMatchObject({ since: 0, durationSec: 600 });
  });

  it('sends no second alert for degraded → down → degraded, and keeps the first cause', () => {
    const w = new World().add('c1', 'A');
    w.flip(0, 'c1', 'degraded', 'frozen');
    w.flip(100, 'c1', 'down');
    w.flip(400, 'c1', 'degraded', 'black');
    w.flip(1000, 'c1', 'up');
    w.until(2000);
    expect(brief(w.sent)).toEqual(['alert@120 c1', 'recovery@1000 c1']);
    expect(w.sent[0]?.cameras[0]).toMatchObject({ status: 'down', cause: 'frozen', worst: 'down' });
    expect(w.sent[1]?.cameras[0]).toMatchObject({ cause: 'frozen', reason: 'black', worst: 'down', durationSec: 1000 });
  });

  it('closes an alerted outage when an admin pauses the camera, saying so', () => {
    const w = new World().add('c1', 'A');
    w.flip(0, 'c1', 'down');
    w.flip(500, 'c1', 'paused');
    w.until(1000);
    expect(brief(w.sent)).toEqual(['alert@120 c1', 'recovery@500 c1']);
    expect(w.sent[1]?.cameras[0]?.status).toBe('paused');
  });
});

describe('flapping', () => {
  it('holds per-flip alerts, sends one notice, and alerts when it settles dark', () => {
    const w = new World().add('c1', 'A');
    w.set('c1', { flappingSince: 400 }, 400);
    for (let t = 400; t < 2000; t += 200) w.flip(t, 'c1', t % 400 === 0 ? 'down' : 'up');
    w.flip(2000, 'c1', 'down');
    w.set('c1', { flappingSince: null }, 3500);
    w.until(4000);
    expect(brief(w.sent)).toEqual(['flapping@400 c1', 'alert@3500 c1']);
    expect(w.sent[0]).toMatchObject({ key: 'c1:flapping:400' });
    expect(w.sent[1]?.cameras[0]).toMatchObject({ since: 2000 * S });
  });

  it('still sends the recovery of an outage alerted before the flapping began', () => {
    const w = new World().add('c1', 'A');
    w.flip(0, 'c1', 'down');
    w.until(300);
    w.set('c1', { flappingSince: 400 }, 400);
    w.flip(400, 'c1', 'up');
    w.flip(500, 'c1', 'down');
    w.flip(600, 'c1', 'up');
    w.until(3000);
    expect(brief(w.sent)).toEqual(['alert@120 c1', 'flapping@400 c1', 'recovery@400 c1']);
  });
});
