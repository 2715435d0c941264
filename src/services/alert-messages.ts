/**
 * Turns a stored alert (the policy's action) into the message one contact receives: the
 * cameras in words, links to the dashboard and a signed acknowledge link, the last good
 * snapshot, in the contact's language and the user's time zone.
 */
import type { ActionCamera, AlertAction } from '../domain/alert-policy.js';
import type { AlertCamera, AlertKind, AlertMessage, Language } from '../notifiers/types.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Camera } from '../store/cameras.js';

const ACK_LINK_DAYS = 30;
const NEEDS_ACK = new Set(['alert', 'group', 'reminder', 'escalation']);

export interface MessageContext {
  publicUrl: string;
  box: SecretBox;
  camera: (id: string) => Camera | undefined;
  lastGoodFrame: (cameraId: string) => Buffer | undefined;
  now: number;
}

/** A stored action: the policy's, or a digest (which carries its own lines). */
export type StoredAction = AlertAction | (Omit<AlertAction, 'kind'> & { kind: 'digest'; digest: { title: string; lines: string[] } });

export function messageFor(action: StoredAction, recipient: { userId: string; language: Language; timeZone: string }, ctx: MessageContext): AlertMessage {
  const flat: ActionCamera[] = [];
  const walk = (cams: ActionCamera[]) => cams.forEach((c) => (flat.push(c), walk(c.behind)));
  walk(action.cameras);
  const cameras: AlertCamera[] = flat.map((c) => {
    const cam = ctx.camera(c.cameraId);
    return {
      id: c.cameraId,
      name: cam?.name ?? c.cameraId,
      site: cam?.site ?? action.site,
      agency: cam?.agency ?? '',
      ...(cam?.innovation ? { innovation: cam.innovation.name } : {}),
      status: c.status,
      reason: c.cause ?? c.reason ?? 'unknown',
      since: c.since,
      durationSec: c.durationSec,
    };
  });
  const first = cameras[0];
  const base = ctx.publicUrl.replace(/\/$/, '');
  const open = flat.filter((c) => c.outageId && !c.acknowledged).map((c) => c.outageId!);
  const message: AlertMessage = {
    kind: kindOf(action),
    language: recipient.language,
    cameras,
    dashboardUrl: cameras.length === 1 && first ? `${base}/cameras/${encodeURIComponent(first.id)}` : `${base}/`,
    timeZone: recipient.timeZone,
  };
  if (action.kind === 'digest') message.digest = action.digest;
  if (NEEDS_ACK.has(action.kind) && open.length) message.ackUrl = `${base}/ack/${ackToken(open, recipient.userId, ctx)}`;
  const jpeg = first && ctx.lastGoodFrame(first.id);
  if (jpeg) message.snapshot = { jpeg };
  return message;
}

function kindOf(action: StoredAction): AlertKind {
  switch (action.kind) {
    case 'alert':
      return action.cameras[0]?.status === 'degraded' ? 'degraded' : 'down';
    case 'recovery':
      return 'recovered';
    default:
      return action.kind;
  }
}

/** A link that acknowledges these outages as this user, valid for a month. */
export function ackToken(outageIds: string[], userId: string, ctx: Pick<MessageContext, 'box' | 'now'>): string {
  const payload = Buffer.from(JSON.stringify({ o: outageIds, u: userId, e: ctx.now + ACK_LINK_DAYS * 86_400_000 })).toString('base64url');
  return `${payload}.${ctx.box.sign(payload)}`;
}

export function readAckToken(token: string, box: SecretBox, now: number): { outageIds: string[]; userId: string } | null {
  const [payload, signature] = token.split('.');
  if (!payload || !signature || !box.verify(payload, signature)) return null;
  try {
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { o?: unknown; u?: unknown; e?: unknown };
    if (!Array.isArray(data.o) || typeof data.u !== 'string' || typeof data.e !== 'number' || data.e < now) return null;
    return { outageIds: data.o.filter((x): x is string => typeof x === 'string'), userId: data.u };
  } catch {
    return null;
  }
}
