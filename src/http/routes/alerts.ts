/** Contacts, alerts (with deliveries), acknowledgements, mutes, and the signed acknowledge link (its page: ../ack-page). */
import type { Router } from 'express';
import type { Api } from '../api.js';
import { z } from '../../schemas/zod.js';
import { IdParams } from '../../schemas/common.js';
import { AlertOut, AlertsQuery, ChannelName, ContactInput, ContactOut, ContactPatch, MuteInput, MuteOut } from '../../schemas/alerts.js';
import type { Contacts } from '../../services/contacts.js';
import type { AlertFeed } from '../../services/alert-feed.js';
import { AckInput, OutageRecordOut } from '../../schemas/outage-records.js';
import { ackPageRoutes } from '../ack-page/index.js';

export function alertRoutes(api: Api, router: Router, deps: { contacts: Contacts; feed: AlertFeed }) {
  const { contacts, feed } = deps;

  api.route({
    method: 'get',
    path: '/api/contacts',
    summary: 'Your contacts (admins: everyone’s, or ?userId=)',
    tag: 'alerts',
    access: 'signed-in',
    query: z.object({ userId: z.string().optional() }),
    responses: { 200: { description: 'Contacts', schema: z.array(ContactOut) } },
    handler: ({ principal, query }) => contacts.list(principal!, query.userId),
  });

  api.route({
    method: 'get',
    path: '/api/contacts/channels',
    summary: 'The channels this server can send through (configured in notifiers.*): a contact of another channel cannot be added',
    tag: 'alerts',
    access: 'signed-in',
    responses: { 200: { description: 'Channels', schema: z.object({ channels: z.array(ChannelName) }) } },
    handler: () => ({ channels: contacts.channels() }),
  });

  api.route({
    method: 'post',
    path: '/api/contacts',
    summary: 'Add a contact: where alerts reach a user',
    tag: 'alerts',
    access: 'signed-in',
    body: ContactInput,
    status: 201,
    responses: { 201: { description: 'Added', schema: ContactOut } },
    handler: ({ principal, body }) => contacts.create(principal!, body),
  });

  api.route({
    method: 'patch',
    path: '/api/contacts/:id',
    summary: 'Change a contact (fixing the address clears its broken mark)',
    tag: 'alerts',
    access: 'signed-in',
    params: IdParams,
    body: ContactPatch,
    responses: { 200: { description: 'Changed', schema: ContactOut } },
    handler: ({ principal, params, body }) => contacts.update(principal!, params.id, body),
  });

  api.route({
    method: 'delete',
    path: '/api/contacts/:id',
    summary: 'Remove a contact',
    tag: 'alerts',
    access: 'signed-in',
    params: IdParams,
    responses: { 204: { description: 'Removed' } },
    handler: ({ principal, params }) => contacts.remove(principal!, params.id),
  });

  api.route({
    method: 'post',
    path: '/api/contacts/:id/test',
    summary: 'Send a test message to a contact now',
    tag: 'alerts',
    access: 'signed-in',
    params: IdParams,
    responses: {
      200: { description: 'Delivered', schema: z.object({ ok: z.literal(true), outcome: z.literal('delivered'), httpStatus: z.number().int().nullable() }) },
      502: {
        description:
          'Not delivered. The error code says only the category (send_refused: the outbound-address policy refused the address; send_rejected, send_unreachable, send_timed_out, send_http_status, send_failed), never the far side’s answer',
      },
    },
    handler: ({ principal, params }) => contacts.test(principal!, params.id),
  });

  api.route({
    method: 'get',
    path: '/api/push/vapid-public-key',
    summary: 'The VAPID public key, to subscribe this browser to Web Push',
    tag: 'alerts',
    access: 'signed-in',
    responses: { 200: { description: 'The key', schema: z.object({ key: z.string() }) } },
    handler: () => ({ key: contacts.vapidPublicKey }),
  });

  api.route({
    method: 'get',
    path: '/api/alerts',
    summary: 'Alerts of the cameras you may see (open and recent; of a group, only those cameras), with their deliveries to your contacts (admins: everyone’s)',
    tag: 'alerts',
    access: 'signed-in',
    query: AlertsQuery,
    responses: { 200: { description: 'Alerts, newest first', schema: z.array(AlertOut) } },
    handler: ({ principal, query }) => feed.alerts(principal!, query.cameraId, query.days),
  });

  api.route({
    method: 'get',
    path: '/api/notifications',
    summary: 'Every delivery attempt for a camera’s alerts to your contacts (admins: everyone’s)',
    tag: 'alerts',
    access: 'signed-in',
    query: z.object({ cameraId: z.string().min(1), days: z.coerce.number().int().min(1).max(365).default(30) }),
    responses: {
      200: {
        description:
          'Deliveries with attempts, newest first: the alert’s kind (alert, group, reminder, escalation, recovery, flapping), the outage of this camera it was about (`outageId`, for recording its cause), and to whom — the contact’s address (none for Web Push) and its user’s name; only your own contacts’ (admins: everyone’s)',
      },
    },
    handler: ({ principal, query }) => feed.notifications(principal!, query.cameraId, query.days),
  });

  api.route({
    method: 'post',
    path: '/api/alerts/:id/ack',
    summary: 'Acknowledge an outage (id: the outage id in an alert); stops reminders and escalation. With a cause, records it too (see PUT /api/outages/{id}/record)',
    tag: 'alerts',
    access: ['admin', 'owner'],
    params: IdParams,
    body: AckInput,
    responses: {
      200: { description: 'Acknowledged', schema: z.object({ outageId: z.string(), by: z.string(), at: z.string(), record: OutageRecordOut.nullable() }) },
    },
    handler: ({ principal, params, body }) => feed.acknowledge(principal!, params.id, body?.cause === undefined ? undefined : { ...body, cause: body.cause }),
  });

  api.route({
    method: 'get',
    path: '/api/mutes',
    summary: 'Mutes in force',
    tag: 'alerts',
    access: 'signed-in',
    responses: { 200: { description: 'Mutes', schema: z.array(MuteOut) } },
    handler: ({ principal }) => feed.mutes(principal!),
  });

  api.route({
    method: 'post',
    path: '/api/mutes',
    summary: 'Mute a camera (admins, its owners) or a site (admins) until a time: probing goes on, nothing is sent',
    tag: 'alerts',
    access: ['admin', 'owner'],
    body: MuteInput,
    status: 201,
    responses: { 201: { description: 'Muted', schema: MuteOut } },
    handler: ({ principal, body }) => feed.mute(principal!, body),
  });

  api.route({
    method: 'delete',
    path: '/api/mutes/:id',
    summary: 'End a mute now',
    tag: 'alerts',
    access: ['admin', 'owner'],
    params: IdParams,
    responses: { 204: { description: 'Ended' } },
    handler: ({ principal, params }) => feed.unmute(principal!, params.id),
  });

  ackPageRoutes(router, feed);
}

