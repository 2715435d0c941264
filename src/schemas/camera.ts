/**
 * The camera as the API speaks it. Input accepts credentials (in `onvif.password`, in a
 * `*Auth` object, inside a URL, or as a query parameter such as `pwd=`); output never carries
 * them, only `hasPassword` and `***` for query parameters, and shows connection details only
 * to admins and the camera's owners.
 */
import { z } from './zod.js';
import { isoTime } from './common.js';

const RTSP = ['rtsp:', 'rtsps:'];
const HTTP = ['http:', 'https:'];

function cameraUrl(protocols: string[], label: string) {
  return z
    .string()
    .trim()
    .max(2048)
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: `not a valid URL; expected ${label}` });
        return;
      }
      if (!protocols.includes(url.protocol)) {
        ctx.addIssue({ code: 'custom', message: `scheme "${url.protocol}" is not allowed; expected ${label}` });
      } else if (!url.hostname) {
        ctx.addIssue({ code: 'custom', message: 'the URL has no host' });
      }
    });
}

const text = (max = 200) => z.string().trim().min(1).max(max);
const host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.\-:[\]]+$/, 'a host name or IP address, without scheme or path');

/** The admin's own inventory id: what an onboarding script or a CSV names a camera by. */
export const ExternalId = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .openapi({ description: "The admin's own inventory id, unique across cameras (1–128 characters, trimmed). PUT /api/cameras/by-external-id/{externalId} creates or updates by it." });

export const ExternalIdParams = z.object({ externalId: ExternalId });

const Credentials = z
  .object({ username: z.string().max(200), password: z.string().max(500).optional() })
  .strict();

export const CameraInput = z
  .object({
    externalId: ExternalId.nullable().optional(),
    name: text(),
    site: text(),
    location: z
      .object({
        lat: z.number().min(-90).max(90).nullable().optional(),
        lng: z.number().min(-180).max(180).nullable().optional(),
        address: z.string().trim().max(500).nullable().optional(),
      })
      .strict()
      .nullable()
      .optional(),
    innovation: z
      .object({ name: text(), launchedOn: z.iso.date().nullable().optional() })
      .strict()
      .nullable()
      .optional(),
    agency: text(),
    owners: z.array(z.string().min(1).max(100)).max(50).default([]).openapi({ description: 'user ids or usernames; answers carry ids' }),
    onvif: z
      .object({
        host,
        port: z.number().int().min(1).max(65535).default(80),
        username: z.string().max(200).nullable().optional(),
        password: z.string().max(500).nullable().optional(),
      })
      .strict()
      .nullable()
      .optional(),
    rtspUrl: cameraUrl(RTSP, 'rtsp:// or rtsps://')
      .nullable()
      .optional()
      .openapi({ description: 'Credential query parameters (pwd, password, passwd, pass, token, auth, …) are stored sealed; sending *** back keeps the stored value while scheme, host and port stay the same.' }),
    rtspAuth: Credentials.nullable().optional().openapi({ description: 'Overrides credentials given inside rtspUrl.' }),
    snapshotUrl: cameraUrl(HTTP, 'http:// or https://')
      .nullable()
      .optional()
      .openapi({ description: 'As rtspUrl: credential query parameters such as ?usr=admin&pwd=… are sealed and shown as ***.' }),
    snapshotAuth: Credentials.nullable().optional(),
    checkIntervalSec: z.number().int().min(5).max(3600).optional().openapi({ description: 'default: probes.checkIntervalSec (30)' }),
    imageCheckIntervalSec: z.number().int().min(5).max(86_400).optional().openapi({ description: 'default: probes.imageCheckIntervalSec (300)' }),
    alertGraceSec: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .nullable()
      .optional()
      .openapi({ description: 'seconds dark before the owners are alerted; default (absent on create, or null): alerts.graceSec (120) as configured when the camera is saved' }),
    enabled: z.boolean().default(true),
    private: z.boolean().default(false).openapi({ description: "only the camera's owners, admins and live grants see its picture; others with access see its status" }),
    public: z.boolean().default(false).openapi({ description: 'shown on the public status page (/status) when statusPage.enabled; only its name, site, agency, innovation, state and uptime are shown there' }),
    tags: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
    parentId: z.string().min(1).max(100).nullable().default(null),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.onvif && !c.rtspUrl && !c.snapshotUrl) {
      ctx.addIssue({ code: 'custom', path: ['onvif'], message: 'a camera needs at least one of onvif, rtspUrl or snapshotUrl' });
    }
  })
  .openapi('CameraInput');

export type CameraInput = z.infer<typeof CameraInput>;

/** PATCH: any subset of the fields; omitted passwords are kept. */
export const CameraPatch = z
  .record(z.string(), z.unknown())
  .openapi('CameraPatch', { description: 'Any subset of CameraInput fields. Omitted passwords are kept; null clears.' });

const AuthOut = z.object({ username: z.string().nullable(), hasPassword: z.boolean() });

export const CameraOut = z
  .object({
    id: z.string(),
    externalId: z.string().nullable().openapi({ description: "the admin's own inventory id, or null" }),
    name: z.string(),
    site: z.string(),
    location: z.object({ lat: z.number().nullable(), lng: z.number().nullable(), address: z.string().nullable() }).nullable(),
    innovation: z.object({ name: z.string(), launchedOn: z.string().nullable() }).nullable(),
    agency: z.string(),
    owners: z.array(z.string()),
    onvif: z
      .object({ host: z.string(), port: z.number(), username: z.string().nullable(), hasPassword: z.boolean() })
      .nullable()
      .openapi({ description: 'null also when connectionShown is false' }),
    rtspUrl: z.string().nullable().openapi({ description: 'Credential query parameters shown as ***; null also when connectionShown is false' }),
    rtspAuth: AuthOut.nullable(),
    snapshotUrl: z.string().nullable().openapi({ description: 'Credential query parameters shown as ***; null also when connectionShown is false' }),
    snapshotAuth: AuthOut.nullable(),
    connectionShown: z.boolean().openapi({ description: 'False for users who are neither admins nor owners of the camera: onvif, rtspUrl, snapshotUrl and their auth are then withheld (null)' }),
    checkIntervalSec: z.number(),
    imageCheckIntervalSec: z.number(),
    alertGraceSec: z.number(),
    enabled: z.boolean(),
    private: z.boolean(),
    access: z.enum(['status', 'pictures', 'live']).openapi({ description: 'what the asking user may see of this camera: its status only, its pictures, or live video too' }),
    public: z.boolean(),
    tags: z.array(z.string()),
    parentId: z.string().nullable(),
    createdAt: isoTime(),
    updatedAt: isoTime(),
  })
  .openapi('Camera');
