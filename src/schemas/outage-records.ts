/** Outage records (cause, note, who fixed it, public note), their history, and the cause report. */
import { FIXED_BY_MAX, isPlainText, NOTE_MAX, OUTAGE_CAUSES, PUBLIC_NOTE_MAX } from '../domain/outage-causes.js';
import { z } from './zod.js';

export const OutageCauseName = z.enum(OUTAGE_CAUSES).describe('power, network (ISP), camera_hardware, recorder (NVR), cable_theft (cable, vandalism, theft), configuration (settings, password), maintenance (planned), unknown');

// Plain text: no control characters (a newline is allowed in the note only).
const plain = (v: string) => isPlainText(v, true);
const oneLine = (v: string) => isPlainText(v, false);

const recordFields = {
  note: z.string().trim().max(NOTE_MAX).refine(plain, 'plain text only').default('').describe('what happened and what was done'),
  fixedBy: z.string().trim().max(FIXED_BY_MAX).refine(oneLine, 'one line of plain text').default('').describe('who repaired it (a person, a vendor, the ISP)'),
  publicNote: z
    .string()
    .trim()
    .max(PUBLIC_NOTE_MAX)
    .refine(oneLine, 'one line of plain text')
    .default('')
    .describe(`optional; short plain text (at most ${PUBLIC_NOTE_MAX} characters) the regency may show citizens on the public status page`),
};

export const OutageRecordInput = z.object({ cause: OutageCauseName, ...recordFields }).strict().openapi('OutageRecordInput');

/** Acknowledging may record the cause at once; without a cause nothing else may be given. */
export const AckInput = z
  .object({ cause: OutageCauseName.optional(), ...recordFields })
  .strict()
  .refine((b) => b.cause !== undefined || (b.note === '' && b.fixedBy === '' && b.publicNote === ''), { message: 'choose a cause to record a note', path: ['cause'] })
  .optional()
  .openapi('AckInput');

export const OutageRecordOut = z
  .object({
    outageId: z.string(),
    cameraId: z.string(),
    cause: OutageCauseName,
    note: z.string(),
    fixedBy: z.string(),
    publicNote: z.string(),
    by: z.string().describe('who recorded it'),
    at: z.string(),
  })
  .openapi('OutageRecord');

export const CausesQuery = z
  .object({
    by: z.enum(['agency', 'site', 'innovation']).default('agency'),
    from: z.iso.datetime({ offset: true }).optional().describe('default: 90 days ago'),
    to: z.iso.datetime({ offset: true }).optional().describe('default: now'),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });

const PerCause = z.record(OutageCauseName, z.number());

export const CausesOut = z
  .object({
    by: z.enum(['agency', 'site', 'innovation']),
    from: z.string(),
    to: z.string(),
    groups: z.array(
      z.object({
        group: z.string().describe('the agency, site or innovation (cameras without an innovation: empty)'),
        outages: z.number(),
        byCause: PerCause,
        unrecorded: z.number().describe('outages nobody gave a cause for'),
        secondsByCause: PerCause,
        unrecordedSec: z.number(),
      }),
    ),
  })
  .openapi('CausesReport');
