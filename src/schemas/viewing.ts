/** The viewing record and pictures as the API speaks them. */
import { z } from './zod.js';
import { isoTime } from './common.js';

const time = z.iso.datetime({ offset: true });

export const ViewsQuery = z
  .object({
    from: time.optional().openapi({ description: 'viewings that started at or after this' }),
    to: time.optional().openapi({ description: 'viewings that started before this' }),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const AllViewsQuery = ViewsQuery.extend({
  userId: z.string().min(1).max(100).optional(),
  cameraId: z.string().min(1).max(100).optional(),
  format: z.enum(['json', 'csv']).optional().openapi({ description: 'csv: the whole filtered record as CSV (also with Accept: text/csv), paging ignored' }),
}).strict();

export const ViewingOut = z
  .object({
    id: z.number(),
    userId: z.string(),
    username: z.string().nullable().openapi({ description: 'null when the user was deleted since' }),
    cameraId: z.string(),
    cameraName: z.string().nullable().openapi({ description: 'null when the camera was deleted since' }),
    kind: z.enum(['snapshot', 'frames', 'live']),
    start: isoTime(),
    end: isoTime().nullable().openapi({ description: 'null while the viewing goes on' }),
    address: z.string().nullable(),
    client: z.string().nullable().openapi({ description: "the viewer's user agent" }),
    bytes: z.number(),
  })
  .openapi('Viewing');

export const ViewingPageOut = z
  .object({ items: z.array(ViewingOut), total: z.number(), next: z.number().nullable().openapi({ description: 'offset of the next page; null at the end' }) })
  .openapi('ViewingPage');

export const SnapshotQuery = z.object({ size: z.enum(['thumb', 'full']).default('full') }).strict();
