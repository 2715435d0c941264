/** Status, uptime, outages and reports as the API speaks them. */
import { z } from './zod.js';
import { OutageRecordOut } from './outage-records.js';

export const StatusName = z.enum(['up', 'degraded', 'down', 'unknown', 'paused']);
const Layer = z
  .object({
    ok: z.boolean(),
    latencyMs: z.number().optional(),
    reason: z.string().optional(),
    reached: z.boolean().optional(),
    message: z.string().optional().describe('what happened, for people: the cause a check failed on'),
    skipped: z.boolean().optional().describe('not checked (message says why), e.g. a frame grab after the RTSP layer failed'),
    detail: z.record(z.string(), z.unknown()).optional().describe('per layer; image: verdict, brightness, variance, diffFromLast, transport (tcp|udp) of a frame grab'),
  })
  .passthrough()
  .nullable();

export const StatusOut = z
  .object({
    status: StatusName,
    since: z.string(),
    reason: z.string().describe('machine code: ok, unreachable, no_stream, no_media, black, covered, frozen, corrupt, …'),
    flapping: z.boolean(),
    layers: z
      .object({ tcp: Layer, onvif: Layer, rtsp: Layer, image: Layer })
      .describe('the newest result of each layer; detail and message (which name the camera’s host and port) only for admins and the camera’s owners'),
    lastCheckAt: z.string().nullable(),
  })
  .openapi('CameraStatus');

export const WindowQuery = z.object({ window: z.enum(['24h', '7d', '30d', '90d', '365d']).default('24h') });

const Seconds = z.object({ up: z.number(), degraded: z.number(), down: z.number(), unknown: z.number(), paused: z.number() });

export const UptimeOut = z
  .object({
    window: z.string(),
    from: z.string(),
    to: z.string(),
    uptime: z.number().min(0).max(1).nullable().describe('time up over time known (unknown and paused excluded)'),
    secondsByStatus: Seconds,
    unknownSec: z.number(),
    outages: z.number().describe('outages that started in the window'),
    mttrSec: z.number().nullable(),
    mtbfSec: z.number().nullable(),
  })
  .openapi('Uptime');

export const OutagesQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional().describe('default: 30 days ago'),
    to: z.iso.datetime({ offset: true }).optional().describe('default: now'),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });

export const OutageOut = z
  .object({
    id: z.string().describe('the outage id, as acknowledged through /api/alerts/:id/ack'),
    acknowledged: z.object({ by: z.string(), at: z.string() }).nullable(),
    record: OutageRecordOut.nullable().describe('what its owners recorded (cause, note, fixedBy, publicNote); the newest entry of its history'),
    start: z.string(),
    startKnown: z.boolean(),
    end: z.string().nullable(),
    open: z.boolean(),
    durationSec: z.number(),
    cause: z.string().nullable(),
    worst: z.enum(['degraded', 'down']),
    endedBy: z.enum(['up', 'paused']).nullable(),
  })
  .openapi('Outage');

export const ReportQuery = z.object({
  window: z.enum(['24h', '7d', '30d', '90d', '365d']).default('30d'),
  format: z.enum(['json', 'csv']).optional().describe('or send Accept: text/csv'),
});

export const AgencyReportOut = z
  .object({
    window: z.string(),
    from: z.string(),
    to: z.string(),
    agencies: z.array(
      z.object({
        agency: z.string(),
        cameras: z.number(),
        uptime: z.number().nullable(),
        zone: z.enum(['green', 'yellow', 'red', 'unknown']),
        zones: z.record(z.string(), z.number()),
        statuses: z.record(z.string(), z.number()),
        dark: z.number(),
      }),
    ),
    dark: z.array(
      z.object({
        cameraId: z.string(),
        cameraName: z.string().optional(),
        agency: z.string(),
        innovation: z.string().optional(),
        status: z.enum(['degraded', 'down']),
        since: z.number(),
        darkForMs: z.number(),
      }),
    ),
  })
  .openapi('AgencyReport');

export const DailyQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(90) });
export const DailyOut = z.array(z.object({ day: z.string().describe('start of the local day'), uptime: z.number().nullable() })).openapi('DailyUptime');
export const ManyUptimeOut = z.record(z.string(), z.number().nullable()).openapi('UptimeByCamera');

export const InnovationReportQuery = z.object({
  by: z.enum(['innovation', 'agency']).default('innovation'),
  format: z.enum(['json', 'csv']).optional().describe('or send Accept: text/csv'),
});

const InnovationStateName = z.enum(['healthy', 'at_risk', 'dying', 'dead', 'unknown']);

export const InnovationReportOut = z
  .object({
    by: z.enum(['innovation', 'agency']),
    generatedAt: z.string(),
    recentDays: z.number().describe('the recent window the states judge (reports.innovationStates.recentDays)'),
    groups: z.array(
      z.object({
        group: z.string().describe('the innovation (cameras without one: empty) or the agency'),
        launchedOn: z.string().nullable().describe('YYYY-MM-DD, the earliest launch among its cameras'),
        cameras: z.number(),
        daysMonitored: z.number(),
        uptimeSinceLaunch: z.number().nullable(),
        months: z.array(z.object({ month: z.string().describe('YYYY-MM, local'), start: z.string(), uptime: z.number().nullable() })).describe('oldest first, rolled-up days only'),
        daysDark: z.number(),
        longestOutageSec: z.number(),
        outages: z.number(),
        outagesByCause: z.record(z.string(), z.number()),
        unrecorded: z.number(),
        recentUptime: z.number().nullable(),
        beforeUptime: z.number().nullable().describe('uptime over the three recent windows before the recent one'),
        darkNow: z.number(),
        state: InnovationStateName.describe('healthy, at_risk (uptime falling or repeated outages), dying (dark most of the recent window), dead (every camera dark longer than deadAfterDays), unknown (nothing measured)'),
        reasons: z.array(z.enum(['all_dark_long', 'dark_most_of_recent', 'repeated_outages', 'uptime_falling'])),
      }),
    ),
  })
  .openapi('InnovationReport');
