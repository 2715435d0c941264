/** RTSP health checks: OPTIONS/DESCRIBE with auth, the response parser and the SDP check. */
export { describeRtsp, type DescribeOptions, type DescribeResult } from './client.js';
export { RtspError, socketFailure, type RtspErrorCode, type SocketFailure } from './errors.js';
export { DEFAULT_MAX_RESPONSE_BYTES, header, parseRtspResponse, RtspResponseReader, type RtspResponse } from './response.js';
export { parseSdp, videoMedia, type SdpMedia, type SdpSummary } from './sdp.js';
export { parseRtspUrl, RTSP_DEFAULT_PORT, RTSPS_DEFAULT_PORT, type RtspEndpoint } from './url.js';
