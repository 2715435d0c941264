/**
 * Acknowledge and mute as the camera page uses them. Who acknowledged an outage comes with the
 * outage list itself, so every phone shows it, not only the one that tapped.
 */
import { get, send } from './api';
import type { Mute } from './types';

/** Mutes in force; null when they cannot be read (offline with nothing saved), and the page hides muting. */
export async function loadMutes(): Promise<Mute[] | null> {
  try {
    const res = await get<Mute[]>('/api/mutes');
    return res.status === 200 && Array.isArray(res.body) ? res.body : null;
  } catch {
    return null;
  }
}

type RecordBody = { cause: string; note: string; fixedBy: string; publicNote: string };

/** Acknowledges one outage (whether or not an alert went out for it yet), by the id its list gives; with a cause, records it too. */
export const acknowledge = (outageId: string, record?: RecordBody) => send('POST', `/api/alerts/${encodeURIComponent(outageId)}/ack`, record);

/** Records (or changes: a new entry in its history) why an outage happened. */
export const recordOutage = (outageId: string, record: RecordBody) => send('PUT', `/api/outages/${encodeURIComponent(outageId)}/record`, record);

export const muteCamera = (cameraId: string, hours: number) =>
  send('POST', '/api/mutes', { cameraId, until: new Date(Date.now() + hours * 3_600_000).toISOString() });

export const unmute = (id: string) => send('DELETE', `/api/mutes/${encodeURIComponent(id)}`);
