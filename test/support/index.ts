/** Camera simulators for tests and the demo: import them from here. */
export { AuthGate, type AuthGateOptions, type AuthScheme, type DigestAlgorithm } from './auth-gate.js';
export { renderFrame, frameSvg, type FrameOptions } from './frame-render.js';
export { HttpSnapshotSimulator, type HttpSnapshotOptions, type SnapshotMode } from './http-snapshot-camera.js';
export { LOOPBACK, waitForPort } from './net.js';
export { OnvifDeviceSimulator, type OnvifDeviceOptions } from './onvif-device.js';
export { VENDORS, type OnvifVendor } from './onvif-vendors.js';
export {
  GST_PYTHON,
  gstRtspUnavailableReason,
  RtspCameraSimulator,
  type RtspCameraMode,
  type RtspCameraOptions,
} from './rtsp-camera.js';
export {
  answerRtsp,
  readRtspRequests,
  RtspResponderSimulator,
  type RtspAnswerContext,
  type RtspResponderMode,
  type RtspResponderOptions,
} from './rtsp-responder.js';
export { RtspFaultCamera, type RtspFaultCameraOptions, type RtspFaultMode } from './rtsp-fault-camera.js';
export { RtspMediaConnection, rtpPacket, type MediaRequest, type RtspMediaBehaviour } from './rtsp-media.js';
export { WsDiscoveryResponder } from './ws-discovery-responder.js';
export { changedPixels, decode, ffmpegUnavailableReason, grabFrame, meanLuma, type Picture } from './frames.js';
