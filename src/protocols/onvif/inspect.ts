/**
 * Inspecting an ONVIF camera for onboarding: who it is, how far its clock is
 * off, and its video profiles with stream and snapshot URLs usable from where
 * Pantau runs. Knows nothing of the app: a target in, a report or an OnvifError out.
 */
import { readClockIn } from './clock.js';
import { OnvifError } from './errors.js';
import { OnvifSession, type OnvifCallOptions, type OnvifTarget } from './session.js';
import { rewriteMediaUri } from './uri.js';
import { leafText } from './xml.js';

export interface OnvifProfile {
  token: string;
  name: string;
  /** As the device names it: H264, H265, JPEG, MPEG4. */
  encoding: string;
  width: number | null;
  height: number | null;
  /** Host replaced by the one inspected; never carries credentials. */
  rtspUrl: string | null;
  snapshotUrl: string | null;
}

export interface OnvifDeviceReport {
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
  /** Device clock minus ours; null when the device would not tell its time. */
  clockOffsetMs: number | null;
  profiles: OnvifProfile[];
}

/** Beyond this, our clock and the device's differ enough that signing with one or the other matters. */
export const CLOCK_SKEW_TOLERANCE_MS = 5_000;
/** Cameras list a handful of profiles; past this it is a recorder, and the rest are not worth the wait. */
const MAX_PROFILES = 8;

export async function inspectOnvifDevice(target: OnvifTarget, opts: OnvifCallOptions): Promise<OnvifDeviceReport> {
  if (!target.host || !Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    throw new OnvifError('unreachable', `"${target.host}:${target.port}" is not a valid host and port.`);
  }
  const session = new OnvifSession(target, opts);
  try {
    const clockOffsetMs = await readOffset(session);
    const identity = await login(session, clockOffsetMs);
    await findMediaService(session);
    const profiles = await readProfiles(session);
    return { ...identity, clockOffsetMs, profiles };
  } finally {
    session.close();
  }
}

/** The device's clock offset, or null when it will not tell without a login. */
export async function readOffset(session: OnvifSession): Promise<number | null> {
  try {
    return (await readClockIn(session)).clockOffsetMs;
  } catch (err) {
    // Devices that sign even this call: go on and find out at login.
    if (err instanceof OnvifError && err.code === 'unauthorized') return null;
    throw err;
  }
}

/**
 * GetDeviceInformation is the first signed call. Tokens are stamped with the
 * device's clock, as its replay check expects; if that is refused while the
 * clocks differ widely, our own clock is tried once (some cameras report local
 * time as UTC, so the clock they show is not the one they check). Each refusal
 * counts towards the lock-out many cameras apply, hence at most two tries.
 */
export async function login(session: OnvifSession, offsetMs: number | null): Promise<Omit<OnvifDeviceReport, 'clockOffsetMs' | 'profiles'>> {
  const where = `${session.target.host}:${session.target.port}`;
  const skewed = offsetMs !== null && Math.abs(offsetMs) > CLOCK_SKEW_TOLERANCE_MS;
  const attempt = async (): Promise<string> =>
    (await session.call('GetDeviceInformation', (cb) => session.cam.getDeviceInformation(cb))).xml;
  let xml: string;
  session.useClockOffset(offsetMs ?? 0);
  try {
    xml = await attempt();
  } catch (err) {
    if (!(err instanceof OnvifError) || err.code !== 'unauthorized') throw err;
    if (!session.target.username) {
      throw new OnvifError('unauthorized', `${where} requires a username and password.`, { cause: err });
    }
    if (!skewed) {
      const unknown = offsetMs === null ? ' (It would not tell its time without a login, so a clock far off cannot be ruled out.)' : '';
      throw new OnvifError(
        'unauthorized',
        `${where} refused the username or password. Some cameras (Hikvision among them) keep ONVIF users apart from web login users.${unknown}`,
        { cause: err },
      );
    }
    session.useClockOffset(0);
    try {
      xml = await attempt();
    } catch (err2) {
      if (err2 instanceof OnvifError && err2.code === 'unauthorized') {
        throw new OnvifError(
          'clock_skew',
          `${where} refused the login and its clock is ${describeOffset(offsetMs)} ours, too far for WS-Security. ` +
            'Set the camera\'s time (or turn on NTP) and try again; if its clock is right, check the username and password.',
          { cause: err2 },
        );
      }
      throw err2;
    }
  }
  const field = (name: string): string => leafText(xml, name) ?? '';
  return {
    manufacturer: field('Manufacturer'),
    model: field('Model'),
    firmwareVersion: field('FirmwareVersion'),
    serialNumber: field('SerialNumber'),
    hardwareId: field('HardwareId'),
  };
}

export function describeOffset(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const parts = s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
  return `${parts} ${ms >= 0 ? 'ahead of' : 'behind'}`;
}

/** The package needs the media service's path before any media call. */
async function findMediaService(session: OnvifSession): Promise<void> {
  const cam = session.cam;
  try {
    await session.call('GetCapabilities', (cb) => cam.getCapabilities(cb));
  } catch (err) {
    if (err instanceof OnvifError && (err.code === 'timeout' || err.code === 'unreachable')) throw err;
    // Profile T devices may only answer GetServices.
    await session.call('GetServices', (cb) => cam.getServices(true, cb));
  }
  // Media2 changes every reply's shape; Profile S media is what cameras share, so prefer it.
  cam.media2Support = !cam.uri?.media && Boolean(cam.uri?.media2);
  if (!cam.uri?.media && !cam.uri?.media2) {
    throw new OnvifError('no_profiles', `${session.target.host}:${session.target.port} has no ONVIF media service, so no video profiles.`);
  }
}

async function readProfiles(session: OnvifSession): Promise<OnvifProfile[]> {
  const where = `${session.target.host}:${session.target.port}`;
  let list: unknown;
  try {
    list = (await session.call('GetProfiles', (cb) => session.cam.getProfiles(cb))).data;
  } catch (err) {
    // The package trips over an empty GetProfilesResponse; its raw reply tells the truth.
    const xml = session.lastReply;
    if (xml !== undefined && /GetProfilesResponse/.test(xml) && !/<(?:[\w.-]+:)?Profiles\b/.test(xml)) {
      throw new OnvifError('no_profiles', `${where} has no media profiles configured.`);
    }
    throw err;
  }
  const video = (Array.isArray(list) ? list : []).map(toProfile).filter((p): p is RawProfile => p !== null);
  if (video.length === 0) throw new OnvifError('no_profiles', `${where} has no video profiles configured.`);
  const out: OnvifProfile[] = [];
  for (const p of video.slice(0, MAX_PROFILES)) {
    const rtsp = await mediaUri(session, 'GetStreamUri', p.token);
    const snapshot = await mediaUri(session, 'GetSnapshotUri', p.token);
    out.push({
      ...p,
      rtspUrl: rtsp === null ? null : rewriteMediaUri(rtsp, session.target.host),
      snapshotUrl: snapshot === null ? null : rewriteMediaUri(snapshot, session.target.host),
    });
  }
  return out;
}

type RawProfile = Omit<OnvifProfile, 'rtspUrl' | 'snapshotUrl'>;

function toProfile(raw: unknown): RawProfile | null {
  const p = asRecord(raw);
  const token = asRecord(p.$).token;
  const vec = asRecord(p.videoEncoderConfiguration);
  if (typeof token !== 'string' && typeof token !== 'number') return null;
  if (vec.encoding === undefined) return null; // audio or metadata only
  const res = asRecord(vec.resolution);
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    token: String(token),
    name: p.name === undefined ? String(token) : String(p.name),
    encoding: String(vec.encoding),
    width: num(res.width),
    height: num(res.height),
  };
}

/** A profile's stream or snapshot URI; null when the device refuses it for that profile. */
async function mediaUri(session: OnvifSession, op: 'GetStreamUri' | 'GetSnapshotUri', profileToken: string): Promise<string | null> {
  const cam = session.cam;
  try {
    const { xml } =
      op === 'GetStreamUri'
        ? await session.call(op, (cb) => cam.getStreamUri({ protocol: 'RTSP', stream: 'RTP-Unicast', profileToken }, cb))
        : await session.call(op, (cb) => cam.getSnapshotUri({ profileToken }, cb));
    return leafText(xml, 'Uri') ?? null;
  } catch (err) {
    // A SOAP fault (no snapshot support, a JPEG-only profile) concerns this profile only.
    if (err instanceof OnvifError && err.code === 'bad_response' && session.lastFault !== undefined) return null;
    throw err;
  }
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}
