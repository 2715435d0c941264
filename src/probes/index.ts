/**
 * The probes, one per layer, behind one interface, and the registry that holds them. The
 * registry is explicit and refuses a second probe for a layer, so adding a layer is one file and
 * one line here (see README.md). Must not schedule or run rounds: that is the monitor's job.
 */
import type { Layer, LayerResult, OnvifDetail, RtspDetail, TcpDetail } from '../domain/status.js';
import { imageProbe, type ImageLayerResult, type ImageProbeContext } from './image.js';
import { rtspProbe, type RtspProbeContext } from './rtsp.js';
import { tcpProbe, type TcpProbeContext } from './tcp.js';
import { onvifProbe } from './onvif.js';
import type { Probe, ProbeContext } from './types.js';

export { checkImage, imageProbe, withCredentials, type CapturedFrame, type CheckedPicture, type PictureSize, type ViewerFrame, type FrameLimits, type ImageLayerResult, type ImageProbeContext } from './image.js';
export { checkRtsp, rtspProbe, type RtspProbeContext } from './rtsp.js';
export { checkTcp, tcpEndpoint, tcpEndpointIsRtsp, tcpProbe, type TcpEndpoint, type TcpProbeContext } from './tcp.js';
export { checkOnvif, onvifProbe } from './onvif.js';
export { elapsedSince, failed, PROBE_REASONS, type Probe, type ProbeContext, type ProbeReason, type ProbeTarget } from './types.js';
export { DEFAULT_IMAGE_THRESHOLDS, type FrameFingerprint, type ImageThresholds } from '../protocols/image/index.js';

/** The context each layer's probe takes. A new layer adds its line here. */
export interface ProbeContexts {
  tcp: TcpProbeContext;
  onvif: ProbeContext;
  rtsp: RtspProbeContext;
  image: ImageProbeContext;
}
/** What each layer's probe resolves with. */
export interface ProbeResults {
  tcp: LayerResult<TcpDetail>;
  onvif: LayerResult<OnvifDetail>;
  rtsp: LayerResult<RtspDetail>;
  image: ImageLayerResult;
}
export type LayerProbe<L extends Layer> = Probe<L, ProbeContexts[L], ProbeResults[L]>;

export class ProbeRegistry {
  private readonly probes: { [L in Layer]?: LayerProbe<L> } = {};
  private readonly order: Layer[] = [];

  /** Adds a probe; throws when its layer already has one (two probes for one layer is a wiring bug). */
  register<L extends Layer>(probe: LayerProbe<L>): this {
    if (this.probes[probe.layer] !== undefined) throw new Error(`a probe for layer '${probe.layer}' is already registered`);
    (this.probes as { [K in L]?: LayerProbe<K> })[probe.layer] = probe;
    this.order.push(probe.layer);
    return this;
  }

  get<L extends Layer>(layer: L): LayerProbe<L> | undefined {
    return this.probes[layer] as LayerProbe<L> | undefined;
  }

  /** Registered layers, in registration order. */
  layers(): Layer[] {
    return [...this.order];
  }
}

/** The built-in probes. */
export function defaultProbes(): ProbeRegistry {
  return new ProbeRegistry().register(tcpProbe).register(onvifProbe).register(rtspProbe).register(imageProbe);
}
