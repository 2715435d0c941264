/**
 * A picture's format and size read from its first bytes, for JPEG and PNG (what cameras send),
 * without asking sharp: that costs a trip through libuv and libvips (~0.2 ms) on every image
 * check. Only reads; anything it does not recognise for certain is undefined, and the caller
 * then asks sharp. Must not decide whether the picture is acceptable.
 */

export interface PictureHeader {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pictureHeader(bytes: Buffer): PictureHeader | undefined {
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(PNG_SIGNATURE) && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegFrameSize(bytes);
  return undefined;
}

/** Walks the marker segments to the frame header (SOFn); undefined at anything unexpected. */
function jpegFrameSize(bytes: Buffer): PictureHeader | undefined {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // Markers without a length: TEM, RSTn, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;
      continue;
    }
    // A scan or the end before any frame header: not a picture this can read.
    if (marker === 0xda || marker === 0xd9) return undefined;
    const length = bytes.readUInt16BE(i + 2);
    if (length < 2) return undefined;
    // SOF0..SOF15, less DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 7 || i + 9 > bytes.length) return undefined;
      return { format: 'jpeg', height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return undefined;
}
