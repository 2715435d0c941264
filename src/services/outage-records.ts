/**
 * Outage records: owners and admins say why an outage happened, what was done, who fixed it and
 * what citizens may read; every edit is kept. Also the cause totals per agency, site or
 * innovation, and the open outages whose owners are asked again for a cause. Visibility and
 * grants are the registry's; writing is for the camera's owners and admins.
 */
import { aggregateCauses, outagesAskingCause, type OutageCause } from '../domain/outage-causes.js';
import { forbidden, notFound } from '../errors.js';
import type { Camera } from '../store/cameras.js';
import type { Store } from '../store/index.js';
import type { OutageNote } from '../store/outage-notes.js';
import type { Principal } from './auth.js';
import { mayAcknowledge } from './alert-messages.js';
import type { CameraRegistry } from './registry.js';

export interface RecordInput {
  cause: OutageCause;
  note: string;
  fixedBy: string;
  publicNote: string;
}

export type CauseGrouping = 'agency' | 'site' | 'innovation';

const iso = (ms: number) => new Date(ms).toISOString();

export function recordView(n: OutageNote) {
  return { outageId: n.outageId, cameraId: n.cameraId, cause: n.cause, note: n.note, fixedBy: n.fixedBy, publicNote: n.publicNote, by: n.by, at: iso(n.at) };
}

/** Outage ids are `${cameraId}:${startMs}`. */
export function splitOutageId(outageId: string): { cameraId: string; start: number } {
  const i = outageId.lastIndexOf(':');
  const start = Number(outageId.slice(i + 1));
  if (i <= 0 || !Number.isSafeInteger(start)) throw notFound('outage');
  return { cameraId: outageId.slice(0, i), start };
}

export class OutageRecords {
  constructor(
    private readonly store: Store,
    private readonly registry: CameraRegistry,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records (or edits: a new entry in the history) what happened in an outage of a camera the user owns (admins: any). */
  record(principal: Principal, outageId: string, input: RecordInput) {
    const { cameraId, start } = splitOutageId(outageId);
    this.registry.visible(principal, cameraId);
    if (!mayAcknowledge(principal.user, cameraId, this.store.cameras)) throw forbidden('only the camera’s owners and admins record an outage’s cause');
    if (!this.store.flips.outageStartsAt(cameraId, start)) throw notFound('outage');
    return recordView(this.store.outageNotes.append({ outageId, cameraId, ...input, by: principal.user.username, at: this.now() }));
  }

  /** Every record of an outage, oldest first (who changed what, when). */
  history(principal: Principal, outageId: string) {
    const { cameraId } = splitOutageId(outageId);
    this.registry.visible(principal, cameraId);
    return this.store.outageNotes.history(outageId).map(recordView);
  }

  /** The record in force of each outage of one camera. */
  ofCamera(cameraId: string): Map<string, OutageNote> {
    return this.store.outageNotes.current([cameraId]);
  }

  /** Outages overlapping [from, to) of the cameras the user sees, totalled by cause per group. */
  causes(principal: Principal, by: CauseGrouping, from: number, to: number) {
    const cameras = new Map(this.registry.visibleCameras(principal).map((c) => [c.id, c]));
    const notes = this.store.outageNotes.current([...cameras.keys()]);
    const outages = this.store.flips.outagesOverlapping(from, to).flatMap((o) => {
      const camera = cameras.get(o.cameraId);
      if (!camera) return [];
      const outageId = `${o.cameraId}:${o.start}`;
      return [{ outageId, group: groupOf(camera, by), start: o.start, end: o.end, cause: notes.get(outageId)?.cause ?? null }];
    });
    return { by, from: iso(from), to: iso(to), groups: aggregateCauses(outages, from, to) };
  }

  /** Open outages older than `askAfterMs` without a cause, with their cameras: their owners are asked again. */
  asking(askAfterMs: number): { outageId: string; camera: Camera; start: number }[] {
    const open = [...this.store.flips.openOutages()].map(([cameraId, o]) => ({ outageId: `${cameraId}:${o.start}`, cameraId, start: o.start }));
    const recorded = new Set(this.store.outageNotes.current(open.map((o) => o.cameraId)).keys());
    return outagesAskingCause(open, recorded, this.now(), askAfterMs).flatMap((o) => {
      const camera = this.store.cameras.get(o.cameraId);
      return camera ? [{ outageId: o.outageId, camera, start: o.start }] : [];
    });
  }
}

function groupOf(camera: Camera, by: CauseGrouping): string {
  if (by === 'agency') return camera.agency;
  if (by === 'site') return camera.site;
  return camera.innovation?.name ?? '';
}
