/** ONVIF wire helpers: device inspection, clock reading and WS-Discovery. No app imports. */
export { readOnvifClock, type OnvifClockReading } from './clock.js';
export {
  buildProbe,
  discoverOnvifDevices,
  parseProbeMatches,
  WS_DISCOVERY_GROUP,
  type DiscoveredDevice,
  type DiscoveryOptions,
} from './discovery.js';
export { OnvifError, type OnvifErrorCode } from './errors.js';
export {
  CLOCK_SKEW_TOLERANCE_MS,
  inspectOnvifDevice,
  login as signInOnvif,
  readOffset as readOnvifOffset,
  type OnvifDeviceReport,
  type OnvifProfile,
} from './inspect.js';
export { OnvifSession, type OnvifCallOptions, type OnvifTarget } from './session.js';
export { rewriteMediaUri } from './uri.js';
export { MIN_SUB_WIDTH, pickStreams, type ProfileStreams, type StreamProfile } from './streams.js';
