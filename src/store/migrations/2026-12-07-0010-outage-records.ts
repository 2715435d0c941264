/**
 * Why outages happened and what they add up to. Shipped: never edit.
 * - `outage_notes`: what an owner or admin recorded about an outage (a cause from a fixed list,
 *   a note, who fixed it, a short note fit for the public). Append-only — an edit is a new row,
 *   the newest row per outage is the record in force — and triggers refuse UPDATE and DELETE, so
 *   the history cannot be rewritten. No foreign key to cameras: the history outlives the camera.
 * - `outage_log`: one row per outage (from a flip into degraded or down to the flip to up or
 *   paused), kept with the flips by the flip store, so reports count outages and find the longest
 *   without walking years of flips. Filled here from the flips stored so far.
 * - `innovation_states`: the state each innovation had at the last weekly digest, so the next
 *   one can name those that changed.
 */
export const sql = /* sql */ `
CREATE TABLE outage_notes (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  outage_id    TEXT NOT NULL,
  camera_id    TEXT NOT NULL,
  cause        TEXT NOT NULL CHECK (cause IN ('power', 'network', 'camera_hardware', 'recorder', 'cable_theft', 'configuration', 'maintenance', 'unknown')),
  note         TEXT NOT NULL DEFAULT '',
  fixed_by     TEXT NOT NULL DEFAULT '',
  public_note  TEXT NOT NULL DEFAULT '',
  by_user      TEXT NOT NULL,
  at           INTEGER NOT NULL
);
CREATE INDEX outage_notes_outage ON outage_notes(outage_id, id);
CREATE INDEX outage_notes_camera ON outage_notes(camera_id);
CREATE TRIGGER outage_notes_no_update BEFORE UPDATE ON outage_notes BEGIN SELECT RAISE(ABORT, 'outage_notes is append-only'); END;
CREATE TRIGGER outage_notes_no_delete BEFORE DELETE ON outage_notes BEGIN SELECT RAISE(ABORT, 'outage_notes is append-only'); END;

CREATE TABLE outage_log (
  camera_id  TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  start      INTEGER NOT NULL,
  end_at     INTEGER,
  worst      TEXT NOT NULL CHECK (worst IN ('degraded', 'down')),
  reason     TEXT NOT NULL,
  PRIMARY KEY (camera_id, start)
) WITHOUT ROWID;
CREATE INDEX outage_log_open ON outage_log(camera_id) WHERE end_at IS NULL;

-- Per camera, flips numbered by how many up/paused flips came up to them: an outage is the bad
-- flips of one number, ended by the first flip of the next.
WITH g AS (
  SELECT camera_id, at, id, to_status, reason,
    sum(CASE WHEN to_status IN ('up', 'paused') THEN 1 ELSE 0 END) OVER (PARTITION BY camera_id ORDER BY at, id) AS grp
  FROM flips
),
bad AS (
  SELECT camera_id, grp, min(at) AS start, max(to_status = 'down') AS any_down,
    (SELECT b.reason FROM g b WHERE b.camera_id = g.camera_id AND b.grp = g.grp AND b.to_status IN ('degraded', 'down') ORDER BY b.at, b.id LIMIT 1) AS reason
  FROM g WHERE to_status IN ('degraded', 'down') GROUP BY camera_id, grp
),
ends AS (
  SELECT camera_id, grp, min(at) AS at FROM g WHERE to_status IN ('up', 'paused') GROUP BY camera_id, grp
)
INSERT OR IGNORE INTO outage_log (camera_id, start, end_at, worst, reason)
SELECT bad.camera_id, bad.start, ends.at, CASE WHEN bad.any_down THEN 'down' ELSE 'degraded' END, bad.reason
FROM bad LEFT JOIN ends ON ends.camera_id = bad.camera_id AND ends.grp = bad.grp + 1;

CREATE TABLE innovation_states (
  key    TEXT PRIMARY KEY,
  state  TEXT NOT NULL,
  at     INTEGER NOT NULL
);
`;
