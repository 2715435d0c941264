/**
 * The per-camera status machine: turns a stream of probe rounds (and enable/disable) into
 * confirmed status changes — flips — with debounce both ways and flap damping.
 *
 * Pure and immutable: the state is plain JSON so it can be stored after every observation and
 * restored after a restart (see restart.ts). Must not read a clock: `now` is a parameter.
 * Must not decide about alerts (grace, mute, grouping); it only says what changed.
 */
import { NOT_FLAPPING, trackFlapping, type FlapEvent, type FlapPolicy, type FlapState } from './flapping.js';
import {
  classify,
  LAYERS,
  madeChecks,
  nextImageMemory,
  type Layer,
  type CameraStatus,
  type Classification,
  type Flip,
  type FlipReason,
  type ImageMemory,
  type ObservedStatus,
  type ProbeResult,
  type StatusReason,
} from './status.js';

export interface MachinePolicy extends FlapPolicy {
  /** Failing rounds in a row before leaving `up`, or before moving between `degraded` and `down`. @defaultValue 2 */
  failuresToConfirm: number;
  /** Healthy rounds in a row before returning to `up`. @defaultValue 2 */
  recoveriesToConfirm: number;
  /**
   * Rounds that must agree before leaving `unknown` (first probe, re-enabled camera).
   * `unknown` claims nothing, so there is no status to protect from a false alarm; waiting
   * would only keep a camera that is really down grey on the dashboard. @defaultValue 1
   */
  roundsToLeaveUnknown: number;
  /**
   * A new or re-enabled camera stays `unknown` rather than go `up` until every layer that applies
   * was checked once (see `MachineState.checked`). @defaultValue true
   */
  awaitAllLayers: boolean;
  /**
   * A remembered image verdict older than this is forgotten. Null keeps it until the next
   * image round replaces it; set it to a few image-health intervals if image checks may be
   * switched off for a camera. @defaultValue null
   */
  imageMemoryTtlMs: number | null;
}

export const DEFAULT_MACHINE_POLICY: Readonly<MachinePolicy> = Object.freeze({
  failuresToConfirm: 2,
  recoveriesToConfirm: 2,
  roundsToLeaveUnknown: 1,
  awaitAllLayers: true,
  flapThreshold: 6,
  flapWindowMs: 3_600_000,
  flapQuietMs: 1_800_000,
  imageMemoryTtlMs: null,
});

/** A change seen but not yet confirmed. */
export interface PendingChange {
  status: Exclude<ObservedStatus, 'unknown'>;
  reason: StatusReason;
  /** Rounds in a row that disagreed with the current status in the same direction. */
  count: number;
  firstAt: number;
}

export interface MachineState {
  cameraId: string;
  status: CameraStatus;
  /** Reason of the change that set `status`. */
  reason: FlipReason;
  /** When `status` was set. Restart bookkeeping does not move it (see restart.ts). */
  since: number;
  pending: PendingChange | null;
  image: ImageMemory | null;
  /** `at` of the newest probe applied; older results arriving late are ignored. */
  lastProbeAt: number | null;
  flap: FlapState;
  /**
   * A new or re-enabled camera: the layers checked since. While present it may not leave
   * `unknown` for `up` before every layer that applies was checked once (a black picture must
   * not show `up` until the first image check). Absent once it left `unknown` (and in states
   * stored before this existed).
   */
  checked?: Layer[];
}

export type Observation = { kind: 'probe'; result: ProbeResult } | { kind: 'disable' } | { kind: 'enable' };

export type MachineEvent = FlapEvent;

export interface ObserveResult {
  state: MachineState;
  flip?: Flip;
  events: MachineEvent[];
  /** This round's own verdict, for live display; the confirmed status is `state.status`. */
  classification?: Classification;
  /**
   * Why nothing was considered: the camera is paused, the result is older than one already
   * applied, the round attempted no layer, a new camera looks up but not every layer that
   * applies was checked yet, or the command changed nothing.
   */
  ignored?: 'paused' | 'stale' | 'not_checked' | 'awaiting_layers' | 'no_change';
}

export function machinePolicy(overrides: Partial<MachinePolicy> = {}): MachinePolicy {
  const policy: MachinePolicy = { ...DEFAULT_MACHINE_POLICY, ...overrides };
  const counts = ['failuresToConfirm', 'recoveriesToConfirm', 'roundsToLeaveUnknown', 'flapThreshold'] as const;
  for (const key of counts) {
    if (!Number.isInteger(policy[key]) || policy[key] < 1) {
      throw new RangeError(`${key} must be a whole number ≥ 1, got ${policy[key]}`);
    }
  }
  if (!(policy.flapWindowMs > 0) || !(policy.flapQuietMs > 0) || policy.flapQuietMs > policy.flapWindowMs) {
    throw new RangeError('flapWindowMs and flapQuietMs must be positive, with flapQuietMs ≤ flapWindowMs');
  }
  if (policy.imageMemoryTtlMs !== null && !(policy.imageMemoryTtlMs > 0)) {
    throw new RangeError('imageMemoryTtlMs must be positive or null');
  }
  return policy;
}

export function initialState(cameraId: string, now: number, enabled = true): MachineState {
  return {
    cameraId,
    status: enabled ? 'unknown' : 'paused',
    reason: enabled ? 'not_checked' : 'disabled',
    since: now,
    pending: null,
    image: null,
    lastProbeAt: null,
    flap: NOT_FLAPPING,
    ...(enabled ? { checked: [] } : {}),
  };
}

/** The layers checked so far, this round's made checks added (skipped ones say nothing). */
function checkedAfter(checked: readonly Layer[], probe: ProbeResult): Layer[] {
  const made = madeChecks(probe.layers);
  const added = LAYERS.filter((layer) => made[layer] !== undefined && !checked.includes(layer));
  return added.length ? [...checked, ...added] : [...checked];
}

type Direction = 'good' | 'bad';
const direction = (status: PendingChange['status']): Direction => (status === 'up' ? 'good' : 'bad');

/**
 * Debounce: count rounds in a row that disagree with the current status in one direction.
 * `degraded` and `down` both count as failures, so a camera going black and then dropping off
 * the network leaves `up` on time; the status adopted is the latest round's, which is the
 * freshest truth. Seeing the current status again breaks the streak.
 */
function confirm(
  current: CameraStatus,
  pending: PendingChange | null,
  seen: PendingChange['status'],
  reason: StatusReason,
  now: number,
  policy: MachinePolicy,
): { pending: PendingChange | null; adopt: boolean } {
  if (seen === current) return { pending: null, adopt: false };
  const continuing = pending !== null && direction(pending.status) === direction(seen);
  const count = continuing ? pending.count + 1 : 1;
  const needed =
    current === 'unknown'
      ? policy.roundsToLeaveUnknown
      : seen === 'up'
        ? policy.recoveriesToConfirm
        : policy.failuresToConfirm;
  if (count >= needed) return { pending: null, adopt: true };
  return { pending: { status: seen, reason, count, firstAt: continuing ? pending.firstAt : now }, adopt: false };
}

function withoutChecked(state: MachineState): MachineState {
  if (!state.checked) return state;
  const { checked: _done, ...rest } = state;
  return rest;
}

/** Flips are stamped no earlier than the current status began, so the log never runs backwards. */
function makeFlip(state: MachineState, to: CameraStatus, reason: FlipReason, now: number): Flip {
  return { cameraId: state.cameraId, at: Math.max(now, state.since), from: state.status, to, reason };
}

function observeProbe(state: MachineState, probe: ProbeResult, now: number, policy: MachinePolicy): ObserveResult {
  if (probe.cameraId !== state.cameraId) {
    throw new Error(`probe for camera ${probe.cameraId} given to the machine of camera ${state.cameraId}`);
  }
  if (state.status === 'paused') return { state, events: [], ignored: 'paused' };
  if (state.lastProbeAt !== null && probe.at < state.lastProbeAt) return { state, events: [], ignored: 'stale' };

  const ttl = policy.imageMemoryTtlMs;
  const memory = state.image && (ttl === null || probe.at - state.image.at <= ttl) ? state.image : null;
  const classification = classify(probe.layers, memory);
  const image = nextImageMemory(probe, classification, memory);
  const observed = { ...state, image, lastProbeAt: probe.at };

  if (classification.status === 'unknown') {
    const { flap, events } = trackFlapping(state.flap, state.cameraId, undefined, now, policy);
    return { state: { ...observed, flap }, events, classification, ignored: 'not_checked' };
  }

  // A new camera that looks fine waits for the layers not checked yet; a failure needs no wait.
  if (observed.checked && policy.awaitAllLayers) {
    const checked = checkedAfter(observed.checked, probe);
    const due = (probe.applies ?? []).filter((layer) => !checked.includes(layer));
    if (classification.status === 'up' && due.length > 0) {
      const { flap, events } = trackFlapping(state.flap, state.cameraId, undefined, now, policy);
      return { state: { ...observed, checked, flap }, events, classification, ignored: 'awaiting_layers' };
    }
  }

  const seen = classification.status;
  const { pending, adopt } = confirm(state.status, state.pending, seen, classification.reason, now, policy);
  const flip = adopt ? makeFlip(state, seen, classification.reason, now) : undefined;
  const { flap, events } = trackFlapping(state.flap, state.cameraId, flip, now, policy);
  const next: MachineState = flip
    ? { ...withoutChecked(observed), status: flip.to, reason: flip.reason, since: flip.at, pending, flap }
    : { ...observed, ...(observed.checked ? { checked: checkedAfter(observed.checked, probe) } : {}), pending, flap };
  return flip ? { state: next, flip, events, classification } : { state: next, events, classification };
}

/**
 * Apply one observation at `now` (epoch ms). Flips carry `now` rather than the probe's own
 * time so the flip log stays append-only in order even when a remote worker reports late;
 * with equal failure and recovery thresholds the confirmation delay shifts an outage without
 * shortening or lengthening it.
 *
 * Disabling pauses at once (an admin decision needs no confirmation) and forgets flapping;
 * enabling returns to `unknown` and forgets the picture verdict, which may be long stale.
 */
export function observe(
  state: MachineState,
  observation: Observation,
  now: number,
  policy: MachinePolicy = DEFAULT_MACHINE_POLICY,
): ObserveResult {
  switch (observation.kind) {
    case 'probe':
      return observeProbe(state, observation.result, now, policy);
    case 'disable': {
      if (state.status === 'paused') return { state, events: [], ignored: 'no_change' };
      const flip = makeFlip(state, 'paused', 'disabled', now);
      const next: MachineState = { ...state, status: 'paused', reason: 'disabled', since: flip.at, pending: null };
      return { state: { ...next, flap: NOT_FLAPPING }, flip, events: [] };
    }
    case 'enable': {
      if (state.status !== 'paused') return { state, events: [], ignored: 'no_change' };
      const flip = makeFlip(state, 'unknown', 'enabled', now);
      const next: MachineState = { ...state, status: 'unknown', reason: 'enabled', since: flip.at, pending: null };
      return { state: { ...next, image: null, checked: [] }, flip, events: [] };
    }
  }
}
