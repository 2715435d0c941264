/**
 * Camera statuses, probe results and the classifier that turns one round of layer results
 * into a status with a machine-readable reason.
 *
 * Pure: no I/O, no clock. Must not debounce or remember anything by itself — confirmation over
 * several rounds belongs to status-machine.ts, which also owns the remembered image verdict
 * that it passes back in here.
 */

export const CAMERA_STATUSES = ['up', 'degraded', 'down', 'unknown', 'paused'] as const;
export type CameraStatus = (typeof CAMERA_STATUSES)[number];
/** What one probe round can say; `paused` is an admin decision, never an observation. */
export type ObservedStatus = Exclude<CameraStatus, 'paused'>;
/** Statuses that mean something is wrong: they open or continue an outage. */
export type BadStatus = 'degraded' | 'down';

export const LAYERS = ['tcp', 'onvif', 'rtsp', 'image'] as const;
export type Layer = (typeof LAYERS)[number];

export type ImageVerdict = 'ok' | 'black' | 'covered' | 'frozen' | 'corrupt';

/** How RTP reached us from the camera: interleaved in the RTSP connection, or over UDP. */
export type MediaTransport = 'tcp' | 'udp';

export interface TcpDetail {
  host?: string;
  port?: number;
}
export interface OnvifDetail {
  /** Device clock minus ours, from GetSystemDateAndTime. */
  clockOffsetMs?: number;
  model?: string;
  firmware?: string;
}
export interface RtspDetail {
  /** False when DESCRIBE answered but the SDP carries no video track. */
  hasVideo?: boolean;
  videoCodec?: string;
  /** RTSP status code of the last reply, when there was one. */
  statusCode?: number;
  /** The RTP transport that carried media in this round, when media was checked. */
  transport?: MediaTransport;
}
export interface ImageDetail {
  verdict: ImageVerdict;
  /** Mean luma, 0..255. */
  brightness?: number;
  /** How much the picture varies: the standard deviation of luma, 0..~128. */
  variance?: number;
  /** Mean absolute difference from the previous frame, 0..255. */
  diffFromLast?: number;
  /** The RTP transport the frame came over (RTSP frame grabs only). */
  transport?: MediaTransport;
}
export interface LayerDetails {
  tcp: TcpDetail;
  onvif: OnvifDetail;
  rtsp: RtspDetail;
  image: ImageDetail;
}

/** A layer's `reason` when the device answered but refused our credentials. */
export const AUTH_FAILED = 'auth_failed';
/** The RTSP layer's `reason` when the stream played but sent no RTP packet. */
export const NO_MEDIA = 'no_media';
/** The image layer's `reason` when the snapshot URL answered with a web page, not a picture. */
export const NOT_A_PICTURE = 'not_a_picture';

export interface LayerResult<D = LayerDetails[Layer]> {
  ok: boolean;
  latencyMs?: number;
  /** Free-form code from the probe ('timeout', 'refused', 'auth_failed', 'no_video', …). */
  reason?: string;
  /**
   * The device answered, even if the answer was a failure (401, 404, a broken SDP).
   * Reachability is what separates `down` from `degraded`, so a probe that got any reply sets
   * this; `ok: true` and an auth failure imply it.
   *
   * A connection the camera accepts and then resets is reached, and so is one answered with
   * garbage (bytes that are not the protocol, a reply with the wrong CSeq): something at that
   * address took the connection and acted on it, so the camera is there and its service is
   * broken — `degraded`, not `down`. The TCP layer reads the same connect the same way (a reset
   * reported in place of the connect event, as happens on fast links, is still a completed
   * handshake: a closed port refuses instead), so the two layers cannot disagree from round to
   * round. A connection accepted and never answered is reached by the TCP layer only; the
   * verdict is `degraded` all the same. Only refused, unroutable and unanswered connects are
   * not reached.
   */
  reached?: boolean;
  /** What happened, for people (never contains credentials). `reason` is for code. */
  message?: string;
  /**
   * The check was not made (its `message` says why), e.g. a frame grab when the RTSP layer it
   * needs failed in the latest liveness round. It counts as not attempted: it says nothing.
   */
  skipped?: boolean;
  detail?: D;
}
export type LayerResults = { [L in Layer]?: LayerResult<LayerDetails[L]> };

export interface ProbeResult {
  cameraId: string;
  /** Epoch ms when the round started. */
  at: number;
  layers: LayerResults;
  /**
   * Every layer that applies to this camera (it has what the layer needs), whether or not this
   * round checked it. The status machine keeps a new camera `unknown` until each was checked.
   */
  applies?: Layer[];
}

/**
 * What the classifier can name. Layer failures map onto a fixed vocabulary so alerts and the
 * dashboard can translate them, whatever free text the probes used.
 */
export type StatusReason =
  | 'ok'
  | 'not_checked'
  | 'unreachable'
  | 'no_stream'
  /** The stream is described, set up and played, but sends no video (a hung encoder). */
  | 'no_media'
  | 'rtsp_auth_failed'
  | Exclude<ImageVerdict, 'ok'>
  | 'no_frame'
  /** The snapshot URL answered with something that is not a picture (a login page). */
  | 'not_a_picture'
  | 'onvif_auth_failed'
  | 'onvif_failed'
  | 'port_closed';

export interface Classification {
  status: ObservedStatus;
  reason: StatusReason;
}

/**
 * The picture verdict of the last image round. Image health runs on a slower cadence than
 * liveness, so liveness rounds without an image layer reuse this instead of calling the camera
 * healthy (which would make a black camera flap between degraded and up every round).
 */
export interface ImageMemory {
  verdict: ImageVerdict | 'no_frame' | 'not_a_picture';
  /** `at` of the probe round that produced it. */
  at: number;
}

export function wasReached(result: LayerResult<unknown>): boolean {
  return result.ok || result.reached === true || result.reason === AUTH_FAILED;
}

/**
 * What an image layer says about the picture, or null when it learnt nothing (the fetch never
 * reached the device, so the previous verdict still stands). A verdict in the detail wins over
 * `ok`: the probe may have fetched a frame fine and still judged it black.
 */
export function imageVerdictOf(result: LayerResult<ImageDetail>): ImageMemory['verdict'] | null {
  if (result.reason === NOT_A_PICTURE) return 'not_a_picture';
  if (result.detail) return result.detail.verdict;
  if (result.ok) return 'ok';
  return wasReached(result) ? 'no_frame' : null;
}

function rtspProblem(rtsp: LayerResult<RtspDetail> | undefined): StatusReason | null {
  if (!rtsp) return null;
  if (rtsp.ok && rtsp.detail?.hasVideo !== false) return null;
  if (rtsp.reason === NO_MEDIA) return 'no_media';
  return rtsp.reason === AUTH_FAILED ? 'rtsp_auth_failed' : 'no_stream';
}

function onvifProblem(onvif: LayerResult<OnvifDetail> | undefined): StatusReason | null {
  if (!onvif || onvif.ok) return null;
  return onvif.reason === AUTH_FAILED ? 'onvif_auth_failed' : 'onvif_failed';
}

function imageProblem(verdict: ImageMemory['verdict'] | null): StatusReason | null {
  return verdict === null || verdict === 'ok' ? null : verdict;
}

/**
 * Classify one probe round.
 *
 * - No layer attempted → `unknown` / `not_checked`.
 * - No attempted layer reached the device → `down` / `unreachable`. This covers a failed TCP
 *   connect (the probes skip the rest), ONVIF-only cameras whose ONVIF call timed out and
 *   snapshot-only cameras whose snapshot fetch got no reply.
 * - Reached, but something failed → `degraded`, naming the failure users care most about:
 *   the stream (RTSP) first, then the picture, then ONVIF, then a closed port. A TCP failure
 *   next to another layer that answered means a different port is closed, not that the
 *   camera is gone.
 * - Everything attempted was fine → `up`. Layers that were not attempted (an ONVIF-only
 *   camera has no RTSP) neither help nor hurt.
 *
 * `memory` is the last image verdict; it is used only when this round has no image layer.
 * Callers decide how old a memory may be.
 */
export function classify(all: LayerResults, memory: ImageMemory | null = null): Classification {
  const layers = madeChecks(all);
  // Loops rather than callbacks here and below: this runs for every check, and V8 drops the
  // optimised code of a callback made per call at full collections, then compiles it again.
  let attempted = false;
  let reached = false;
  for (const layer of LAYERS) {
    const result: LayerResult<unknown> | undefined = layers[layer];
    if (result === undefined) continue;
    attempted = true;
    // A decoded frame is proof of contact even when its verdict makes the layer fail.
    if (wasReached(result) || (layer === 'image' && result.detail !== undefined)) reached = true;
  }
  if (!attempted) return { status: 'unknown', reason: 'not_checked' };
  if (!reached) return { status: 'down', reason: 'unreachable' };

  // Past the reachability check, an image layer that got nothing is itself a picture problem.
  const fresh = layers.image ? (imageVerdictOf(layers.image) ?? 'no_frame') : null;
  const verdict = fresh ?? memory?.verdict ?? null;
  const tcpProblem: StatusReason | null = layers.tcp && !layers.tcp.ok ? 'port_closed' : null;
  const problem =
    rtspProblem(layers.rtsp) ?? imageProblem(verdict) ?? onvifProblem(layers.onvif) ?? tcpProblem;
  return problem === null ? { status: 'up', reason: 'ok' } : { status: 'degraded', reason: problem };
}

/** The layers whose check was made: skipped ones left out. */
export function madeChecks(layers: LayerResults): LayerResults {
  let skipped = false;
  for (const layer of LAYERS) if (layers[layer]?.skipped) skipped = true;
  if (!skipped) return layers;
  const made: Record<string, unknown> = {};
  for (const layer of LAYERS) if (layers[layer] && !layers[layer].skipped) made[layer] = layers[layer];
  return made as LayerResults;
}

/**
 * An image round, to be judged: its fresh image layer together with the newest liveness layers
 * (tcp, onvif, rtsp) from `previous`. Judged alone, an image round knows nothing of the stream:
 * a camera whose stream fails (no media, resets, garbage) while its snapshot works was `up`
 * every image round and `degraded` every liveness round, and one whose frame grabs reach
 * nothing was `down` every image round and `degraded` every liveness round — flapping for a
 * fault that never changed. Liveness rounds already carry the picture the same way (ImageMemory).
 * A round without an image layer, or whose image check reached nothing, is returned as it is.
 */
export function withLivenessOf(image: ProbeResult, previous: LayerResults): ProbeResult {
  const fresh = image.layers.image;
  if (!fresh) return image;
  // Fresh silence outweighs older contact: an image check that reached nothing is judged alone,
  // or a camera that died since its last liveness round would read as reachable (degraded, not
  // down). A skipped check is not silence: it stands on the liveness layers.
  if (!fresh.skipped && !wasReached(fresh) && fresh.detail === undefined) return image;
  const { tcp, onvif, rtsp } = previous;
  return { ...image, layers: { ...(tcp ? { tcp } : {}), ...(onvif ? { onvif } : {}), ...(rtsp ? { rtsp } : {}), image: image.layers.image } };
}

export function isBad(status: CameraStatus): status is BadStatus {
  return status === 'degraded' || status === 'down';
}

/**
 * The image memory after a round: replaced when the round had an image layer and reached the
 * camera; kept otherwise. An unreachable round says nothing about the picture, so a camera that
 * was black before an outage is still assumed black until an image round says otherwise.
 */
export function nextImageMemory(
  probe: ProbeResult,
  classification: Classification,
  previous: ImageMemory | null,
): ImageMemory | null {
  const image = probe.layers.image;
  if (!image || image.skipped || classification.status === 'down' || classification.status === 'unknown') {
    return previous;
  }
  return { verdict: imageVerdictOf(image) ?? 'no_frame', at: probe.at };
}

/**
 * Why probe coverage of a camera was lost in queue mode: no live worker serves its queue, or
 * the queue (Redis) cannot be reached. The camera did nothing, so it becomes `unknown`.
 */
export type CoverageReason = 'no_worker' | 'queue_offline';

/** Why a flip happened: what the probes saw, or what Pantau or an admin did. */
export type FlipReason = StatusReason | CoverageReason | 'disabled' | 'enabled' | 'monitor_offline' | 'monitor_resumed';

/** A stored change of status. Uptime, outages and alerts are all derived from these. */
export interface Flip {
  cameraId: string;
  at: number;
  from: CameraStatus;
  to: CameraStatus;
  reason: FlipReason;
}
