/** A camera's live status, uptime and outages, and the agency report. */
import type { Api } from '../api.js';
import { z } from '../../schemas/zod.js';
import { showsConnection, type CameraRegistry } from '../../services/registry.js';
import { agencyReportCsv, type Reports, type StatusView } from '../../services/reports.js';
import { IdParams } from '../../schemas/common.js';
import { AgencyReportOut, DailyOut, DailyQuery, InnovationReportOut, InnovationReportQuery, ManyUptimeOut, OutageOut, OutagesQuery, ReportQuery, StatusOut, UptimeOut, WindowQuery } from '../../schemas/status.js';
import { innovationReportCsv, type InnovationReports } from '../../services/innovation-report.js';
import { OUTAGE_CAUSES } from '../../domain/outage-causes.js';
import type { Request } from 'express';

const wantsCsv = (format: string | undefined, req: Request) => format === 'csv' || (format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');

export function statusRoutes(api: Api, deps: { registry: CameraRegistry; reports: Reports; innovations: InnovationReports }) {
  const { registry, reports, innovations } = deps;

  api.route({
    method: 'get',
    path: '/api/cameras/:id/status',
    summary: 'Status now, since when, why, and the newest result of each layer',
    tag: 'status',
    access: 'signed-in',
    params: IdParams,
    responses: { 200: { description: 'Status', schema: StatusOut }, 404: { description: 'No such camera' } },
    handler: ({ principal, params }) => {
      const camera = registry.visible(principal!, params.id);
      const view = reports.status(camera);
      return showsConnection(principal!, camera) ? view : withoutConnection(view);
    },
  });

  api.route({
    method: 'get',
    path: '/api/cameras/:id/uptime',
    summary: 'Uptime, seconds per status, outages, MTTR and MTBF over a window',
    tag: 'status',
    access: 'signed-in',
    params: IdParams,
    query: WindowQuery,
    responses: { 200: { description: 'Uptime', schema: UptimeOut } },
    handler: ({ principal, params, query }) => reports.uptime(registry.visible(principal!, params.id).id, query.window),
  });

  api.route({
    method: 'get',
    path: '/api/cameras/:id/uptime/daily',
    summary: 'Uptime of each local day, oldest first (status-page bars)',
    tag: 'status',
    access: 'signed-in',
    params: IdParams,
    query: DailyQuery,
    responses: { 200: { description: 'One entry per day; null where nothing was known', schema: DailyOut } },
    handler: ({ principal, params, query }) => reports.daily(registry.visible(principal!, params.id).id, query.days),
  });

  api.route({
    method: 'get',
    path: '/api/uptime',
    summary: 'Uptime over a window of every camera you may see, in one answer',
    tag: 'status',
    access: 'signed-in',
    query: WindowQuery,
    responses: { 200: { description: 'Camera id → uptime (null when nothing was known)', schema: ManyUptimeOut } },
    handler: ({ principal, query }) => reports.uptimeOfMany(registry.visibleCameras(principal!), query.window),
  });

  api.route({
    method: 'get',
    path: '/api/cameras/:id/outages',
    summary: 'Outages overlapping [from, to), newest first',
    tag: 'status',
    access: 'signed-in',
    params: IdParams,
    query: OutagesQuery,
    responses: { 200: { description: 'Outages', schema: z.array(OutageOut) } },
    handler: ({ principal, params, query }) => {
      const camera = registry.visible(principal!, params.id);
      const to = query.to ? Date.parse(query.to) : Date.now();
      const from = query.from ? Date.parse(query.from) : to - 30 * 86_400_000;
      return reports.outages(camera.id, from, to);
    },
  });

  api.route({
    method: 'get',
    path: '/api/reports/agencies',
    summary: 'Per agency (OPD): cameras, uptime, zone, and cameras dark for days. JSON, or CSV with Accept: text/csv or ?format=csv',
    tag: 'reports',
    access: 'signed-in',
    query: ReportQuery,
    responses: {
      200: { description: 'The report', schema: AgencyReportOut },
    },
    handler: ({ principal, query, req, res }) => {
      const report = reports.agencies(registry.visibleCameras(principal!), query.window);
      if (!wantsCsv(query.format, req)) return report;
      res
        .type('text/csv; charset=utf-8')
        .attachment(`pantau-agencies-${query.window}.csv`)
        .send(agencyReportCsv(report));
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/api/reports/innovations',
    summary:
      'Per innovation (or ?by=agency): launched on, cameras, days monitored, uptime since launch and per month, days dark, longest outage, outages by cause, and a state (healthy, at_risk, dying, dead). JSON, or CSV with Accept: text/csv or ?format=csv',
    tag: 'reports',
    access: 'signed-in',
    query: InnovationReportQuery,
    responses: {
      200: { description: 'The report, worst state first', schema: InnovationReportOut },
    },
    handler: ({ principal, query, req, res }) => {
      const report = innovations.report(registry.visibleCameras(principal!), query.by);
      if (!wantsCsv(query.format, req)) return report;
      res
        .type('text/csv; charset=utf-8')
        .attachment(`pantau-${query.by === 'agency' ? 'opd' : 'inovasi'}.csv`)
        .send(innovationReportCsv(report, OUTAGE_CAUSES));
      return undefined;
    },
  });
}

/**
 * A status without what would show how to reach the camera: layer details (the TCP layer's host
 * and port) and messages (they name host:port). For users who are neither admins nor owners.
 */
function withoutConnection(view: StatusView): StatusView {
  const strip = (layer: StatusView['layers'][keyof StatusView['layers']]) => {
    if (!layer) return layer;
    const { ok, latencyMs, reason, reached } = layer;
    return { ok, reached, ...(latencyMs === undefined ? {} : { latencyMs }), ...(reason === undefined ? {} : { reason }) } as typeof layer;
  };
  const { tcp, onvif, rtsp, image } = view.layers;
  return { ...view, layers: { tcp: strip(tcp), onvif: strip(onvif), rtsp: strip(rtsp), image: strip(image) } };
}
