/** Outage records (cause, note, who fixed it, public note) with their history, and the cause report. */
import type { Api } from '../api.js';
import { z } from '../../schemas/zod.js';
import { IdParams } from '../../schemas/common.js';
import { CausesOut, CausesQuery, OutageRecordInput, OutageRecordOut } from '../../schemas/outage-records.js';
import type { OutageRecords } from '../../services/outage-records.js';

const DAY_MS = 86_400_000;

export function outageRecordRoutes(api: Api, deps: { records: OutageRecords }) {
  const { records } = deps;

  api.route({
    method: 'put',
    path: '/api/outages/:id/record',
    summary: 'Record why an outage happened (cause, note, who fixed it, optional public note); an edit adds to its history. The camera’s owners and admins',
    tag: 'outages',
    access: ['admin', 'owner'],
    params: IdParams,
    body: OutageRecordInput,
    responses: { 200: { description: 'The record now in force', schema: OutageRecordOut }, 404: { description: 'No such outage, or a camera you may not see' } },
    handler: ({ principal, params, body }) => records.record(principal!, params.id, body),
  });

  api.route({
    method: 'get',
    path: '/api/outages/:id/records',
    summary: 'Every record of an outage, oldest first: who recorded or changed what, and when',
    tag: 'outages',
    access: 'signed-in',
    params: IdParams,
    responses: { 200: { description: 'The history', schema: z.array(OutageRecordOut) } },
    handler: ({ principal, params }) => records.history(principal!, params.id),
  });

  api.route({
    method: 'get',
    path: '/api/reports/causes',
    summary: 'Outages overlapping [from, to) of the cameras you may see, by recorded cause, per agency, site or innovation',
    tag: 'reports',
    access: 'signed-in',
    query: CausesQuery,
    responses: { 200: { description: 'Totals per group, most outages first', schema: CausesOut } },
    handler: ({ principal, query }) => {
      const to = query.to ? Date.parse(query.to) : Date.now();
      const from = query.from ? Date.parse(query.from) : to - 90 * DAY_MS;
      return records.causes(principal!, query.by, from, to);
    },
  });
}
