/**
 * One alert, several recipients: each message holds only the cameras its recipient may see
 * (those behind a hidden parent take its place), an escalation shows an agency's head that
 * agency's cameras, and the acknowledge link names only outages the recipient may acknowledge.
 */
import { describe, expect, it } from 'vitest';
import type { ActionCamera, AlertAction } from '../../src/domain/alert-policy.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { audience, messageFor, readAckToken } from '../../src/services/alert-messages.js';
import type { Camera } from '../../src/store/cameras.js';
import type { User } from '../../src/store/users.js';

const box = SecretBox.fromSecret('s'.repeat(32));
const NOW = Date.UTC(2026, 11, 1);

const cameras: Record<string, Pick<Camera, 'id' | 'name' | 'site' | 'agency' | 'owners' | 'innovation'>> = {
  router: { id: 'router', name: 'Router', site: 'Kantor', agency: 'Dinas PU', owners: ['u-a'], innovation: null },
  cam1: { id: 'cam1', name: 'Loket', site: 'Kantor', agency: 'Dinas PU', owners: ['u-b'], innovation: null },
  cam2: { id: 'cam2', name: 'Parkir', site: 'Kantor', agency: 'Dinas PU', owners: ['u-c'], innovation: null },
};
/** A camera store that answers like the real one: a viewer sees what it owns. */
const store = {
  get: (id: string, viewer?: { role: string; userId?: string }) => {
    const c = cameras[id];
    if (!c || (viewer && viewer.role !== 'admin' && !c.owners.includes(viewer.userId!))) return undefined;
    return c as Camera;
  },
  isOwner: (id: string, userId: string) => cameras[id]?.owners.includes(userId) ?? false,
};

const user = (id: string, role: User['role'], headOf: string[] = []): User => ({
  id, username: id, displayName: id, role, language: 'en', timeZone: 'Asia/Makassar', disabled: false, grants: [], headOf, createdAt: 0, updatedAt: 0,
});
const cam = (cameraId: string, behind: ActionCamera[] = []): ActionCamera => ({
  cameraId, outageId: `${cameraId}:1`, status: 'down', cause: 'unreachable', reason: 'unreachable', worst: 'down', since: NOW - 60_000, end: null, durationSec: 60, acknowledged: null, behind,
});
const action = (kind: AlertAction['kind']): AlertAction => {
  const cameras = [cam('router', [cam('cam1'), cam('cam2')])];
  return { key: `router:1:${kind}`, kind, site: 'Kantor', at: NOW, cameras, outageIds: ['cam1:1', 'cam2:1', 'router:1'] };
};

function read(kind: AlertAction['kind'], u: User) {
  const recipient = { userId: u.id, language: 'en' as const, timeZone: u.timeZone, ...audience(u, kind, store) };
  const message = messageFor(action(kind), recipient, { publicUrl: 'https://pantau.example', box, camera: (id) => store.get(id), lastGoodFrame: () => undefined, now: NOW });
  const link = message?.ackUrl && readAckToken(new URL(message.ackUrl).pathname.split('/ack/')[1]!, box, NOW);
  return { message, ids: message?.cameras.map((c) => c.id), acks: link ? link.outageIds : [] };
}

describe('a message per recipient', () => {
  it('gives an owner behind a hidden router only its own camera, as its own alert', () => {
    const { message, ids, acks } = read('alert', user('u-b', 'owner'));
    expect(ids).toEqual(['cam1']);
    expect(message!.kind).toBe('down');
    expect(message!.dashboardUrl).toBe('https://pantau.example/#/kamera/cam1');
    expect(acks).toEqual(['cam1:1']);
  });

  it('gives the router’s owner only the router', () => {
    expect(read('alert', user('u-a', 'owner')).ids).toEqual(['router']);
  });

  it('gives an admin everything, with every outage in the link', () => {
    const { ids, acks } = read('alert', user('u-admin', 'admin'));
    expect(ids).toEqual(['router', 'cam1', 'cam2']);
    expect(acks).toEqual(['router:1', 'cam1:1', 'cam2:1']);
  });

  it('shows an agency head its agency’s cameras in an escalation, without a link to acknowledge them', () => {
    const head = user('u-head', 'viewer', ['Dinas PU']);
    const { ids, message } = read('escalation', head);
    expect(ids).toEqual(['router', 'cam1', 'cam2']);
    expect(message!.ackUrl).toBeUndefined();
    // Only escalations: a head reads no alert of cameras it may not otherwise see.
    expect(read('alert', head).message).toBeNull();
  });

  it('gives a disabled or deleted user nothing', () => {
    expect(read('alert', { ...user('u-b', 'owner'), disabled: true }).message).toBeNull();
    expect(audience(undefined, 'alert', store).sees('cam1')).toBe(false);
  });
});
