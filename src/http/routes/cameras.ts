/** The camera registry over REST, and CSV import. Ownership and grants are enforced by the registry. */
import express from 'express';
import { z } from '../../schemas/zod.js';
import type { Api } from '../api.js';
import type { Principal } from '../../services/auth.js';
import { publicView, type CameraRegistry } from '../../services/registry.js';
import type { AccessLevel } from '../../domain/access-level.js';
import type { OpenOutageView, Reports } from '../../services/reports.js';
import type { Camera } from '../../store/cameras.js';
import { importCameras } from '../../services/camera-import.js';
import { exportCamerasCsv } from '../../services/camera-export.js';
import type { Store } from '../../store/index.js';
import { IdParams } from '../../schemas/common.js';
import { CameraInput, CameraOut, CameraPatch, ExternalIdParams } from '../../schemas/camera.js';
import { StatusName } from '../../schemas/status.js';

const OpenOutage = z
  .object({ id: z.string(), start: z.string(), acknowledged: z.object({ by: z.string(), at: z.string() }).nullable() })
  .nullable()
  .describe('the outage going on now (null when the camera is not dark), and who acknowledged it');

const CameraWithStatus = CameraOut.extend({
  status: z.object({ status: StatusName, since: z.string(), reason: z.string(), flapping: z.boolean(), outage: OpenOutage }),
}).openapi('CameraWithStatus');

const ImportQuery = z.object({
  partial: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

const ImportReport = z
  .object({
    imported: z.number().describe('rows written: created plus updated'),
    created: z.number(),
    updated: z.number(),
    unchanged: z.number(),
    failed: z.number(),
    dryRun: z.boolean(),
    rows: z.array(
      z.object({
        row: z.number().describe('line number in the file (the header is line 1)'),
        ok: z.boolean(),
        action: z
          .enum(['created', 'updated', 'unchanged'])
          .optional()
          .describe('for a good row: a new camera, or the camera with its externalId changed or left as it was (in a dry run: what an import would do)'),
        id: z.string().nullable().optional(),
        name: z.string().optional(),
        issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      }),
    ),
  })
  .openapi('ImportReport');

export const csvBody = express.text({ type: ['text/csv', 'text/plain'], limit: '5mb' });

export function cameraRoutes(api: Api, deps: { registry: CameraRegistry; store: Store; reports: Reports }) {
  const { registry, reports } = deps;
  // The list carries each camera's status; the single camera too, so one request fills a tile.
  const withStatus = (principal: Principal, c: Camera, open: Map<string, OpenOutageView>, access: Map<string, AccessLevel>) => {
    const s = reports.status(c);
    return { ...publicView(principal, c, access.get(c.id) ?? 'status'), status: { status: s.status, since: s.since, reason: s.reason, flapping: s.flapping, outage: open.get(c.id) ?? null } };
  };
  const allWithStatus = (principal: Principal, cameras: Camera[]) => {
    const open = reports.openOutages(cameras);
    const access = cameras.length === 1 ? new Map([[cameras[0]!.id, registry.accessOf(principal, cameras[0]!.id)]]) : registry.access(principal);
    return cameras.map((c) => withStatus(principal, c, open, access));
  };
  const anyone = 'signed-in' as const;

  api.route({
    method: 'get',
    path: '/api/cameras',
    summary: 'Cameras you may see',
    tag: 'cameras',
    access: anyone,
    responses: { 200: { description: 'Cameras', schema: z.array(CameraWithStatus) } },
    handler: ({ principal }) => allWithStatus(principal!, registry.visibleCameras(principal!)),
  });

  api.route({
    method: 'post',
    path: '/api/cameras',
    summary: 'Register a camera',
    tag: 'cameras',
    access: ['admin'],
    body: CameraInput,
    status: 201,
    responses: {
      201: { description: 'Registered', schema: CameraOut },
      409: { description: 'Another camera already has this externalId (error external_id_taken; params name its id and the PUT path that updates it)' },
    },
    // Validated again inside the registry (with owners and parent checks); the schema here documents it.
    handler: ({ principal, req }) => registry.create(principal!, ownerIds(deps.store, req.body)),
  });

  api.route({
    method: 'put',
    path: '/api/cameras/by-external-id/:externalId',
    summary: 'Create or update the camera with this external id (onboarding scripts: running one again makes no duplicates)',
    tag: 'cameras',
    access: ['admin'],
    params: ExternalIdParams,
    body: CameraInput,
    responses: {
      200: { description: 'Updated: the body replaced the camera (passwords left out are kept); an identical body stores nothing', schema: CameraOut },
      201: { description: 'Created, with this externalId', schema: CameraOut },
    },
    handler: ({ principal, params, req, res }) => {
      const { created, camera } = registry.putByExternalId(principal!, params.externalId, ownerIds(deps.store, req.body));
      res.status(created ? 201 : 200).json(camera);
    },
  });

  api.route({
    method: 'post',
    path: '/api/cameras/import',
    summary: 'Import cameras from CSV (header row). A row whose external_id a camera has updates that camera (columns left out of the file keep their values). Nothing is written unless every row is good, unless partial=true.',
    tag: 'cameras',
    access: ['admin'],
    query: ImportQuery,
    body: z.string().openapi({ example: 'name,site,agency,rtsp_url\nCCTV Masjid,Masjid Agung,Diskominfo,rtsp://10.0.0.21/stream' }),
    bodyType: 'text/csv',
    responses: {
      200: { description: 'Imported (or dry run)', schema: ImportReport },
      422: { description: 'Some rows are invalid; nothing was written', schema: ImportReport },
    },
    handler: ({ principal, res, body, query }) => {
      const { status, report } = importCameras(deps, principal!, body, query);
      res.status(status).json(report);
    },
  });

  api.route({
    method: 'get',
    path: '/api/cameras/export',
    summary: "Every camera as CSV in the import's columns (owners by username, parents by name; no passwords, URL secrets as ***): edit it and import it again, rows with an external_id update their camera",
    tag: 'cameras',
    access: ['admin'],
    responses: { 200: { description: 'The cameras', schema: z.string(), contentType: 'text/csv' } },
    handler: ({ res }) => {
      res.type('text/csv; charset=utf-8').attachment('pantau-kamera-semua.csv').send(exportCamerasCsv(deps.store));
    },
  });

  api.route({
    method: 'get',
    path: '/api/cameras/:id',
    summary: 'One camera',
    tag: 'cameras',
    access: anyone,
    params: IdParams,
    responses: { 200: { description: 'The camera', schema: CameraWithStatus }, 404: { description: 'No such camera, or not yours to see' } },
    handler: ({ principal, params }) => allWithStatus(principal!, [registry.visible(principal!, params.id)])[0],
  });

  api.route({
    method: 'patch',
    path: '/api/cameras/:id',
    summary: 'Change a camera (admins; owners for their own cameras)',
    tag: 'cameras',
    access: ['admin', 'owner'],
    params: IdParams,
    body: CameraPatch,
    responses: {
      200: { description: 'Updated', schema: CameraOut },
      404: { description: 'No such camera' },
      409: { description: 'Another camera already has this externalId (error external_id_taken)' },
    },
    handler: ({ principal, params, body }) => registry.update(principal!, params.id, ownerIds(deps.store, body)),
  });

  api.route({
    method: 'delete',
    path: '/api/cameras/:id',
    summary: 'Delete a camera',
    tag: 'cameras',
    access: ['admin'],
    params: IdParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such camera' } },
    handler: ({ principal, params }) => registry.delete(principal!, params.id),
  });
}

/** `owners` may name users by id or by username, as the CSV import does; the registry takes ids. */
function ownerIds(store: Store, body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { owners?: unknown }).owners)) return body;
  const owners = (body as { owners: unknown[] }).owners.map((o) =>
    typeof o === 'string' && !store.users.get(o) ? (store.users.findByUsername(o)?.id ?? o) : o,
  );
  return { ...body, owners };
}
