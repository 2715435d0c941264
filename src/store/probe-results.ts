/**
 * Stored probe rounds: only those whose verdict changed (a camera starting to fail, coming
 * back), with every layer's result, kept `history.rawRetentionHours` (7 days by default) to
 * show when and why. Check counts live in check-counts.ts.
 */
import type { Db } from './db.js';
import type { LayerResults, ObservedStatus } from '../domain/status.js';

export type ProbeKind = 'liveness' | 'image';

export interface StoredProbeResult {
  cameraId: string;
  at: number;
  kind: ProbeKind;
  status: ObservedStatus;
  reason: string;
  ok: boolean;
  latencyMs: number | null;
  layers: LayerResults;
}

export class ProbeResultStore {
  private readonly insertStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO probe_results (camera_id, at, kind, status, reason, ok, latency_ms, layers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  insert(r: StoredProbeResult): void {
    this.insertStmt.run(r.cameraId, r.at, r.kind, r.status, r.reason, r.ok ? 1 : 0, r.latencyMs, JSON.stringify(r.layers));
  }

  pruneBefore(t: number): number {
    return this.db.prepare('DELETE FROM probe_results WHERE at < ?').run(t).changes;
  }
}
