/**
 * Privacy mask cost: wall and CPU time to black out a mask's rectangles in one JPEG with sharp
 * (services/privacy-masks.ts's maskJpeg: read the size, composite black rectangles, encode), for
 * a 1280×720 camera picture, a 640×360 phone-sized one (what the viewers' cache keeps) and a
 * 160-wide thumbnail, with 1 and with 16 rectangles. Each new picture of a masked camera is
 * masked once (both sizes), however many watch it.
 *
 *   npm run bench -- --only privacy-mask [--runs 3] [--pictures 50]
 */
import sharp from 'sharp';
import type { MaskRect } from '../src/domain/privacy-mask.js';
import { maskJpeg } from '../src/services/privacy-masks.js';
import { renderFrame } from '../test/support/index.js';
import { Args } from './lib/args.js';
import { isMain } from './lib/child.js';
import { figure, printFigure, printMachine, saveResults, type Figure } from './lib/stats.js';

const ONE: MaskRect[] = [{ x: 0.4, y: 0.3, w: 0.3, h: 0.3 }];
const SIXTEEN: MaskRect[] = Array.from({ length: 16 }, (_, i) => ({ x: (i % 4) * 0.25 + 0.02, y: Math.floor(i / 4) * 0.25 + 0.02, w: 0.2, h: 0.2 }));

export async function run(): Promise<void> {
  const args = new Args();
  const runs = args.number('runs', 3, { min: 1, max: 20, integer: true });
  const pictures = args.number('pictures', 50, { min: 1, max: 1000, integer: true });
  console.log(`\n# Privacy mask cost — ${pictures} pictures per run, ${runs} runs`);
  printMachine();
  const big = await renderFrame(new Date(), { width: 1280, height: 720, quality: 80 });
  const phone = await sharp(big).resize({ width: 640 }).jpeg({ quality: 80 }).toBuffer();
  const thumb = await sharp(big).resize({ width: 160 }).jpeg({ quality: 70 }).toBuffer();
  const figures: Figure[] = [];
  for (const [name, jpeg] of [['1280×720', big], ['640×360', phone], ['160×90 thumbnail', thumb]] as const) {
    for (const [rects, mask] of [['1 rectangle', ONE], ['16 rectangles', SIXTEEN]] as const) {
      const wall: number[] = [];
      const cpu: number[] = [];
      await maskJpeg(jpeg, mask); // warm: sharp's first call loads libvips' codecs
      for (let r = 0; r < runs; r++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        // One after another, as the caches mask one new picture at a time per camera.
        for (let i = 0; i < pictures; i++) await maskJpeg(jpeg, mask);
        const c = process.cpuUsage(c0);
        wall.push((performance.now() - t0) / pictures);
        cpu.push((c.user + c.system) / 1000 / pictures);
      }
      figures.push(figure(`${name}, ${rects}: wall per picture`, 'ms', wall), figure(`${name}, ${rects}: CPU per picture`, 'ms', cpu));
    }
  }
  for (const f of figures) printFigure(f);
  console.log(`saved ${saveResults('privacy-mask', figures)}`);
}

if (isMain(import.meta.url)) await run();
