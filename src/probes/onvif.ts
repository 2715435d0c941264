/**
 * ONVIF layer: does the device answer ONVIF, what is its clock offset, and does it accept our
 * login. GetSystemDateAndTime first (no login needed; gives the offset), then one signed call
 * (GetDeviceInformation) stamped with the device's clock. The offset is read afresh each round,
 * because the `onvif` package would compute it once and sign with a stale clock forever after
 * the camera's clock is reset; a refused login on a skewed camera is retried once with our own
 * clock (cameras that report local time as UTC).
 */
import type { LayerResult, OnvifDetail } from '../domain/status.js';
import { OnvifError, OnvifSession, readOnvifOffset, signInOnvif } from '../protocols/onvif/index.js';
import { elapsedSince, failed, PROBE_REASONS, type Probe, type ProbeContext, type ProbeTarget } from './types.js';

export const onvifProbe: Probe<'onvif'> = {
  layer: 'onvif',
  applies: (target) => target.onvif !== undefined,
  check: checkOnvif,
};

export async function checkOnvif(target: ProbeTarget, ctx: ProbeContext): Promise<LayerResult<OnvifDetail>> {
  if (!target.onvif) return failed(PROBE_REASONS.notConfigured, 'camera has no ONVIF address', false);
  const started = performance.now();
  const session = new OnvifSession(target.onvif, { timeoutMs: ctx.deadlineMs, signal: ctx.signal, lookup: target.lookup });
  try {
    const offset = await readOnvifOffset(session);
    const detail: OnvifDetail = offset === null ? {} : { clockOffsetMs: offset };
    if (target.onvif.username) {
      const identity = await signInOnvif(session, offset);
      if (identity.model) detail.model = identity.model;
      if (identity.firmwareVersion) detail.firmware = identity.firmwareVersion;
    }
    return { ok: true, reached: true, latencyMs: elapsedSince(started), detail };
  } catch (err) {
    if (ctx.signal.aborted) return failed(PROBE_REASONS.aborted, 'check cancelled', false);
    if (!(err instanceof OnvifError)) return failed(PROBE_REASONS.badResponse, 'the device gave an ONVIF answer that could not be read', true);
    const latencyMs = elapsedSince(started);
    switch (err.code) {
      case 'unreachable':
        return failed(PROBE_REASONS.unreachable, err.message, false, { latencyMs });
      case 'timeout':
        return failed(PROBE_REASONS.timeout, err.message, false, { latencyMs });
      case 'unauthorized':
      case 'clock_skew':
        return failed(PROBE_REASONS.authFailed, err.message, true, { latencyMs });
      default:
        return failed(PROBE_REASONS.badResponse, err.message, true, { latencyMs });
    }
  } finally {
    session.close();
  }
}
