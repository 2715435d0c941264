/**
 * Web Push on this phone: ask the server for its VAPID key, subscribe through the service
 * worker, and register the subscription as a `webpush` contact. Unavailable (hidden) when the
 * browser or the server cannot do it.
 */
import { get, send } from './api';
import { lang } from './i18n';

export type PushState = 'unsupported' | 'no-server' | 'denied' | 'off' | 'on';

export async function pushState(): Promise<PushState> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  const key = await get<{ key: string }>('/api/push/vapid-public-key').catch(() => null);
  if (!key || key.status !== 200) return 'no-server';
  if (Notification.permission === 'denied') return 'denied';
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = await reg?.pushManager.getSubscription();
  return sub ? 'on' : 'off';
}

export async function enablePush(): Promise<PushState> {
  const key = await get<{ key: string }>('/api/push/vapid-public-key');
  if (key.status !== 200) return 'no-server';
  if ((await Notification.requestPermission()) !== 'granted') return 'denied';
  const reg = await navigator.serviceWorker.ready;
  const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(key.body.key) });
  const res = await send('POST', '/api/contacts', { channel: 'webpush', address: JSON.stringify(sub), language: lang() });
  return res.status < 300 ? 'on' : 'off';
}

function fromBase64Url(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(s.length / 4) * 4, '=');
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
