/** Schemas shared by several resources. */
import { z } from './zod.js';

export const IdParams = z.object({ id: z.string().min(1).max(100) });

export const ErrorBody = z
  .object({
    error: z.string(),
    message: z.string(),
    params: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .openapi({ description: "what the error code's words need, e.g. `s` (seconds to wait) for too_many_attempts, `channel` for channel_not_configured" }),
    issues: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          code: z.string().optional().openapi({ description: 'stable, for clients to translate: too_small, too_big, invalid_type, invalid_format, custom…' }),
          params: z.record(z.string(), z.union([z.string(), z.number()])).optional().openapi({ description: 'what the code needs, e.g. minimum, maximum' }),
        }),
      )
      .optional(),
  })
  .openapi('Error');

export const isoTime = () => z.iso.datetime().openapi({ example: '2026-11-29T05:00:00.000Z' });
