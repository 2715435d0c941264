/**
 * A round's own signal follows the caller's (one shutdown signal for every round in flight) and
 * is handed to later rounds once nobody listens on it: the caller's signal then holds one
 * listener per round signal ever in flight at once, and stopping still cancels every round.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { LayerResult, RtspDetail } from '../../src/domain/status.js';
import { createLogger } from '../../src/log.js';
import { ProbeRegistry, type LayerProbe } from '../../src/probes/index.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { Prober, type ProbedCamera } from '../../src/services/prober.js';

/** An RTSP layer that notes each round's signal, waits while `hold` is set, and leaks a listener for URLs saying so. */
function recordingProbe() {
  const signals: AbortSignal[] = [];
  let hold: Promise<void> | undefined;
  const probe: LayerProbe<'rtsp'> = {
    layer: 'rtsp',
    applies: (target) => Boolean(target.rtspUrl),
    check: async (target, ctx): Promise<LayerResult<RtspDetail>> => {
      signals.push(ctx.signal);
      if (target.rtspUrl?.includes('leak')) ctx.signal.addEventListener('abort', () => {});
      let onAbort!: () => void;
      const aborted = new Promise<void>((resolve) => (onAbort = resolve));
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      await Promise.race([hold, aborted]);
      ctx.signal.removeEventListener('abort', onAbort);
      return ctx.signal.aborted ? { ok: false, reached: false, reason: 'aborted' } : { ok: true, reached: true };
    },
  };
  return {
    probe,
    signals,
    holdUntil: (released: Promise<void>) => {
      hold = released;
    },
  };
}

const camera = (id: string, url = 'rtsp://192.0.2.1/stream'): ProbedCamera => ({ id, onvif: null, rtsp: { url, username: null, passwordEnc: null }, snapshot: null });

function setup() {
  const rec = recordingProbe();
  const prober = new Prober({
    box: SecretBox.fromSecret('round-signals-test-secret-0123456789abcdef'),
    log: createLogger('silent'),
    livenessTimeoutMs: 1000,
    imageTimeoutMs: 1000,
    probes: new ProbeRegistry().register(rec.probe),
  });
  const shutdown = new AbortController();
  return { rec, prober, shutdown, listeners: () => getEventListeners(shutdown.signal, 'abort').length };
}

describe('round signals', () => {
  it('hands a round its predecessor’s signal once nobody listens on it, keeping one listener on the caller’s', async () => {
    const { rec, prober, shutdown, listeners } = setup();
    for (let i = 0; i < 3; i++) expect((await prober.liveness(camera('a'), shutdown.signal)).layers.rtsp?.ok).toBe(true);
    expect(new Set(rec.signals).size).toBe(1);
    expect(listeners()).toBe(1);
  });

  it('keeps as many signals as rounds were in flight at once, and no more', async () => {
    const { rec, prober, shutdown, listeners } = setup();
    let release!: () => void;
    rec.holdUntil(new Promise<void>((resolve) => (release = resolve)));
    const together = [1, 2, 3].map((i) => prober.liveness(camera(`c${i}`), shutdown.signal));
    await new Promise((r) => setTimeout(r, 10));
    expect(listeners()).toBe(3);
    release();
    await Promise.all(together);
    for (let i = 0; i < 6; i++) await prober.liveness(camera('d'), shutdown.signal);
    expect(rec.signals).toHaveLength(9);
    expect(new Set(rec.signals).size).toBe(3);
    expect(listeners()).toBe(3);
  });

  it('does not reuse a signal a probe still listens on, and takes it off the caller’s', async () => {
    const { rec, prober, shutdown, listeners } = setup();
    await prober.liveness(camera('leaky', 'rtsp://192.0.2.1/leak'), shutdown.signal);
    expect(listeners()).toBe(0);
    await prober.liveness(camera('b'), shutdown.signal);
    expect(rec.signals[1]).not.toBe(rec.signals[0]);
    expect(listeners()).toBe(1);
  });

  it('cancels a round on a reused signal when the caller’s aborts, and never reuses an aborted one', async () => {
    const { rec, prober, shutdown } = setup();
    await prober.liveness(camera('a'), shutdown.signal);
    rec.holdUntil(new Promise<void>(() => {}));
    const pending = prober.liveness(camera('a'), shutdown.signal);
    await new Promise((r) => setTimeout(r, 10));
    expect(rec.signals[1]).toBe(rec.signals[0]);
    shutdown.abort();
    expect((await pending).layers.rtsp?.reason).toBe('aborted');
    const next = new AbortController();
    rec.holdUntil(Promise.resolve());
    await prober.liveness(camera('a'), next.signal);
    expect(rec.signals[2]).not.toBe(rec.signals[0]);
    expect(rec.signals[2]?.aborted).toBe(false);
  });
});
