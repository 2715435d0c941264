/**
 * A camera's last good picture: the newest frame its image check judged fine, as JPEG, with the
 * time the camera took it in `X-Picture-At`. For a black or frozen camera the dashboard shows it
 * beside the bad one. Live frames go over socket.io, not here.
 */
import type { Api } from '../api.js';
import { z } from '../../schemas/zod.js';
import { HttpError, notFound } from '../../errors.js';
import type { GoodPictures } from '../../services/good-pictures.js';
import type { CameraRegistry } from '../../services/registry.js';
import { watcherOf, type ViewingLog } from '../../services/viewings.js';
import { IdParams } from '../../schemas/common.js';

const PictureQuery = z.object({ size: z.enum(['thumb', 'full']).default('thumb') });

export function pictureRoutes(api: Api, deps: { registry: CameraRegistry; goodPictures: GoodPictures; viewings: ViewingLog }) {
  api.route({
    method: 'get',
    path: '/api/cameras/:id/last-good-picture',
    summary: 'The last picture the image check judged good (JPEG), with its capture time in X-Picture-At',
    tag: 'status',
    access: 'signed-in',
    params: IdParams,
    query: PictureQuery,
    responses: {
      200: { description: 'The picture; X-Picture-At: when the camera took it (ISO 8601)', schema: z.string().openapi({ format: 'binary' }), contentType: 'image/jpeg' },
      403: { description: 'picture_not_allowed: your grant shows this camera’s status only' },
      404: { description: 'No such camera, or no good picture since the server started' },
    },
    handler: ({ principal, params, query, req, res }) => {
      const camera = deps.registry.visible(principal!, params.id);
      // The same right as the newest picture: a status-only grant or a private camera shows no picture, old or new.
      if (!deps.registry.may(principal!, camera.id, 'pictures')) throw new HttpError(403, 'picture_not_allowed', 'your access to this camera shows its status, not its picture');
      const picture = deps.goodPictures.get(camera.id);
      if (!picture) throw notFound('good picture');
      const jpeg = query.size === 'full' ? picture.jpeg : picture.thumbJpeg;
      deps.viewings.snapshot(watcherOf(principal!.user.id, req.ip, req.get('user-agent')), camera.id, jpeg.length);
      res
        .set({ 'X-Picture-At': new Date(picture.at).toISOString(), 'Cache-Control': 'private, no-cache' })
        .type('image/jpeg')
        .send(jpeg);
    },
  });
}
