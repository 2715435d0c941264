/** ONVIF onboarding requests and answers. */
import { z } from './zod.js';

export const InspectInput = z
  .object({
    host: z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.\-:[\]]+$/, 'a host name or IP address, without scheme or path'),
    port: z.number().int().min(1).max(65535).default(80),
    username: z.string().max(200).optional(),
    password: z.string().max(500).optional(),
  })
  .strict()
  .openapi('OnvifInspectInput');

export const InspectOut = z
  .object({
    manufacturer: z.string().nullable(),
    model: z.string().nullable(),
    firmwareVersion: z.string().nullable(),
    serialNumber: z.string().nullable(),
    hardwareId: z.string().nullable(),
    clockOffsetMs: z.number().nullable().describe('device clock minus server clock'),
    profiles: z.array(
      z.object({
        token: z.string(),
        name: z.string().nullable(),
        encoding: z.string().nullable(),
        width: z.number().nullable(),
        height: z.number().nullable(),
        rtspUrl: z.string().nullable(),
        snapshotUrl: z.string().nullable(),
      }),
    ),
  })
  .openapi('OnvifDeviceReport');

export const DiscoverInput = z
  .object({ timeoutMs: z.number().int().min(500).max(30_000).optional() })
  .strict()
  .default({})
  .openapi('OnvifDiscoverInput');

export const DiscoverOut = z
  .array(
    z.object({
      address: z.string(),
      xaddrs: z.array(z.string()),
      name: z.string().nullable(),
      hardware: z.string().nullable(),
      scopes: z.array(z.string()),
    }),
  )
  .openapi('OnvifDiscovered');
