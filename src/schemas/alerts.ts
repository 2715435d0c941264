/** Contacts, alerts, acknowledgements, mutes and notifications as the API speaks them. */
import { z } from './zod.js';

export const ChannelName = z.enum(['email', 'telegram', 'whatsapp', 'webhook', 'webpush']);

export const ContactInput = z
  .object({
    userId: z.string().min(1).max(100).optional().describe('default: yourself; admins may name anyone'),
    channel: ChannelName,
    address: z.string().trim().min(1).max(4000).describe('email, Telegram chat id, phone number, webhook URL, or PushSubscription JSON'),
    secret: z.string().min(8).max(200).optional().describe('webhook signing key; write-only'),
    language: z.enum(['id', 'en']).default('id'),
  })
  .strict()
  .openapi('ContactInput');

export const ContactPatch = z
  .object({
    address: z.string().trim().min(1).max(4000).optional(),
    secret: z.string().min(8).max(200).nullable().optional(),
    language: z.enum(['id', 'en']).optional(),
  })
  .strict()
  .openapi('ContactPatch');

export const ContactOut = z
  .object({
    id: z.string(),
    userId: z.string(),
    channel: ChannelName,
    address: z.string(),
    hasSecret: z.boolean(),
    language: z.enum(['id', 'en']),
    broken: z.string().nullable().describe('why sending failed for good; null while it works'),
    createdAt: z.string(),
  })
  .openapi('Contact');

export const MuteInput = z
  .object({
    cameraId: z.string().min(1).max(100).optional(),
    site: z.string().trim().min(1).max(200).optional(),
    until: z.iso.datetime({ offset: true }),
    reason: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((m) => (m.cameraId === undefined) !== (m.site === undefined), { message: 'give either cameraId or site', path: ['cameraId'] })
  .refine((m) => Date.parse(m.until) > Date.now(), { message: 'must be in the future', path: ['until'] })
  .openapi('MuteInput');

export const MuteOut = z
  .object({ id: z.string(), cameraId: z.string().nullable(), site: z.string().nullable(), until: z.string(), reason: z.string().nullable(), createdBy: z.string().nullable() })
  .openapi('Mute');

export const AlertOut = z
  .object({
    key: z.string(),
    kind: z.string(),
    site: z.string(),
    at: z.string(),
    cameras: z.array(z.object({ cameraId: z.string(), outageId: z.string().nullable(), status: z.string(), cause: z.string().nullable(), since: z.string(), durationSec: z.number() })),
    outageIds: z.array(z.string()),
    acknowledged: z.object({ by: z.string(), at: z.string() }).nullable(),
    deliveries: z.array(
      z.object({ id: z.number(), contactId: z.string(), channel: z.string(), status: z.string(), attempts: z.number(), lastError: z.string().nullable(), sentAt: z.string().nullable() }),
    ),
  })
  .openapi('Alert');

export const AlertsQuery = z.object({
  cameraId: z.string().optional(),
  days: z.coerce.number().int().min(1).max(365).default(7),
});
