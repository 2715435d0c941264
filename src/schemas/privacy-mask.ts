/** Privacy masks: the rectangles of a camera's picture blacked out in every picture Pantau hands out. */
import { MAX_MASK_RECTS } from '../domain/privacy-mask.js';
import { isoTime } from './common.js';
import { z } from './zod.js';

const fraction = (what: string) => z.number().finite().describe(what);

export const MaskRectSchema = z
  .object({
    x: fraction('left edge, 0..1 of the picture width'),
    y: fraction('top edge, 0..1 of the picture height'),
    w: fraction('width, 0..1 of the picture width'),
    h: fraction('height, 0..1 of the picture height'),
  })
  .strict()
  .openapi('MaskRect', { description: 'A rectangle in normalised coordinates, so it holds at any resolution (main stream, sub-stream, thumbnail); clipped to the picture' });

export const PrivacyMaskInput = z
  .object({ rects: z.array(MaskRectSchema).max(MAX_MASK_RECTS).describe(`at most ${MAX_MASK_RECTS}; an empty list removes the mask`) })
  .strict()
  .openapi('PrivacyMaskInput');

export const PrivacyMaskOut = z
  .object({
    cameraId: z.string(),
    rects: z.array(MaskRectSchema),
    updatedBy: z.string().nullable().describe('the admin who set the mask in force; null when the camera never had one'),
    updatedAt: isoTime().nullable(),
  })
  .openapi('PrivacyMask');
