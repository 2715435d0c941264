/**
 * A camera's privacy mask: the rectangles blacked out in every picture Pantau hands out
 * (snapshots, thumbnails, frames, the last good picture, alert pictures), and live view of a
 * masked camera as frames. Admins only, to read and to change: a mask also says where the
 * sensitive places are.
 */
import type { Api } from '../api.js';
import { IdParams } from '../../schemas/common.js';
import { PrivacyMaskInput, PrivacyMaskOut } from '../../schemas/privacy-mask.js';
import type { MaskView, PrivacyMasks } from '../../services/privacy-masks.js';
import type { CameraRegistry } from '../../services/registry.js';

const NO_CAMERA = { description: 'No such camera' };
const out = (v: MaskView) => ({ ...v, updatedAt: v.updatedAt === null ? null : new Date(v.updatedAt).toISOString() });

export function privacyMaskRoutes(api: Api, deps: { registry: CameraRegistry; masks: PrivacyMasks }) {
  const { registry, masks } = deps;

  api.route({
    method: 'get',
    path: '/api/cameras/:id/privacy-mask',
    summary: "The camera's privacy mask (admins)",
    tag: 'cameras',
    access: ['admin'],
    params: IdParams,
    responses: { 200: { description: 'The mask; no rectangles when it has none', schema: PrivacyMaskOut }, 404: NO_CAMERA },
    handler: ({ principal, params }) => out(masks.view(registry.visible(principal!, params.id).id)),
  });

  api.route({
    method: 'put',
    path: '/api/cameras/:id/privacy-mask',
    summary: "Sets the camera's privacy mask (admins); recorded with who and when. Its pictures are masked from now on, and its live view becomes masked frames",
    tag: 'cameras',
    access: ['admin'],
    params: IdParams,
    body: PrivacyMaskInput,
    responses: { 200: { description: 'The mask now in force', schema: PrivacyMaskOut }, 400: { description: 'validation_failed: issues name the rectangle (rects.<n>) and why' }, 404: NO_CAMERA },
    handler: ({ principal, params, body }) => out(masks.set(principal!, registry.visible(principal!, params.id).id, body.rects)),
  });
}
