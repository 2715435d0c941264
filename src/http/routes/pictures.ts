/**
 * A camera's last good picture: the newest frame its image check judged fine, as JPEG, with the
 * time the camera took it in `X-Picture-At`. For a black or frozen camera the dashboard shows it
 * beside the bad one. Live frames go over socket.io, not here.
 */
import type { Api } from '../api.js';
import { z } from '../../schemas/zod.js';
import { notFound } from '../../errors.js';
import type { GoodPictures } from '../../services/good-pictures.js';
import type { CameraRegistry } from '../../services/registry.js';
import { IdParams } from '../../schemas/common.js';

const PictureQuery = z.object({ size: z.enum(['thumb', 'full']).default('thumb') });

export function pictureRoutes(api: Api, deps: { registry: CameraRegistry; goodPictures: GoodPictures }) {
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
      404: { description: 'No such camera, or no good picture since the server started' },
    },
    handler: ({ principal, params, query, res }) => {
      const camera = deps.registry.visible(principal!, params.id);
      const picture = deps.goodPictures.get(camera.id);
      if (!picture) throw notFound('good picture');
      res
        .set({ 'X-Picture-At': new Date(picture.at).toISOString(), 'Cache-Control': 'private, no-cache' })
        .type('image/jpeg')
        .send(query.size === 'full' ? picture.jpeg : picture.thumbJpeg);
    },
  });
}
