/**
 * Draws camera-like JPEG frames with sharp: colour bars with the time of day in
 * seven-segment digits (no fonts needed) and a marker that sweeps once a second,
 * so two live frames taken apart always differ, as a real camera's OSD would.
 */
import sharp from 'sharp';

export interface FrameOptions {
  /** @defaultValue 320 */
  width?: number;
  /** @defaultValue 240 */
  height?: number;
  /** A covered lens: black picture, the clock still drawn. */
  black?: boolean;
  /** @defaultValue 80 */
  quality?: number;
}

// Which of the segments a..g are lit for each digit.
const SEGMENTS = ['abcdef', 'bc', 'abdeg', 'abcdg', 'bcfg', 'acdfg', 'acdefg', 'abc', 'abcdefg', 'abcdfg'];
const BARS = ['#c0c0c0', '#c0c000', '#00c0c0', '#00c000', '#c000c0', '#c00000', '#0000c0'];

function digit(d: number, x: number, y: number, w: number, h: number, t: number): string {
  const half = h / 2;
  const rects: Record<string, [number, number, number, number]> = {
    a: [x + t, y, w - 2 * t, t],
    b: [x + w - t, y + t, t, half - t],
    c: [x + w - t, y + half, t, half - t],
    d: [x + t, y + h - t, w - 2 * t, t],
    e: [x, y + half, t, half - t],
    f: [x, y + t, t, half - t],
    g: [x + t, y + half - t / 2, w - 2 * t, t],
  };
  return [...(SEGMENTS[d] ?? '')]
    .map((s) => rects[s])
    .map((r) => (r ? `<rect x="${r[0]}" y="${r[1]}" width="${r[2]}" height="${r[3]}" fill="#fff"/>` : ''))
    .join('');
}

/** The SVG for a frame at `at`; exported so the picture can be checked without JPEG noise. */
export function frameSvg(at: Date, opts: FrameOptions = {}): string {
  const width = opts.width ?? 320;
  const height = opts.height ?? 240;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`];
  parts.push(`<rect width="${width}" height="${height}" fill="#000"/>`);
  if (!opts.black) {
    const bw = width / BARS.length;
    BARS.forEach((c, i) => parts.push(`<rect x="${i * bw}" y="0" width="${bw + 1}" height="${height}" fill="${c}"/>`));
    const sweep = (at.getMilliseconds() / 1000) * (width - 8);
    parts.push(`<rect x="${sweep}" y="${height - 24}" width="8" height="16" fill="#fff"/>`);
  }
  const text = [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  const dw = 14;
  const dh = 24;
  const x0 = 8;
  parts.push(`<rect x="4" y="4" width="${text.length * (dw + 4) + 4}" height="${dh + 8}" fill="#000" opacity="0.6"/>`);
  [...text].forEach((ch, i) => {
    const x = x0 + i * (dw + 4);
    if (ch === ':') {
      parts.push(`<rect x="${x + 5}" y="${8 + dh * 0.25}" width="3" height="3" fill="#fff"/>`);
      parts.push(`<rect x="${x + 5}" y="${8 + dh * 0.7}" width="3" height="3" fill="#fff"/>`);
    } else {
      parts.push(digit(Number(ch), x, 8, dw, dh, 3));
    }
  });
  parts.push('</svg>');
  return parts.join('');
}

export function renderFrame(at: Date, opts: FrameOptions = {}): Promise<Buffer> {
  return sharp(Buffer.from(frameSvg(at, opts)))
    .jpeg({ quality: opts.quality ?? 80 })
    .toBuffer();
}
