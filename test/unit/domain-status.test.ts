import { describe, expect, it } from 'vitest';
import {
  classify,
  imageVerdictOf,
  nextImageMemory,
  type ImageMemory,
  type LayerResults,
  type ProbeResult,
  withLivenessOf,
} from '../../src/domain/status.js';

const ok = { ok: true, latencyMs: 12 };
const timeout = { ok: false, reason: 'timeout' };
const answeredBadly = { ok: false, reached: true, reason: 'status_404' };
const authFailed = { ok: false, reason: 'auth_failed' };
const image = (verdict: 'ok' | 'black' | 'covered' | 'frozen' | 'corrupt', okFlag = verdict === 'ok') => ({
  ok: okFlag,
  detail: { verdict },
});

describe('classify', () => {
  const cases: [string, LayerResults, ImageMemory | null, string, string][] = [
    ['no layer attempted', {}, null, 'unknown', 'not_checked'],
    ['tcp connect fails', { tcp: timeout }, null, 'down', 'unreachable'],
    ['every attempted layer got no reply', { tcp: timeout, onvif: timeout, rtsp: timeout }, null, 'down', 'unreachable'],
    ['all layers fine', { tcp: ok, onvif: ok, rtsp: ok, image: image('ok') }, null, 'up', 'ok'],
    ['RTSP DESCRIBE times out behind an open port', { tcp: ok, rtsp: timeout }, null, 'degraded', 'no_stream'],
    ['RTSP answers 404', { tcp: ok, rtsp: answeredBadly }, null, 'degraded', 'no_stream'],
    ['RTSP SDP has no video', { tcp: ok, rtsp: { ok: true, detail: { hasVideo: false } } }, null, 'degraded', 'no_stream'],
    ['RTSP refuses credentials', { tcp: ok, rtsp: authFailed }, null, 'degraded', 'rtsp_auth_failed'],
    ['ONVIF-only camera answering', { tcp: ok, onvif: ok }, null, 'up', 'ok'],
    ['ONVIF-only camera silent', { onvif: timeout }, null, 'down', 'unreachable'],
    ['ONVIF refuses credentials (device answered)', { onvif: authFailed }, null, 'degraded', 'onvif_auth_failed'],
    ['ONVIF broken, stream fine', { tcp: ok, onvif: answeredBadly, rtsp: ok }, null, 'degraded', 'onvif_failed'],
    ['snapshot-only camera, good frame', { image: image('ok') }, null, 'up', 'ok'],
    ['snapshot-only camera, no reply', { image: timeout }, null, 'down', 'unreachable'],
    ['snapshot-only camera, black frame', { image: image('black') }, null, 'degraded', 'black'],
    ['snapshot answered with no decodable frame', { image: answeredBadly }, null, 'degraded', 'no_frame'],
    ['frame grab got nothing while the stream answered', { tcp: ok, rtsp: ok, image: timeout }, null, 'degraded', 'no_frame'],
    ['frozen picture', { tcp: ok, rtsp: ok, image: image('frozen') }, null, 'degraded', 'frozen'],
    ['verdict wins over ok flag', { tcp: ok, rtsp: ok, image: image('covered', true) }, null, 'degraded', 'covered'],
    ['stream gone outranks a black picture', { tcp: ok, rtsp: timeout, image: image('black') }, null, 'degraded', 'no_stream'],
    ['picture outranks ONVIF', { onvif: authFailed, rtsp: ok, image: image('corrupt') }, null, 'degraded', 'corrupt'],
    ['TCP closed but ONVIF answers on its own port', { tcp: timeout, onvif: ok }, null, 'degraded', 'port_closed'],
    ['liveness round reuses a black verdict', { tcp: ok, rtsp: ok }, { verdict: 'black', at: 0 }, 'degraded', 'black'],
    ['liveness round reuses a good verdict', { tcp: ok, rtsp: ok }, { verdict: 'ok', at: 0 }, 'up', 'ok'],
    ['fresh verdict replaces the remembered one', { tcp: ok, image: image('ok') }, { verdict: 'frozen', at: 0 }, 'up', 'ok'],
    ['memory cannot make an unreachable camera degraded', { tcp: timeout }, { verdict: 'black', at: 0 }, 'down', 'unreachable'],
  ];
  it.each(cases)('%s', (_name, layers, memory, status, reason) => {
    expect(classify(layers, memory)).toEqual({ status, reason });
  });
});

describe('image memory', () => {
  const probe = (layers: LayerResults, at = 5_000): ProbeResult => ({ cameraId: 'cam-1', at, layers });
  const previous: ImageMemory = { verdict: 'black', at: 1_000 };

  it('takes the verdict of a reached image round, stamped with the round time', () => {
    const p = probe({ tcp: ok, image: image('frozen') });
    expect(nextImageMemory(p, classify(p.layers, previous), previous)).toEqual({ verdict: 'frozen', at: 5_000 });
  });
  it('keeps the previous verdict when the round had no image layer', () => {
    const p = probe({ tcp: ok, rtsp: ok });
    expect(nextImageMemory(p, classify(p.layers, previous), previous)).toBe(previous);
  });
  it('keeps the previous verdict when the round was unreachable', () => {
    const p = probe({ tcp: timeout, image: timeout });
    expect(nextImageMemory(p, classify(p.layers, previous), previous)).toBe(previous);
  });
  it('records no_frame when the camera answered but gave no picture', () => {
    const p = probe({ tcp: ok, image: timeout });
    expect(nextImageMemory(p, classify(p.layers, null), null)).toEqual({ verdict: 'no_frame', at: 5_000 });
  });
  it('imageVerdictOf learns nothing from a fetch that never reached the camera', () => {
    expect(imageVerdictOf(timeout)).toBeNull();
    expect(imageVerdictOf({ ok: true })).toBe('ok');
    expect(imageVerdictOf({ ok: false, reached: true })).toBe('no_frame');
  });
});

describe('skipped checks', () => {
  it('count as not attempted: the verdict comes from the checks made, the picture memory stays', () => {
    const layers = { tcp: { ok: true }, rtsp: { ok: false, reached: true }, image: { ok: false, skipped: true, reason: 'skipped' } };
    expect(classify(layers)).toEqual({ status: 'degraded', reason: 'no_stream' });
    expect(classify({ image: { ok: false, skipped: true } })).toEqual({ status: 'unknown', reason: 'not_checked' });
    const memory = { verdict: 'black' as const, at: 1 };
    expect(nextImageMemory({ cameraId: 'c', at: 2, layers }, { status: 'degraded', reason: 'no_stream' }, memory)).toBe(memory);
  });
});

describe('an image round judged with the newest liveness layers', () => {
  const imageRound = (layer: ProbeResult['layers']['image']): ProbeResult => ({ cameraId: 'c', at: 1, layers: { image: layer } });
  const streamReset: LayerResults = { tcp: ok, rtsp: { ok: false, reached: true, reason: 'reset' } };

  it('names the stream problem the liveness round found when the picture itself came', () => {
    const judged = withLivenessOf(imageRound({ ok: true, detail: { verdict: 'ok' } }), streamReset);
    expect(classify(judged.layers)).toEqual({ status: 'degraded', reason: 'no_stream' });
  });

  it('judges an image check that reached nothing alone: the camera may have died since', () => {
    const judged = withLivenessOf(imageRound(timeout), { tcp: ok, rtsp: ok });
    expect(judged.layers).toEqual({ image: timeout });
    expect(classify(judged.layers)).toEqual({ status: 'down', reason: 'unreachable' });
  });

  it('stands a skipped image check on the liveness layers', () => {
    const skipped = { ok: false, skipped: true, reason: 'skipped' };
    const judged = withLivenessOf(imageRound(skipped), streamReset);
    expect(classify(judged.layers)).toEqual({ status: 'degraded', reason: 'no_stream' });
  });
});
