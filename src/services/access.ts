/** Small role checks shared by the use cases. */
import { forbidden } from '../errors.js';
import type { Principal } from './auth.js';

export function forbiddenUnlessAdmin(principal: Principal, why: string): void {
  if (principal.user.role !== 'admin') throw forbidden(why);
}

/**
 * Whether this user may see this camera's picture (frames, live video). Today that is the same
 * as seeing the camera at all: owners, admins and grants by agency, site or camera.
 */
export function maySeePictures(registry: { visible(principal: Principal, id: string): unknown }, principal: Principal, cameraId: string): boolean {
  try {
    registry.visible(principal, cameraId);
    return true;
  } catch {
    return false;
  }
}
