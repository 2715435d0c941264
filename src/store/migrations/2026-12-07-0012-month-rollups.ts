/**
 * Month rollups: one row per camera and local month, so the leadership report reads three years
 * of a thousand cameras as 36 000 short rows rather than seeking through a million day rollups
 * and walking the outage log. Shipped: never edit.
 * - `days` and `s_*`: the month's day rollups (how many, seconds per status).
 * - `outages`: outages that started in the month; `longest_ms`: the longest of them that had
 *   ended when the row was written; `open_start`: the start of the one still open then (a camera
 *   has at most one), whose length the report reads from the outage log.
 * The table starts empty: month boundaries depend on the configured zone, which SQL here does not
 * know, so the roller fills every complete month from the day rollups on its first run (the
 * `rollup.month` marker says how far it has got). Until then the report sums day rollups itself.
 */
export const sql = /* sql */ `
CREATE TABLE month_rollups (
  camera_id    TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  month_start  INTEGER NOT NULL,
  days         INTEGER NOT NULL,
  s_up         REAL NOT NULL,
  s_degraded   REAL NOT NULL,
  s_down       REAL NOT NULL,
  s_unknown    REAL NOT NULL,
  s_paused     REAL NOT NULL,
  outages      INTEGER NOT NULL,
  longest_ms   INTEGER NOT NULL,
  open_start   INTEGER,
  PRIMARY KEY (camera_id, month_start)
) WITHOUT ROWID;
`;
