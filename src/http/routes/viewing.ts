/**
 * Pictures over REST and the record of who watched: a camera's snapshot (for users whose grant
 * shows pictures), who watched a camera (admins and its owners) and the whole record (admins,
 * JSON or CSV). Every picture handed out is recorded.
 */
import type { Api } from '../api.js';
import { HttpError } from '../../errors.js';
import { IdParams } from '../../schemas/common.js';
import { AllViewsQuery, SnapshotQuery, ViewingPageOut, ViewsQuery } from '../../schemas/viewing.js';
import type { CameraRegistry } from '../../services/registry.js';
import type { Snapshots } from '../../services/snapshots.js';
import { MAX_EXPORT_ROWS, viewingsCsv, watcherOf, type ViewingLog, type ViewingPage } from '../../services/viewings.js';

export interface ViewingRouteDeps {
  registry: CameraRegistry;
  viewings: ViewingLog;
  snapshots: Snapshots;
  /** How long a snapshot request waits for a fresh picture. */
  pictureTimeoutMs: number;
}

/** A picture this recent is handed out as it is; an older one is fetched again first. */
const FRESH_MS = 5_000;

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const pageOut = (p: ViewingPage) => ({ ...p, items: p.items.map((v) => ({ ...v, start: iso(v.start)!, end: iso(v.end) })) });
const range = (q: { from?: string | undefined; to?: string | undefined }) => ({
  from: q.from === undefined ? undefined : Date.parse(q.from),
  to: q.to === undefined ? undefined : Date.parse(q.to),
});

export function viewingRoutes(api: Api, deps: ViewingRouteDeps) {
  const { registry, viewings } = deps;

  api.route({
    method: 'get',
    path: '/api/cameras/:id/snapshot',
    summary: "The camera's newest picture (JPEG; X-Pantau-Captured-At gives its capture time). Needs a grant that shows pictures; recorded as a viewing",
    tag: 'viewing',
    access: 'signed-in',
    params: IdParams,
    query: SnapshotQuery,
    responses: {
      200: { description: 'The picture', contentType: 'image/jpeg' },
      403: { description: 'picture_not_allowed: your grant shows this camera’s status only' },
      404: { description: 'No such camera, or no_picture: none came in time' },
    },
    handler: async ({ principal, params, query, req, res }) => {
      registry.visible(principal!, params.id);
      if (!registry.may(principal!, params.id, 'pictures')) throw new HttpError(403, 'picture_not_allowed', 'your access to this camera shows its status, not its picture');
      const frame = await deps.snapshots.current(params.id, FRESH_MS, deps.pictureTimeoutMs, query.size === 'thumb' ? 'thumb' : 'full');
      const jpeg = query.size === 'thumb' ? frame?.thumbJpeg : frame?.jpeg;
      if (!frame || !jpeg) throw new HttpError(404, 'no_picture', 'the camera gave no picture in time');
      // Asked again after the wait: access may have changed meanwhile.
      if (!registry.may(principal!, params.id, 'pictures')) throw new HttpError(403, 'picture_not_allowed', 'your access to this camera shows its status, not its picture');
      viewings.snapshot(watcherOf(principal!.user.id, req.ip, req.get('user-agent')), params.id, jpeg.length);
      res.type('image/jpeg').set({ 'Cache-Control': 'no-store', 'X-Pantau-Captured-At': new Date(frame.at).toISOString() }).send(jpeg);
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/api/cameras/:id/views',
    summary: 'Who watched this camera, newest first (admins and the camera’s owners)',
    tag: 'viewing',
    access: 'signed-in',
    params: IdParams,
    query: ViewsQuery,
    responses: { 200: { description: 'A page of viewings', schema: ViewingPageOut }, 404: { description: 'No such camera' } },
    handler: ({ principal, params, query }) => pageOut(viewings.forCamera(principal!, params.id, range(query), query.limit, query.offset)),
  });

  api.route({
    method: 'get',
    path: '/api/views',
    summary: 'The viewing record, filtered by user, camera and time; JSON pages, or CSV with Accept: text/csv or ?format=csv',
    tag: 'viewing',
    access: ['admin'],
    query: AllViewsQuery,
    responses: { 200: { description: 'A page of viewings (or the CSV)', schema: ViewingPageOut } },
    handler: ({ query, req, res }) => {
      const filter = { userId: query.userId, cameraId: query.cameraId, ...range(query) };
      const wantsCsv = query.format === 'csv' || (query.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
      if (!wantsCsv) return pageOut(viewings.page(filter, query.limit, query.offset));
      const all = viewings.page(filter, MAX_EXPORT_ROWS, 0);
      res.type('text/csv; charset=utf-8').attachment('pantau-views.csv').set('X-Pantau-Total', String(all.total)).send(viewingsCsv(all.items));
      return undefined;
    },
  });
}
