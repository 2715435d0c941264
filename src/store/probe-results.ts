/** Raw probe results: kept a short time (a day by default) for the camera page and for minute rollups. */
import type { Db } from './db.js';
import type { ProbeSample } from '../domain/rollup.js';
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

  /** The newest result of each kind, for the status API after a restart. */
  latest(cameraId: string, kind: ProbeKind): StoredProbeResult | undefined {
    const row = this.db
      .prepare('SELECT * FROM probe_results WHERE camera_id = ? AND kind = ? ORDER BY at DESC, id DESC LIMIT 1')
      .get(cameraId, kind) as Row | undefined;
    return row && fromRow(row);
  }

  /** Samples of every camera in [from, to), for rollups. */
  samples(from: number, to: number): ProbeSample[] {
    const rows = this.db
      .prepare('SELECT camera_id, at, ok, latency_ms FROM probe_results WHERE at >= ? AND at < ?')
      .all(from, to) as { camera_id: string; at: number; ok: number; latency_ms: number | null }[];
    return rows.map((r) => ({ cameraId: r.camera_id, at: r.at, ok: r.ok === 1, ...(r.latency_ms === null ? {} : { latencyMs: r.latency_ms }) }));
  }

  pruneBefore(t: number): number {
    return this.db.prepare('DELETE FROM probe_results WHERE at < ?').run(t).changes;
  }
}

interface Row {
  camera_id: string;
  at: number;
  kind: ProbeKind;
  status: ObservedStatus;
  reason: string;
  ok: number;
  latency_ms: number | null;
  layers: string;
}

function fromRow(r: Row): StoredProbeResult {
  return {
    cameraId: r.camera_id,
    at: r.at,
    kind: r.kind,
    status: r.status,
    reason: r.reason,
    ok: r.ok === 1,
    latencyMs: r.latency_ms,
    layers: JSON.parse(r.layers) as LayerResults,
  };
}
