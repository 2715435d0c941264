/**
 * The alerts API (acknowledge, mute) as the camera page uses it. It may not exist on an older
 * server: a 404 from its list means "no alerts here", and the page hides those buttons.
 */
import { get, send } from './api';
import type { Alert, Mute } from './types';

export interface AlertState {
  alerts: Alert[] | null;
  mutes: Mute[] | null;
}

export async function loadAlerts(cameraId: string): Promise<AlertState> {
  const safely = async <T>(path: string): Promise<T[] | null> => {
    try {
      const res = await get<T[]>(path);
      return res.status === 200 && Array.isArray(res.body) ? res.body : null;
    } catch {
      return null;
    }
  };
  const [alerts, mutes] = await Promise.all([safely<Alert>(`/api/alerts?cameraId=${encodeURIComponent(cameraId)}&days=30`), safely<Mute>('/api/mutes')]);
  return { alerts, mutes };
}

/** Acknowledges one outage (whether or not an alert went out for it yet). */
export const acknowledge = (outage: string) => send<{ outageId: string; by: string; at: string }>('POST', `/api/alerts/${encodeURIComponent(outage)}/ack`);

/** Who acknowledged an outage: from the alerts that carry it, else from this phone's own ack. */
const ackedHere = new Map<string, { by: string; at: string }>();
export const rememberAck = (outage: string, ack: { by: string; at: string }) => ackedHere.set(outage, ack);
export function acknowledgementOf(state: AlertState, outage: string): { by: string; at: string } | null {
  return state.alerts?.find((a) => a.outageIds.includes(outage) && a.acknowledged)?.acknowledged ?? ackedHere.get(outage) ?? null;
}

export const muteCamera = (cameraId: string, hours: number) =>
  send('POST', '/api/mutes', { cameraId, until: new Date(Date.now() + hours * 3_600_000).toISOString() });

export const unmute = (id: string) => send('DELETE', `/api/mutes/${encodeURIComponent(id)}`);

/** The outage id the alerts API uses for an outage starting at `start`. */
export const outageId = (cameraId: string, start: string) => `${cameraId}:${Date.parse(start)}`;
