/** RTSP health checks: DESCRIBE (OPTIONS when a camera insists) with auth, the media check (SETUP, PLAY, first RTP packet), the response parser, the SDP check and the connect outcome. */
export { describeRtsp, type DescribeOptions, type DescribeResult } from './client.js';
export { watchConnect, type ConnectOutcome, type WatchConnectOptions } from './connect.js';
export { RtspError, socketFailure, type RtspErrorCode, type SocketFailure } from './errors.js';
export { DEFAULT_MAX_MEDIA_BYTES, type MediaOptions, type MediaResult } from './media.js';
export { DEFAULT_MAX_RESPONSE_BYTES, header, parseRtspResponse, RtspResponseReader, type InterleavedFrame, type RtspMessage, type RtspResponse } from './response.js';
export { parseSdp, videoMedia, type SdpMedia, type SdpSummary } from './sdp.js';
export { contentBase, controlUrl, isRtpOf, parseSessionHeader, parseTransportReply, transportRequest, type RtpTransport, type SessionHeader, type TransportReply } from './transport.js';
export { parseRtspUrl, RTSP_DEFAULT_PORT, RTSPS_DEFAULT_PORT, type RtspEndpoint } from './url.js';
