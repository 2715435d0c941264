/** Status history: machine state per camera, flips (forever), raw probe results and rollups. Shipped: never edit. */
export const sql = /* sql */ `
CREATE TABLE camera_state (
  camera_id  TEXT PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
  state      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE flips (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  camera_id   TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  at          INTEGER NOT NULL,
  from_status TEXT NOT NULL,
  to_status   TEXT NOT NULL,
  reason      TEXT NOT NULL
);
CREATE INDEX flips_camera_at ON flips(camera_id, at);
CREATE INDEX flips_at ON flips(at);

CREATE TABLE probe_results (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  camera_id  TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  at         INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('liveness', 'image')),
  status     TEXT NOT NULL,
  reason     TEXT NOT NULL,
  ok         INTEGER NOT NULL,
  latency_ms REAL,
  layers     TEXT NOT NULL
);
CREATE INDEX probe_results_camera_at ON probe_results(camera_id, at);
CREATE INDEX probe_results_at ON probe_results(at);

CREATE TABLE rollups (
  camera_id     TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  size          TEXT NOT NULL CHECK (size IN ('minute', 'hour', 'day')),
  bucket_start  INTEGER NOT NULL,
  checks        INTEGER NOT NULL,
  failures      INTEGER NOT NULL,
  s_up          REAL NOT NULL,
  s_degraded    REAL NOT NULL,
  s_down        REAL NOT NULL,
  s_unknown     REAL NOT NULL,
  s_paused      REAL NOT NULL,
  latency_min   REAL,
  latency_max   REAL,
  latency_sum   REAL NOT NULL,
  latency_count INTEGER NOT NULL,
  PRIMARY KEY (size, camera_id, bucket_start)
) WITHOUT ROWID;
CREATE INDEX rollups_bucket ON rollups(size, bucket_start);

-- One row per kind of bookkeeping: the monitor's heartbeat, how far rollups have gone.
CREATE TABLE markers (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;
