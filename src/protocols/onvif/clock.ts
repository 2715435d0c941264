/**
 * The device's clock as it reports it (GetSystemDateAndTime, callable without a
 * login), relative to ours. Inspection uses it to sign WS-Security tokens with
 * the device's time; a liveness probe can track drift with it.
 */
import { OnvifError } from './errors.js';
import { OnvifSession, type OnvifCallOptions, type OnvifTarget } from './session.js';

export interface OnvifClockReading {
  /** The device's time as it reported it (whole seconds). */
  deviceTime: Date;
  /** Device clock minus ours, in ms: positive when the device runs ahead. */
  clockOffsetMs: number;
  roundTripMs: number;
}

/** Reads the clock within an open session. Throws OnvifError. */
export async function readClockIn(session: OnvifSession): Promise<OnvifClockReading> {
  // Some devices want GetSystemDateAndTime signed; the package then retries signed, and must
  // not stamp Created from an unset shift (it would say 1970), so sign with our clock.
  session.useClockOffset(0);
  const sentAt = Date.now();
  const { data } = await session.call('GetSystemDateAndTime', (cb) => session.cam.getSystemDateAndTime(cb));
  const receivedAt = Date.now();
  if (!(data instanceof Date) || Number.isNaN(data.getTime())) {
    throw new OnvifError('bad_response', `${session.target.host}:${session.target.port} sent an unreadable date and time.`);
  }
  // Devices report whole seconds, truncated: on average the true time is half a second later.
  const deviceMs = data.getTime() + 500;
  return {
    deviceTime: data,
    clockOffsetMs: Math.round(deviceMs - (sentAt + receivedAt) / 2),
    roundTripMs: receivedAt - sentAt,
  };
}

/**
 * Reads a device's clock offset. Credentials are only used if the device
 * insists on a signed request.
 */
export async function readOnvifClock(target: OnvifTarget, opts: OnvifCallOptions): Promise<OnvifClockReading> {
  const session = new OnvifSession(target, opts);
  try {
    return await readClockIn(session);
  } finally {
    session.close();
  }
}
