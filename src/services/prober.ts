/**
 * Runs one round of probes for a camera: the liveness layers (tcp, onvif, rtsp) together, or
 * the image layer alone, with credentials unsealed for that round only. Keeps each camera's
 * last frame fingerprint (for the frozen test) and hands each judged picture, not yet scaled
 * for phones, to whoever may show it (which scales it only if it will).
 * What it returns is plain data, ready for the status machine and the store.
 *
 * When the TCP layer would connect where the RTSP layer connects anyway (the camera's RTSP
 * host:port), the RTSP layer's first connect outcome is handed to the TCP layer, which then
 * opens no connection of its own: one connection per round, not two, for the same TCP result.
 * Other endpoints (no RTSP URL, one that does not parse) keep a TCP connect of their own.
 *
 * A frame grab from RTSP needs the RTSP layer: when that failed in the camera's latest liveness
 * round, the image check is skipped (recorded as skipped, with why) instead of spending up to
 * the image deadline of ffmpeg on a stream known to be gone. A snapshot URL is its own check.
 * When the RTSP layer passed, a grab that timed out is a picture problem (`reached`), not
 * silence. Each round says which layers apply, so a new camera waits for all of them.
 *
 * The RTSP layer's media check (does video really flow) runs on a camera's first liveness round,
 * then on every `mediaCheckEvery`-th one (at a phase of its own, so the fleet's checks spread
 * evenly), and on every round while the camera's last RTSP check failed:
 * a camera whose stream stopped is then judged on fresh evidence each round (so its verdict
 * cannot alternate with DESCRIBE-only rounds), and the healthy fleet pays for the check only
 * on a fraction of its rounds. In queue mode each worker keeps this count for the rounds it ran.
 */
import { getEventListeners } from 'node:events';
import type { LookupFunction } from 'node:net';
import type { Config } from '../config/schema.js';
import { LAYERS, type Layer, type LayerResult, type LayerResults, type MediaTransport, type ProbeResult, type RtspDetail } from '../domain/status.js';
import type { Logger } from '../log.js';
import {
  defaultProbes,
  tcpEndpointIsRtsp,
  withCredentials,
  type CheckedPicture,
  type FrameFingerprint,
  type ImageThresholds,
  type LayerProbe,
  type PictureSize,
  type ProbeRegistry,
  type ProbeTarget,
} from '../probes/index.js';
import { inspectOnvifDevice, pickStreams, type ProfileStreams } from '../protocols/onvif/index.js';
import { parseRtspUrl, type ConnectOutcome } from '../protocols/rtsp/index.js';
import { bindingHost, onvifBinding, urlBinding } from '../security/credential-binding.js';
import { outboundPolicies } from '../security/outbound-policy.js';
import { SecretBox } from '../security/secret-box.js';
import { openSecretParams } from '../security/url-secrets.js';
import type { Camera, UrlEndpoint } from '../store/cameras.js';

type LivenessLayer = Extract<Layer, 'tcp' | 'onvif' | 'rtsp'>;

/** What a round needs of a camera: its id and endpoints (credentials sealed). Queue-mode jobs carry just this. */
export type ProbedCamera = Pick<Camera, 'id' | 'onvif' | 'rtsp' | 'snapshot'>;

export interface ProberOptions {
  box: SecretBox;
  log: Logger;
  livenessTimeoutMs: number;
  imageTimeoutMs: number;
  ffmpegPath?: string | undefined;
  imageThresholds?: Partial<ImageThresholds> | undefined;
  /**
   * Check that media flows on a camera's first liveness round, then on every Nth (and on every
   * round after a failed RTSP check); 0 never checks. @defaultValue 0 (the config's is 10)
   */
  mediaCheckEvery?: number | undefined;
  probes?: ProbeRegistry;
  now?: () => number;
  /**
   * Resolves camera host names when probes connect: the camera outbound-address policy's
   * lookup, so a name that resolves to this server or to link-local (metadata) is not reached.
   */
  cameraLookup?: LookupFunction | undefined;
  /**
   * Told about every decoded picture, good or not (the dashboard shows what the camera shows);
   * `ok` when it was judged fine. The picture is scaled for phones by its `render()`: call it
   * only to show it, it costs several times the check.
   */
  onPicture?: (cameraId: string, picture: CheckedPicture, ok: boolean) => void;
}

/** The settings a prober takes from the config: the same for the server's own probing and for a queue worker. */
export function proberSettings(
  config: Config,
  ffmpegPath: string | undefined,
): Pick<ProberOptions, 'livenessTimeoutMs' | 'imageTimeoutMs' | 'ffmpegPath' | 'imageThresholds' | 'cameraLookup' | 'mediaCheckEvery'> {
  return {
    cameraLookup: outboundPolicies(config.outbound).cameras.lookup,
    livenessTimeoutMs: config.probes.livenessTimeoutMs,
    mediaCheckEvery: config.probes.mediaCheckEvery,
    imageTimeoutMs: config.probes.imageTimeoutMs,
    ffmpegPath,
    imageThresholds: config.probes.image,
  };
}

export class Prober {
  private readonly probes: ProbeRegistry;
  private readonly fingerprints = new Map<string, FrameFingerprint>();
  /** Per camera, the RTP transport that last carried media: tried first next round. */
  private readonly transports = new Map<string, MediaTransport>();
  /** Per camera, the RTSP layer of its latest liveness round: a frame grab depends on it. */
  private readonly lastRtsp = new Map<string, LayerResult<RtspDetail>>();
  /** Per camera, liveness rounds since its last media check, and whether its last RTSP check failed. */
  private readonly mediaRounds = new Map<string, { since: number; failing: boolean }>();
  private readonly warnedUnreadable = new Set<string>();
  private readonly roundSignals = new RoundSignals();
  private readonly now: () => number;

  constructor(private readonly options: ProberOptions) {
    this.probes = options.probes ?? defaultProbes();
    this.now = options.now ?? Date.now;
  }

  /**
   * `signal` may be shared by every round in flight: it holds one listener per round signal,
   * as many as rounds were ever in flight at once (see RoundSignals). `withImage` adds the
   * image check after the liveness layers, in the same round: a new camera then gets its first
   * full verdict at once instead of at its first image tick.
   */
  async liveness(camera: ProbedCamera, signal: AbortSignal, options: { withImage?: boolean } = {}): Promise<ProbeResult> {
    const own = this.roundSignals.take(signal);
    try {
      const round = await this.livenessRound(camera, own.signal);
      if (!options.withImage || own.signal.aborted) return round;
      const image = await this.imageRound(camera, own.signal);
      return { ...round, layers: { ...round.layers, ...image.layers } };
    } finally {
      this.roundSignals.give(own);
    }
  }

  /**
   * As liveness(), on a round signal of its own. `renderNow` scales the picture for viewers
   * in the check's own decode: for frames fetched for viewers, who will see them.
   */
  async image(camera: ProbedCamera, signal: AbortSignal, renderNow?: PictureSize): Promise<ProbeResult> {
    const own = this.roundSignals.take(signal);
    try {
      return await this.imageRound(camera, own.signal, renderNow);
    } finally {
      this.roundSignals.give(own);
    }
  }

  /**
   * The camera's RTSP stream for a long pull (live video, frames for viewers): its URL with the
   * credentials opened for it embedded, as ffmpeg wants them, and the transport that last
   * carried its media. Undefined without an rtsp(s):// URL. Never log the URL.
   */
  streamSource(camera: ProbedCamera): { url: string; transport: MediaTransport | undefined } | undefined {
    const target = this.target(camera);
    if (!target.rtspUrl || !parseRtspUrl(target.rtspUrl)) return undefined;
    const url = withCredentials(target.rtspUrl, target.rtspUsername, target.rtspPassword);
    return url ? { url, transport: target.rtspTransport } : undefined;
  }

  /**
   * The camera's main and sub-stream from its ONVIF profiles, read with its ONVIF account and
   * this prober's address policy; undefined when it has no ONVIF address or no usable profile.
   */
  async onvifStreams(camera: ProbedCamera, signal?: AbortSignal): Promise<ProfileStreams | undefined> {
    const target = this.target(camera);
    if (!target.onvif) return undefined;
    const report = await inspectOnvifDevice(target.onvif, { timeoutMs: this.options.livenessTimeoutMs * 2, signal, lookup: target.lookup });
    return pickStreams(report.profiles);
  }

  /** A long pull found the transport that carries this camera's media: probes try it first too. */
  noteTransport(cameraId: string, transport: MediaTransport): void {
    this.rememberTransport(cameraId, transport);
  }

  forget(cameraId: string): void {
    this.fingerprints.delete(cameraId);
    this.transports.delete(cameraId);
    this.lastRtsp.delete(cameraId);
    this.mediaRounds.delete(cameraId);
    this.warnedUnreadable.delete(cameraId);
  }

  private async livenessRound(camera: ProbedCamera, signal: AbortSignal): Promise<ProbeResult> {
    const at = this.now();
    const target = this.target(camera);
    const deadlineMs = this.options.livenessTimeoutMs;
    const shared = tcpEndpointIsRtsp(target) ? new HandOver() : undefined;
    const media = this.mediaDue(camera.id);
    const tcp = this.applicable('tcp', target);
    const onvif = this.applicable('onvif', target);
    const rtsp = this.applicable('rtsp', target);
    const rtspCheck = rtsp?.check(target, { signal, deadlineMs, onConnecting: shared?.give, media });
    // Settles the hand-over when the RTSP layer ended without connecting (not applicable, or a
    // probe that does not report): the TCP layer then connects on its own.
    if (shared) {
      if (rtspCheck) void rtspCheck.then(shared.none, shared.none);
      else shared.none();
    }
    // The probes' own promises, not an async wrapper per layer; and the layers are set in one
    // order, so every round's object has the same shape whichever layer answered first.
    const [tcpResult, onvifResult, rtspResult] = await Promise.all([
      tcp?.check(target, { signal, deadlineMs, connection: shared?.connection }),
      onvif?.check(target, { signal, deadlineMs }),
      rtspCheck,
    ]);
    const layers: LayerResults = {};
    if (tcpResult) layers.tcp = tcpResult;
    if (onvifResult) layers.onvif = onvifResult;
    if (rtspResult) layers.rtsp = rtspResult;
    this.rememberTransport(camera.id, layers.rtsp?.detail?.transport);
    if (layers.rtsp && layers.rtsp.reason !== 'aborted') {
      const previous = this.mediaRounds.get(camera.id);
      // After a camera's first check its next one comes at a phase of its own, so the fleet's
      // media checks spread evenly over rounds instead of all landing on every Nth interval.
      const since = !media ? (previous?.since ?? 0) : previous ? 0 : phaseOf(camera.id, this.options.mediaCheckEvery ?? 0);
      // Updated in place: a fresh object per round would live a whole interval, into the old generation.
      if (previous) {
        previous.since = since;
        previous.failing = !layers.rtsp.ok;
      } else this.mediaRounds.set(camera.id, { since, failing: !layers.rtsp.ok });
    }
    if (layers.rtsp) this.lastRtsp.set(camera.id, layers.rtsp);
    else this.lastRtsp.delete(camera.id);
    return { cameraId: camera.id, at, layers, applies: this.applying(target) };
  }

  /** A liveness layer's probe, when it applies to this camera. */
  private applicable<L extends LivenessLayer>(layer: L, target: ProbeTarget): LayerProbe<L> | undefined {
    const probe = this.probes.get(layer);
    return probe?.applies(target) ? probe : undefined;
  }

  private async imageRound(camera: ProbedCamera, signal: AbortSignal, renderNow?: PictureSize): Promise<ProbeResult> {
    const at = this.now();
    const target = this.target(camera);
    const probe = this.probes.get('image');
    const applies = this.applying(target);
    if (!probe?.applies(target)) return { cameraId: camera.id, at, layers: {}, applies };
    const rtsp = this.lastRtsp.get(camera.id);
    const grabs = !target.snapshotUrl;
    if (grabs && rtsp && !rtsp.ok) {
      const why = rtsp.message ?? rtsp.reason ?? 'failed';
      const skipped = { ok: false, skipped: true, reason: 'skipped', message: `not checked: the RTSP stream failed in the latest liveness round (${why})` };
      return { cameraId: camera.id, at, layers: { image: skipped }, applies };
    }
    const result = await probe.check(target, {
      signal,
      deadlineMs: this.options.imageTimeoutMs,
      previous: this.fingerprints.get(camera.id),
      ffmpegPath: this.options.ffmpegPath,
      thresholds: this.options.imageThresholds,
      renderNow,
    });
    const { picture, fingerprint, ...layer } = result;
    // Only a good frame becomes the reference: a frozen camera must keep being compared with
    // the last picture that moved, not with itself.
    if (fingerprint && (layer.ok || layer.detail?.verdict === 'frozen')) this.fingerprints.set(camera.id, fingerprint);
    if (picture) this.options.onPicture?.(camera.id, picture, layer.ok);
    this.rememberTransport(camera.id, layer.detail?.transport);
    // The stream answered DESCRIBE in the liveness round: a grab that then got nothing in time
    // says the picture does not come, not that the camera is silent.
    if (grabs && rtsp?.ok && !layer.ok && layer.reason === 'timeout' && !layer.reached) {
      const evidence = { ...layer, reached: true, message: `${layer.message ?? 'timed out'}, though the RTSP stream answered in the latest liveness round` };
      return { cameraId: camera.id, at, layers: { image: evidence }, applies };
    }
    return { cameraId: camera.id, at, layers: { image: layer }, applies };
  }

  /** The layers whose probe applies to this camera. */
  private applying(target: ProbeTarget): Layer[] {
    const layers: Layer[] = [];
    for (const layer of LAYERS) if (this.probes.get(layer)?.applies(target)) layers.push(layer);
    return layers;
  }

  /** Whether this liveness round checks media: the first, every Nth, and each one after a failed RTSP check. */
  private mediaDue(cameraId: string): boolean {
    const every = this.options.mediaCheckEvery ?? 0;
    if (every <= 0) return false;
    const state = this.mediaRounds.get(cameraId);
    if (!state) return true;
    state.since++;
    return state.failing || state.since >= every;
  }

  private rememberTransport(cameraId: string, transport: MediaTransport | undefined): void {
    if (transport) this.transports.set(cameraId, transport);
  }

  /**
   * The camera as probes see it, with passwords unsealed for this round only, each for the
   * endpoint it was given for (the sealed value opens for no other). A stream or snapshot
   * without credentials of its own borrows the ONVIF account only on the ONVIF device's host:
   * an owner who points a URL elsewhere gets no password sent there, in Basic or Digest.
   */
  private target(c: ProbedCamera): ProbeTarget {
    const onvifAt = c.onvif ? onvifBinding(c.onvif.host, c.onvif.port) : undefined;
    const onvifPassword = c.onvif && onvifAt ? this.open(c, c.onvif.passwordEnc, onvifAt) : undefined;
    const rtsp = this.credentialsFor(c, c.rtsp, onvifAt, onvifPassword);
    const snapshot = this.credentialsFor(c, c.snapshot, onvifAt, onvifPassword);
    return {
      cameraId: c.id,
      onvif: c.onvif ? { host: c.onvif.host, port: c.onvif.port, username: c.onvif.username ?? undefined, password: onvifPassword } : undefined,
      rtspUrl: c.rtsp ? this.openUrl(c, c.rtsp.url) : undefined,
      rtspTransport: this.transports.get(c.id),
      rtspUsername: rtsp.username,
      rtspPassword: rtsp.password,
      snapshotUrl: c.snapshot ? this.openUrl(c, c.snapshot.url) : undefined,
      snapshotUsername: snapshot.username,
      snapshotPassword: snapshot.password,
      lookup: this.options.cameraLookup,
    };
  }

  // target()'s parts are methods, not closures made per round: fewer objects per round, and V8
  // keeps their optimised code (see HandOver).

  /** A sealed password opened for `binding`; undefined (with one warning per camera) when it does not open. */
  private open(c: ProbedCamera, sealed: string | null, binding: string): string | undefined {
    if (!sealed) return undefined;
    try {
      return this.options.box.open(sealed, binding);
    } catch {
      if (!this.warnedUnreadable.has(c.id)) {
        this.warnedUnreadable.add(c.id);
        this.options.log.warn({ cameraId: c.id }, 'a stored camera password cannot be used (was PANTAU_SECRET or data/secret.key changed, or was it given for another address?); probing without it');
      }
      return undefined;
    }
  }

  /**
   * A stream's or snapshot's account. A URL's binding is parsed only when a credential is to be
   * opened for it: most rounds open none, and parsing each URL twice a round was a measurable
   * share of a round's CPU.
   */
  private credentialsFor(c: ProbedCamera, endpoint: UrlEndpoint | null, onvifAt: string | undefined, onvifPassword: string | undefined): Credentials {
    if (!endpoint) return NO_CREDENTIALS;
    const borrows = !endpoint.username && c.onvif?.username && onvifPassword !== undefined && onvifAt;
    if (!endpoint.username && !borrows) return NO_CREDENTIALS;
    const at = bindingOf(endpoint.url);
    if (at === undefined) return NO_CREDENTIALS;
    if (endpoint.username) return { username: endpoint.username, password: this.open(c, endpoint.passwordEnc, at) };
    // The device's own account, for its own streams: same host as the ONVIF service only.
    if (!c.onvif?.username || onvifPassword === undefined || !onvifAt || bindingHost(onvifAt) !== bindingHost(at)) return NO_CREDENTIALS;
    return { username: c.onvif.username, password: onvifPassword };
  }

  /** Secrets sealed into the query string (`?pwd=`), opened for this URL's endpoint only. */
  private openUrl(c: ProbedCamera, url: string): string {
    // Only a query can hold a sealed secret.
    if (!url.includes('?')) return url;
    let at: string | undefined | null = null;
    return openSecretParams(url, (stored) => {
      if (!SecretBox.isBound(stored)) return stored;
      if (at === null) at = bindingOf(url);
      return at === undefined ? null : (this.open(c, stored, at) ?? null);
    });
  }
}

type Credentials = Readonly<{ username?: string | undefined; password?: string | undefined }>;
/** No account for an endpoint: shared, most rounds open none. */
const NO_CREDENTIALS: Credentials = Object.freeze({});

/** The binding of a stored URL, or undefined when it does not parse (the probe reports that). */
function bindingOf(url: string): string | undefined {
  try {
    return urlBinding(url);
  } catch {
    return undefined;
  }
}

/** A stable number in 0…n-1 for a camera (FNV-1a of its id), so restarts keep its phase. */
function phaseOf(cameraId: string, n: number): number {
  if (n <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < cameraId.length; i++) h = Math.imul(h ^ cameraId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % n;
}

/**
 * A connect outcome passed from the RTSP layer to the TCP layer; only the first `give` counts.
 * Here and below, methods bound once rather than closures made per round: V8 drops a closure's
 * optimised code at a full collection when no instance of it is alive, and compiles it again.
 */
class HandOver {
  readonly connection: Promise<ConnectOutcome | undefined>;
  readonly give = this.hand.bind(this);
  /** Nothing to hand over: the TCP layer connects on its own. */
  readonly none = this.hand.bind(this, undefined);
  private resolve!: (outcome: Promise<ConnectOutcome> | undefined) => void;

  constructor() {
    this.connection = new Promise<ConnectOutcome | undefined>((resolve) => {
      this.resolve = resolve;
    });
  }

  private hand(outcome: Promise<ConnectOutcome> | undefined): void {
    this.resolve(outcome);
  }
}

/**
 * A round's own signal, following the caller's. Callers pass one signal to every round in
 * flight (a shutdown signal), and each probe listens on the signal it is given, several times a
 * round: on the caller's that would pile up past Node's listener limit (and its
 * MaxListenersExceededWarning) with a dozen rounds in flight. This way the caller's signal holds
 * one listener per round signal, and a probe that leaks listeners still trips the default limit
 * on the round's own signal.
 */
class RoundSignal {
  private readonly own = new AbortController();
  private readonly follow = this.abort.bind(this);

  constructor(readonly parent: AbortSignal) {
    if (parent.aborted) this.abort();
    else parent.addEventListener('abort', this.follow, { once: true });
  }

  get signal(): AbortSignal {
    return this.own.signal;
  }

  /** Stop following the caller's signal. */
  release(): void {
    this.parent.removeEventListener('abort', this.follow);
  }

  private abort(): void {
    this.own.abort(this.parent.reason);
  }
}

/**
 * Round signals between rounds, kept per caller's signal and handed to the next round. A signal
 * only ever aborts with its caller's (Pantau stopping), so one nobody listens on any more is as
 * good as new; a new AbortController, its signal and the two listeners that tie it to the
 * caller's were about a twelfth of the heap a liveness round allocated (issue 16, eighth round).
 * The caller's signal still holds one listener per round signal: as many as rounds were ever in
 * flight at once, the bound its owner sets by its concurrency.
 */
class RoundSignals {
  private readonly idle = new WeakMap<AbortSignal, RoundSignal[]>();

  take(parent: AbortSignal): RoundSignal {
    const kept = this.idle.get(parent)?.pop();
    return kept && !kept.signal.aborted ? kept : new RoundSignal(parent);
  }

  /** The round is over: its signal waits for the next round, unless it aborted or a probe still listens on it. */
  give(round: RoundSignal): void {
    if (round.signal.aborted || getEventListeners(round.signal, 'abort').length > 0) {
      round.release();
      return;
    }
    let idle = this.idle.get(round.parent);
    if (!idle) this.idle.set(round.parent, (idle = []));
    idle.push(round);
  }
}
