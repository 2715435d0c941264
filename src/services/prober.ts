/**
 * Runs one round of probes for a camera: the liveness layers (tcp, onvif, rtsp) together, or
 * the image layer alone, with credentials unsealed for that round only. Keeps each camera's
 * last frame fingerprint (for the frozen test) and hands new frames to whoever relays them.
 * What it returns is plain data, ready for the status machine and the store.
 */
import type { Layer, LayerResults, ProbeResult } from '../domain/status.js';
import type { Logger } from '../log.js';
import { defaultProbes, type CapturedFrame, type FrameFingerprint, type ImageThresholds, type ProbeRegistry, type ProbeTarget } from '../probes/index.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Camera } from '../store/cameras.js';

const LIVENESS: readonly Layer[] = ['tcp', 'onvif', 'rtsp'];

/** What a round needs of a camera: its id and endpoints (credentials sealed). Queue-mode jobs carry just this. */
export type ProbedCamera = Pick<Camera, 'id' | 'onvif' | 'rtsp' | 'snapshot'>;

export interface ProberOptions {
  box: SecretBox;
  log: Logger;
  livenessTimeoutMs: number;
  imageTimeoutMs: number;
  ffmpegPath?: string | undefined;
  imageThresholds?: Partial<ImageThresholds> | undefined;
  probes?: ProbeRegistry;
  now?: () => number;
  /** Told about every decoded frame, good or not (the dashboard shows what the camera shows); `ok` when the picture was judged fine. */
  onFrame?: (cameraId: string, frame: CapturedFrame, ok: boolean) => void;
}

export class Prober {
  private readonly probes: ProbeRegistry;
  private readonly fingerprints = new Map<string, FrameFingerprint>();
  private readonly warnedUnreadable = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly options: ProberOptions) {
    this.probes = options.probes ?? defaultProbes();
    this.now = options.now ?? Date.now;
  }

  async liveness(camera: ProbedCamera, signal: AbortSignal): Promise<ProbeResult> {
    const at = this.now();
    const target = this.target(camera);
    const ctx = { signal, deadlineMs: this.options.livenessTimeoutMs };
    const layers: LayerResults = {};
    await Promise.all(
      LIVENESS.map(async (layer) => {
        const probe = this.probes.get(layer);
        if (!probe?.applies(target)) return;
        (layers as Record<string, unknown>)[layer] = await probe.check(target, ctx);
      }),
    );
    return { cameraId: camera.id, at, layers };
  }

  async image(camera: ProbedCamera, signal: AbortSignal): Promise<ProbeResult> {
    const at = this.now();
    const target = this.target(camera);
    const probe = this.probes.get('image');
    if (!probe?.applies(target)) return { cameraId: camera.id, at, layers: {} };
    const result = await probe.check(target, {
      signal,
      deadlineMs: this.options.imageTimeoutMs,
      previous: this.fingerprints.get(camera.id),
      ffmpegPath: this.options.ffmpegPath,
      thresholds: this.options.imageThresholds,
    });
    const { frame, fingerprint, ...layer } = result;
    // Only a good frame becomes the reference: a frozen camera must keep being compared with
    // the last picture that moved, not with itself.
    if (fingerprint && (layer.ok || layer.detail?.verdict === 'frozen')) this.fingerprints.set(camera.id, fingerprint);
    if (frame) this.options.onFrame?.(camera.id, frame, layer.ok);
    return { cameraId: camera.id, at, layers: { image: layer } };
  }

  forget(cameraId: string): void {
    this.fingerprints.delete(cameraId);
    this.warnedUnreadable.delete(cameraId);
  }

  /** The camera as probes see it, with passwords unsealed for this round only. */
  private target(c: ProbedCamera): ProbeTarget {
    const open = (sealed: string | null) => {
      if (!sealed) return undefined;
      try {
        return this.options.box.open(sealed);
      } catch {
        if (!this.warnedUnreadable.has(c.id)) {
          this.warnedUnreadable.add(c.id);
          this.options.log.warn({ cameraId: c.id }, 'a stored camera password cannot be decrypted (was PANTAU_SECRET or data/secret.key changed?); probing without it');
        }
        return undefined;
      }
    };
    return {
      cameraId: c.id,
      onvif: c.onvif ? { host: c.onvif.host, port: c.onvif.port, username: c.onvif.username ?? undefined, password: open(c.onvif.passwordEnc) } : undefined,
      rtspUrl: c.rtsp?.url,
      // A stream without its own credentials usually takes the ONVIF ones (same device account).
      rtspUsername: c.rtsp?.username ?? c.onvif?.username ?? undefined,
      rtspPassword: c.rtsp?.username ? open(c.rtsp.passwordEnc) : open(c.onvif?.passwordEnc ?? null),
      snapshotUrl: c.snapshot?.url,
      snapshotUsername: c.snapshot?.username ?? c.onvif?.username ?? undefined,
      snapshotPassword: c.snapshot?.username ? open(c.snapshot.passwordEnc) : open(c.onvif?.passwordEnc ?? null),
    };
  }
}
