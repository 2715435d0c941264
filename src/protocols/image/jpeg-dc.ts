/**
 * A baseline JPEG read at 1/8 scale from its DC coefficients alone, in JS, for the image
 * check's fingerprint and a grid's thumbnails. Every coefficient must still be Huffman-decoded to find the next block,
 * but nothing else is done: no inverse DCT, no pixels, no libvips pipeline. That pipeline, not the
 * decoding, was most of a check's CPU (sharp's fixed cost per pipeline, a second open of the
 * file for shrink-on-load, the object system, the hop to libuv's pool): see BENCHMARKS.md.
 *
 * Reads only the plainest JPEGs, which are what cameras send: baseline Huffman (SOF0/SOF1),
 * 8-bit, greyscale or YCbCr with the luma sampled 1 or 2 times the chroma each way, one
 * interleaved scan, restart markers in order. Anything else, and anything at all out of order
 * in the bytes (a bad Huffman code, a scan that ends early or late, a wrong restart marker, an
 * ICC profile or an Adobe colour transform), is `undefined`: the caller then decodes with sharp,
 * which decides whether the picture is acceptable. So this never accepts what sharp refuses; it
 * only does sharp's work faster on pictures it reads completely. Bytes are hostile: every read
 * is bounded by the buffer, and the work by the number of blocks the header declares, which the
 * caller has checked against the pixel limit.
 */
import { Scratch } from './scratch.js';

/**
 * The picture at 1/8 scale before colour conversion: each component's block means as samples
 * (0..255, level shifted and clamped as libjpeg outputs them at 1/8 scale). Averaged before
 * converting to RGB (decode.ts), at a fraction of the cost of RGB for every block.
 */
export interface DcPlanes {
  /** ceil(width / 8) and ceil(height / 8) of the picture as sent: the luma blocks that show. */
  width: number;
  height: number;
  /** Row-major, `lumaStride` per row of blocks (the last MCU's padding blocks included). */
  luma: Uint8Array;
  lumaStride: number;
  /** Absent for a greyscale JPEG. */
  chroma?: DcChroma | undefined;
}

/** Cb and Cr, one sample per chroma block; chroma block (x >> hShift, y >> vShift) covers luma block (x, y). */
export interface DcChroma {
  cb: Uint8Array;
  cr: Uint8Array;
  stride: number;
  hShift: number;
  vShift: number;
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
}

interface HuffmanTable {
  /** LOOKUP_BITS-bit prefix → the code's entry (entryOf), 0 when the code is longer. */
  lookup: Uint16Array;
  /** For codes longer than LOOKUP_BITS: largest code of each length (−1: none), and where its symbols start. */
  maxCode: Int32Array;
  offset: Int32Array;
  symbols: Uint8Array;
  ac: boolean;
  /**
   * AC only: LOOKUP_BITS-bit prefix → as many whole codes with their coefficients as it holds
   * (runOf), 0 when not even one.
   */
  runs: Uint16Array | undefined;
}

const LOOKUP_BITS = 12;
const SOF_BASELINE = 0xc0;
const SOF_EXTENDED = 0xc1;
const DHT = 0xc4;
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const DQT = 0xdb;
const DRI = 0xdd;
const APP2 = 0xe2;
const APP14 = 0xee;

/** The 1/8-scale picture's planes, or undefined when this is not a JPEG this reads completely (the caller then asks sharp). */
export function jpegDcPlanes(bytes: Uint8Array): DcPlanes | undefined {
  try {
    return read(bytes);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

class Unsupported extends Error {}

function unsupported(): never {
  throw new Unsupported();
}

function u16(bytes: Uint8Array, at: number): number {
  if (at + 2 > bytes.length) unsupported();
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function read(bytes: Uint8Array): DcPlanes {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) unsupported();
  const quant: number[] = [];
  const dcTables: HuffmanTable[] = [];
  const acTables: HuffmanTable[] = [];
  let restartInterval = 0;
  let frame: { width: number; height: number; components: Component[] } | undefined;
  let i = 2;
  for (;;) {
    if (i + 4 > bytes.length || bytes[i] !== 0xff) unsupported();
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const length = u16(bytes, i + 2);
    const start = i + 4;
    const end = i + 2 + length;
    if (length < 2 || end > bytes.length) unsupported();
    if (marker === DQT) readQuant(bytes, start, end, quant);
    else if (marker === DHT) readHuffman(bytes, start, end, dcTables, acTables);
    else if (marker === DRI) restartInterval = u16(bytes, start);
    else if (marker === SOF_BASELINE || marker === SOF_EXTENDED) {
      if (frame) unsupported();
      frame = readFrame(bytes, start, end);
    } else if (marker === SOS) {
      if (!frame) unsupported();
      return scan(bytes, start, end, frame, quant, dcTables, acTables, restartInterval);
    } else if (marker === APP2 || marker === APP14) unsupported(); // ICC profile (sharp converts to sRGB), Adobe colour transform
    else if (marker >= 0xc0 && marker <= 0xcf) unsupported(); // progressive, lossless, arithmetic, hierarchical
    else if (!((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe)) unsupported(); // only APPn and COM are skipped
    i = end;
  }
}

function readQuant(bytes: Uint8Array, start: number, end: number, quant: number[]): void {
  for (let p = start; p < end; ) {
    const precision = bytes[p]! >> 4;
    const id = bytes[p]! & 15;
    if (precision > 1 || id > 3 || p + 1 + (precision ? 128 : 64) > end) unsupported();
    // Only the DC step matters here: the first entry, in either order.
    quant[id] = precision ? u16(bytes, p + 1) : bytes[p + 1]!;
    p += 1 + (precision ? 128 : 64);
  }
}

function readHuffman(bytes: Uint8Array, start: number, end: number, dcTables: HuffmanTable[], acTables: HuffmanTable[]): void {
  for (let p = start; p < end; ) {
    const cls = bytes[p]! >> 4;
    const id = bytes[p]! & 15;
    if (cls > 1 || id > 3 || p + 17 > end) unsupported();
    const counts = bytes.subarray(p + 1, p + 17);
    let n = 0;
    for (const c of counts) n += c;
    if (n > 256 || p + 17 + n > end) unsupported();
    (cls ? acTables : dcTables)[id] = cachedTable(bytes.subarray(p, p + 17 + n));
    p += 17 + n;
  }
}

/**
 * Tables by their bytes (class, counts and symbols): a camera sends the same few tables in every
 * snapshot, and building a table's lookups costs tens of microseconds. Bounded: emptied when full.
 */
const tableCache = new Map<string, HuffmanTable>();
const TABLE_CACHE_SIZE = 64;

function cachedTable(definition: Uint8Array): HuffmanTable {
  // The table's id (the low nibble of the first byte) is not part of what it decodes.
  const key = String.fromCharCode(definition[0]! >> 4, ...definition.subarray(1));
  let table = tableCache.get(key);
  if (!table) {
    table = huffmanTable(definition.subarray(1, 17), definition.subarray(17), definition[0]! >> 4 === 1);
    if (tableCache.size >= TABLE_CACHE_SIZE) tableCache.clear();
    tableCache.set(key, table);
  }
  return table;
}

function huffmanTable(counts: Uint8Array, symbols: Uint8Array, ac: boolean): HuffmanTable {
  const lookup = new Uint16Array(1 << LOOKUP_BITS);
  const maxCode = new Int32Array(17).fill(-1);
  const offset = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    offset[length] = k - code;
    for (let j = 0; j < counts[length - 1]!; j++) {
      if (code >= 1 << length) unsupported(); // more codes than the length holds
      const symbol = symbols[k]!;
      if (length <= LOOKUP_BITS) {
        const shift = LOOKUP_BITS - length;
        lookup.fill(entryOf(length, symbol, ac), code << shift, (code + 1) << shift);
      }
      code++;
      k++;
    }
    maxCode[length] = code - 1;
    code <<= 1;
  }
  return { lookup, maxCode, offset, symbols: Uint8Array.from(symbols), ac, runs: ac ? runsOf(lookup) : undefined };
}

/**
 * For each LOOKUP_BITS-bit prefix, the AC codes (with their coefficients) it holds whole, read
 * one after another: the bits they take (bits 0–4), how far they move along the block together
 * (5–10, at most 63), and whether the last is the end of the block (bit 11). A block's AC codes
 * average 4–5 bits with their coefficients, so one lookup often reads two or three, or the
 * whole rest of the block.
 */
function runsOf(lookup: Uint16Array): Uint16Array {
  const size = 1 << LOOKUP_BITS;
  const runs = new Uint16Array(size);
  for (let prefix = 0; prefix < size; prefix++) {
    let used = 0;
    let advance = 0;
    let end = 0;
    while (used < LOOKUP_BITS && advance < 63) {
      const entry = lookup[(prefix << used) & (size - 1)]!;
      // No code there, or one that runs past the prefix's bits with its coefficient.
      if (entry === 0 || (entry & 31) > LOOKUP_BITS - used) break;
      used += entry & 31;
      if (entry >> 5 === 0) {
        end = 1;
        break;
      }
      advance += entry >> 5;
    }
    runs[prefix] = used === 0 ? 0 : used | (Math.min(advance, 63) << 5) | (end << 11);
  }
  return runs;
}

/**
 * A code's entry. DC: its length (bits 0–4) and the size of the difference that follows (5–8).
 * AC: the bits to skip, code and coefficient together (0–4), and how far it moves along the
 * block (5–11): run + 1, 16 for a run of 16 zeros, 0 for the end of the block.
 */
function entryOf(length: number, symbol: number, ac: boolean): number {
  if (!ac) return length | (symbol << 5);
  const run = symbol >> 4;
  const size = symbol & 15;
  const advance = size !== 0 ? run + 1 : run === 15 ? 16 : 0;
  return (length + size) | (advance << 5);
}

function readFrame(bytes: Uint8Array, start: number, end: number): { width: number; height: number; components: Component[] } {
  if (start + 6 > end || bytes[start] !== 8) unsupported(); // 8-bit samples only
  const height = u16(bytes, start + 1);
  const width = u16(bytes, start + 3);
  const count = bytes[start + 5]!;
  if (!width || !height || (count !== 1 && count !== 3) || start + 6 + count * 3 > end) unsupported();
  const components: Component[] = [];
  for (let c = 0; c < count; c++) {
    const at = start + 6 + c * 3;
    components.push({ id: bytes[at]!, h: bytes[at + 1]! >> 4, v: bytes[at + 1]! & 15, tq: bytes[at + 2]! });
  }
  if (count === 3) {
    const [y, cb, cr] = components as [Component, Component, Component];
    // libjpeg takes these ids for RGB, not YCbCr.
    if (y.id === 0x52 && cb.id === 0x47 && cr.id === 0x42) unsupported();
    if (y.h < 1 || y.h > 2 || y.v < 1 || y.v > 2 || cb.h !== 1 || cb.v !== 1 || cr.h !== 1 || cr.v !== 1) unsupported();
  } else {
    // A lone component's sampling factors do not matter: its MCU is one block.
    components[0]!.h = 1;
    components[0]!.v = 1;
  }
  return { width, height, components };
}

/**
 * The scan's working arrays, kept from one scan to the next (scratch.ts says why): its data
 * without stuffed bytes, each block's DC, and every component's lookups side by side.
 */
const SCAN_DATA = new Scratch((n) => new Uint8Array(n), 1 << 20);
const BLOCK_DCS = new Scratch((n) => new Int16Array(n), 1 << 18);
const LOOKUPS = new Uint16Array(6 << LOOKUP_BITS);
const RUNS = new Uint16Array(3 << LOOKUP_BITS);

function scan(
  bytes: Uint8Array,
  start: number,
  end: number,
  frame: { width: number; height: number; components: Component[] },
  quant: number[],
  dcTables: HuffmanTable[],
  acTables: HuffmanTable[],
  restartInterval: number,
): DcPlanes {
  const count = bytes[start]!;
  // One interleaved scan of every component, whole spectrum, no successive approximation.
  if (count !== frame.components.length || end !== start + 1 + count * 2 + 3) unsupported();
  if (bytes[end - 3] !== 0 || bytes[end - 2] !== 63 || bytes[end - 1] !== 0) unsupported();
  const components = frame.components;
  const dc: HuffmanTable[] = [];
  const ac: HuffmanTable[] = [];
  for (let c = 0; c < count; c++) {
    const id = bytes[start + 1 + c * 2]!;
    const tables = bytes[start + 2 + c * 2]!;
    const dcTable = dcTables[tables >> 4];
    const acTable = acTables[tables & 15];
    if (id !== components[c]!.id || !dcTable || !acTable || quant[components[c]!.tq] === undefined) unsupported();
    dc.push(dcTable);
    ac.push(acTable);
  }

  // The entropy-coded data with its stuffed zero bytes taken out, and where each restart begins.
  const data = SCAN_DATA.take(bytes.length - end + 8);
  const restarts: number[] = [];
  let n = 0;
  let p = end;
  for (; p < bytes.length; p++) {
    // Up to the next 0xFF in one copy (most of the data: it is one byte in 256 of it).
    const ff = bytes.indexOf(0xff, p);
    const stop = ff < 0 ? bytes.length : ff;
    data.set(bytes.subarray(p, stop), n);
    n += stop - p;
    p = stop;
    if (ff < 0) break;
    const next = bytes[p + 1];
    if (next === 0) {
      data[n++] = 0xff;
      p++;
    } else if (next !== undefined && next >= 0xd0 && next <= 0xd7) {
      if (next - 0xd0 !== restarts.length % 8) unsupported(); // out of order
      restarts.push(n);
      p++;
    } else if (next !== 0xff) break;
  }
  // The scan must be the last thing: EOI right after it (a second scan is not read here).
  if (bytes[p + 1] !== EOI) unsupported();
  restarts.push(n);
  // The reader looks up to 8 bytes past the end; what an earlier scan left there must not count.
  data.fill(0, n, n + 8);

  const hMax = components[0]!.h;
  const vMax = components[0]!.v;
  const mcuColumns = Math.ceil(frame.width / (8 * hMax));
  const mcuRows = Math.ceil(frame.height / (8 * vMax));
  const mcus = mcuColumns * mcuRows;
  const intervals = restartInterval ? Math.ceil(mcus / restartInterval) : 1;
  if (restarts.length !== intervals) unsupported();

  // All in flat typed arrays, for the loop below to stay monomorphic: every component's plane
  // in one array, every component's lookups in another; per block of an MCU, its component and
  // where it lands (its offset in the MCU, and the steps to the next MCU across and down).
  const planeWidths: number[] = [];
  const planeStarts: number[] = [];
  let planeSize = 0;
  for (const { h, v } of components) {
    planeWidths.push(mcuColumns * h);
    planeStarts.push(planeSize);
    planeSize += mcuColumns * h * mcuRows * v;
  }
  // Every block of every MCU is written below, so what an earlier scan left is overwritten.
  const plane = BLOCK_DCS.take(planeSize);
  const lookups = LOOKUPS;
  for (let c = 0; c < count; c++) {
    lookups.set(dc[c]!.lookup, (c * 2) << LOOKUP_BITS);
    lookups.set(ac[c]!.lookup, (c * 2 + 1) << LOOKUP_BITS);
  }
  const runs = RUNS;
  for (let c = 0; c < count; c++) runs.set(ac[c]!.runs!, c << LOOKUP_BITS);
  const blocks = components.reduce((n, { h, v }) => n + h * v, 0);
  const blockComponent = new Int32Array(blocks);
  const blockOffset = new Int32Array(blocks);
  const blockAcross = new Int32Array(blocks);
  const blockDown = new Int32Array(blocks);
  for (let c = 0, b = 0; c < count; c++) {
    const { h, v } = components[c]!;
    for (let y = 0; y < v; y++) {
      for (let x = 0; x < h; x++, b++) {
        blockComponent[b] = c;
        blockOffset[b] = planeStarts[c]! + y * planeWidths[c]! + x;
        blockAcross[b] = h;
        blockDown[b] = v * planeWidths[c]!;
      }
    }
  }
  const predictions = new Int32Array(count);

  // The bit reader: `bits` holds the next `held` bits of the data, read from `next` on.
  let bits = 0;
  let held = 0;
  let next = 0;
  let segmentEnd = restarts[0]!;
  let interval = 0;
  let left = restartInterval || mcus;
  let column = 0;
  let row = 0;
  for (let m = 0; m < mcus; m++) {
    if (left === 0) {
      // The interval must have used its bytes, less the padding of its last one.
      if (next * 8 - held > segmentEnd * 8 || segmentEnd * 8 - (next * 8 - held) >= 8) unsupported();
      next = segmentEnd;
      bits = 0;
      held = 0;
      segmentEnd = restarts[++interval]!;
      predictions.fill(0);
      left = restartInterval;
    }
    left--;
    for (let b = 0; b < blocks; b++) {
      const c = blockComponent[b]!;
      // DC: its size category, then that many bits of difference from the previous block's.
      while (held <= 24) {
        bits = (bits << 8) | data[next++]!;
        held += 8;
      }
      let entry = lookups[((c * 2) << LOOKUP_BITS) | ((bits >>> (held - LOOKUP_BITS)) & 4095)]!;
      if (entry === 0) entry = longCode(dc[c]!, bits, held);
      held -= entry & 31;
      const size = entry >> 5;
      if (size > 11) unsupported();
      if (held < size) {
        bits = (bits << 8) | data[next++]!;
        held += 8;
      }
      held -= size;
      // The difference's bits; negative when the first is 0 (then less 2^size - 1). Without a
      // branch: which way it goes is as good as random, and size 0 reads nothing and gives 0.
      const mask = (1 << size) - 1;
      const raw = (bits >>> held) & mask;
      const diff = raw - ((((raw >>> (size - 1)) & 1) - 1) & mask);
      const prediction = predictions[c]! + diff;
      predictions[c] = prediction;
      plane[blockOffset[b]! + row * blockDown[b]! + column * blockAcross[b]!] = prediction;
      // AC: read past every coefficient (a code and its bits) up to the end of block or the 63rd,
      // several codes at a time where they fit the lookup and stay inside the block.
      const acBase = (c * 2 + 1) << LOOKUP_BITS;
      const runBase = c << LOOKUP_BITS;
      let k = 1;
      for (;;) {
        while (held <= 24) {
          bits = (bits << 8) | data[next++]!;
          held += 8;
        }
        const prefix = (bits >>> (held - LOOKUP_BITS)) & 4095;
        const run = runs[runBase | prefix]!;
        if (run !== 0 && k + ((run >> 5) & 63) < 64) {
          held -= run & 31;
          if (run >= 2048) break;
          k += (run >> 5) & 63;
          continue;
        }
        entry = lookups[acBase | prefix]!;
        if (entry === 0) entry = longCode(ac[c]!, bits, held);
        const skip = entry & 31;
        if (skip <= held) held -= skip;
        else {
          // A long code with a long coefficient: past everything held, and on into the data.
          const rest = skip - held;
          next += rest >> 3;
          held = 0;
          if ((rest & 7) !== 0) {
            bits = data[next++]!;
            held = 8 - (rest & 7);
          }
        }
        const advance = entry >> 5;
        if (advance === 0) break;
        k += advance;
        if (k >= 64) break;
      }
      if (k > 64) unsupported(); // more coefficients than a block has
    }
    if (next * 8 - held > segmentEnd * 8) unsupported(); // ran past its data
    if (++column === mcuColumns) {
      column = 0;
      row++;
    }
  }
  if (segmentEnd * 8 - (next * 8 - held) >= 8) unsupported();
  return samples(frame, plane.subarray(0, planeSize), planeStarts, planeWidths, components.map((c) => quant[c.tq]!));
}

/**
 * A code longer than the lookup's bits, the slow way, from the reader's `held` (at least 25)
 * bits; the entry as the lookup would have it.
 */
function longCode(table: HuffmanTable, bits: number, held: number): number {
  for (let length = LOOKUP_BITS + 1; length <= 16; length++) {
    const code = (bits >>> (held - length)) & ((1 << length) - 1);
    if (code <= table.maxCode[length]!) {
      const symbol = table.symbols[table.offset[length]! + code];
      if (symbol === undefined) unsupported();
      return entryOf(length, symbol, table.ac);
    }
  }
  return unsupported(); // no such code: corrupt data
}

/**
 * Each block's mean as libjpeg outputs it at 1/8 scale: its DC, dequantised, rounded, level
 * shifted and clamped. (The plane's values wrap at 16 bits as libjpeg's coefficients do.)
 */
function samples(
  frame: { width: number; height: number; components: Component[] },
  /** Exactly the scan's blocks: the last component's run ends where it does. */
  plane: Int16Array,
  planeStarts: number[],
  planeWidths: number[],
  steps: number[],
): DcPlanes {
  const width = Math.ceil(frame.width / 8);
  const height = Math.ceil(frame.height / 8);
  const luma = sampled(plane, planeStarts, steps, 0);
  if (planeStarts.length === 1) return { width, height, luma, lumaStride: planeWidths[0]! };
  const [y] = frame.components as [Component];
  const cb = sampled(plane, planeStarts, steps, 1);
  const cr = sampled(plane, planeStarts, steps, 2);
  return { width, height, luma, lumaStride: planeWidths[0]!, chroma: { cb, cr, stride: planeWidths[1]!, hShift: y.h - 1, vShift: y.v - 1 } };
}

/**
 * Component `c`'s samples. A function of the module, not a closure in samples(): a closure's
 * optimised code is dropped at a full collection when no instance of it is alive, and this
 * loop was compiled again after every one.
 */
function sampled(plane: Int16Array, planeStarts: number[], steps: number[], c: number): Uint8Array {
  const from = planeStarts[c]!;
  const to = planeStarts[c + 1] ?? plane.length;
  const step = steps[c]!;
  // Clamps to 0..255 on store.
  const out = new Uint8ClampedArray(to - from);
  for (let i = from; i < to; i++) out[i - from] = ((plane[i]! * step + 4) >> 3) + 128;
  return new Uint8Array(out.buffer);
}
