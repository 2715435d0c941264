/** Camera streams kept open: fragmented MP4 without re-encoding, or JPEGs decoded at a set rate. */
export { FfmpegStream, streamArgs, type StreamEvents, type StreamOptions, type StreamShape } from './ffmpeg-stream.js';
export { Fmp4Error, Fmp4Splitter, type Fmp4Part, type InitSegment, type MediaFragment } from './fmp4.js';
export { JpegSplitter } from './jpeg-split.js';
export { subStreamOf } from './sub-stream.js';
