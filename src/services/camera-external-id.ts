/**
 * Onboarding by the admin's own inventory id (a camera's `externalId`): the refusal when a new
 * camera would take an id another camera has, and whether a save would change nothing, so that
 * running the same script or CSV again stores nothing new. No I/O of its own.
 */
import { HttpError } from '../errors.js';
import type { Camera, CameraDraft } from '../store/cameras.js';
import type { EndpointCredentials } from './camera-credentials.js';

/** The path that creates or updates the camera with this external id. */
export function externalIdPath(externalId: string): string {
  return `/api/cameras/by-external-id/${encodeURIComponent(externalId)}`;
}

/** 409: `holder` already has this external id; says which camera it is and where to update it. */
export function externalIdTaken(holder: Pick<Camera, 'id' | 'name'>, externalId: string): HttpError {
  const put = externalIdPath(externalId);
  const message = `camera "${holder.name}" (id ${holder.id}) already has external id "${externalId}"; to update it, PUT ${put}`;
  const params = { id: holder.id, name: holder.name, externalId, put };
  return new HttpError(409, 'external_id_taken', message, [{ path: 'externalId', message, code: 'external_id_taken', params }], undefined, params);
}

/**
 * Whether storing `draft` over `existing` would change nothing. Sealed secrets are compared
 * opened (each sealing differs byte for byte); owners and tags as sets.
 */
export function sameCamera(draft: CameraDraft, existing: Camera, credentials: EndpointCredentials): boolean {
  const plain = (c: CameraDraft) => ({
    externalId: c.externalId,
    name: c.name,
    site: c.site,
    location: c.location && (c.location.lat !== null || c.location.lng !== null || c.location.address !== null) ? c.location : null,
    innovation: c.innovation,
    agency: c.agency,
    owners: [...c.owners].sort(),
    checkIntervalSec: c.checkIntervalSec,
    imageCheckIntervalSec: c.imageCheckIntervalSec,
    alertGraceSec: c.alertGraceSec,
    enabled: c.enabled,
    tags: [...c.tags].sort(),
    parentId: c.parentId,
  });
  return (
    JSON.stringify(plain(draft)) === JSON.stringify(plain(existing)) &&
    credentials.sameOnvif(draft.onvif, existing.onvif) &&
    credentials.sameUrl(draft.rtsp, existing.rtsp) &&
    credentials.sameUrl(draft.snapshot, existing.snapshot)
  );
}
