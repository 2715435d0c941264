/**
 * The picture in an alert follows the same rights as any other picture: the camera's owners
 * and admins get it, a pictures grant gets it, a status-only grant — or a pictures grant on a
 * private camera — gets the message in words, without the picture.
 */
import { expect, it } from 'vitest';
import type { ActionCamera, AlertAction } from '../../src/domain/alert-policy.js';
import { accessLevel, type GrantLevel } from '../../src/domain/access-level.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { audience, messageFor } from '../../src/services/alert-messages.js';
import type { Camera } from '../../src/store/cameras.js';
import type { User } from '../../src/store/users.js';

const NOW = Date.UTC(2026, 11, 1);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
const box = SecretBox.fromSecret('s'.repeat(32));

const cams: Record<string, Pick<Camera, 'id' | 'name' | 'site' | 'agency' | 'owners' | 'innovation' | 'private'>> = {
  open: { id: 'open', name: 'Pasar', site: 'Pasar', agency: 'Dinas A', owners: ['owner'], innovation: null, private: false },
  closed: { id: 'closed', name: 'Rumah Dinas', site: 'Rumah Dinas', agency: 'Dinas A', owners: ['owner'], innovation: null, private: true },
};
/** Every non-owner here holds one agency grant of this level. */
const grantOf: Record<string, GrantLevel> = { 'u-status': 'status', 'u-pictures': 'pictures', 'u-live': 'live' };
const store = {
  get: (id: string) => cams[id] as Camera | undefined,
  isOwner: (id: string, userId: string) => cams[id]?.owners.includes(userId) ?? false,
  accessOf: (id: string, viewer: { role: string; userId?: string }) => {
    const c = cams[id]!;
    return accessLevel({ admin: viewer.role === 'admin', owner: c.owners.includes(viewer.userId ?? ''), private: c.private, grant: grantOf[viewer.userId ?? ''] ?? null });
  },
};
const user = (id: string, role: User['role']): User => ({ id, username: id, displayName: id, role, language: 'en', timeZone: 'Asia/Makassar', disabled: false, grants: [], headOf: [], createdAt: 0, updatedAt: 0 });
const action = (cameraId: string): AlertAction => {
  const cam: ActionCamera = { cameraId, outageId: `${cameraId}:1`, status: 'down', cause: 'unreachable', reason: 'unreachable', worst: 'down', since: NOW - 60_000, end: null, durationSec: 60, acknowledged: null, behind: [] };
  return { key: `${cameraId}:1:alert`, kind: 'alert', site: 'Pasar', at: NOW, cameras: [cam], outageIds: [`${cameraId}:1`] };
};

function hasPicture(cameraId: string, u: User): boolean {
  const recipient = { userId: u.id, language: 'en' as const, timeZone: u.timeZone, ...audience(u, 'alert', store), sees: () => true };
  const message = messageFor(action(cameraId), recipient, { publicUrl: 'https://pantau.example', box, camera: (id) => store.get(id), lastGoodFrame: () => JPEG, now: NOW });
  expect(message).not.toBeNull();
  return message!.snapshot !== undefined;
}

it('attaches the picture only for those who may see it', () => {
  expect(hasPicture('open', user('admin', 'admin'))).toBe(true);
  expect(hasPicture('closed', user('owner', 'owner'))).toBe(true);
  expect(hasPicture('open', user('u-pictures', 'viewer'))).toBe(true);
  expect(hasPicture('open', user('u-status', 'viewer'))).toBe(false);
  expect(hasPicture('closed', user('u-pictures', 'viewer'))).toBe(false);
  expect(hasPicture('closed', user('u-live', 'viewer'))).toBe(true);
});
