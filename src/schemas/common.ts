/** Schemas shared by several resources. */
import { z } from './zod.js';

export const IdParams = z.object({ id: z.string().min(1).max(100) });

export const ErrorBody = z
  .object({
    error: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Error');

export const isoTime = () => z.iso.datetime().openapi({ example: '2026-11-29T05:00:00.000Z' });
