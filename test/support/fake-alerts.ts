/**
 * Alerts and contacts for notifier tests: a camera at a mosque, the message kinds built
 * around it, the real JPEG fixture as its snapshot, and a helper that expects a NotifyError.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  NotifyError,
  type AlertCamera,
  type AlertMessage,
  type Channel,
  type ContactTarget,
  type SendContext,
} from '../../src/notifiers/types.js';

/** 13.05 WITA on 29 Nov 2026. */
export const SINCE = Date.UTC(2026, 10, 29, 5, 5);

export const SNAPSHOT_JPEG = readFileSync(fileURLToPath(new URL('../fixtures/images/bars.jpg', import.meta.url)));

export const CAMERA: AlertCamera = {
  id: 'cam-7f3a',
  name: 'Gerbang Utama',
  site: 'Masjid Raya Al-Falah',
  agency: 'Dinas Kominfo',
  innovation: 'Masjid Aman',
  status: 'down',
  reason: 'unreachable',
  since: SINCE,
};

export function alert(over: Partial<AlertMessage> = {}): AlertMessage {
  return {
    kind: 'down',
    language: 'id',
    cameras: [CAMERA],
    dashboardUrl: 'https://pantau.example.go.id/#/kamera/cam-7f3a',
    ackUrl: 'https://pantau.example.go.id/ack?o=19&sig=9c1e',
    timeZone: 'Asia/Makassar',
    ...over,
  };
}

export function contact(channel: Channel, address: string, over: Partial<ContactTarget> = {}): ContactTarget {
  return { id: `contact-${channel}`, channel, address, language: 'id', ...over };
}

export function ctx(idempotencyKey = 'notif-123:attempt', signal: AbortSignal = new AbortController().signal): SendContext {
  return { signal, idempotencyKey };
}

/** Awaits a send that must fail and returns its NotifyError. */
export async function rejection(promise: Promise<unknown>): Promise<NotifyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof NotifyError) return err;
    throw new Error(`expected a NotifyError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected the send to fail, but it succeeded');
}
