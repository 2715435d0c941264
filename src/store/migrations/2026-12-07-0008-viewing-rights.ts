/**
 * Viewing rights and the viewing record. Grants get a level: `status` (status only), `pictures`
 * (snapshots and frames), `live` (live video as well); grants made before carry `pictures`,
 * what they allowed until now. A camera can be private: then only its owners, admins and `live`
 * grants see its picture. `viewings` is the append-only record of who watched what; rows are
 * only ever closed (end, bytes) or removed by the retention job. Shipped: never edit.
 */
export const sql = /* sql */ `
ALTER TABLE access_grants ADD COLUMN level TEXT NOT NULL DEFAULT 'pictures' CHECK (level IN ('status', 'pictures', 'live'));
ALTER TABLE cameras ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1));

CREATE TABLE viewings (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id    TEXT NOT NULL,
  camera_id  TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('snapshot', 'frames', 'live')),
  start_at   INTEGER NOT NULL,
  end_at     INTEGER,
  address    TEXT,
  client     TEXT,
  bytes      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX viewings_camera ON viewings(camera_id, start_at);
CREATE INDEX viewings_user ON viewings(user_id, start_at);
CREATE INDEX viewings_start ON viewings(start_at);
-- Append-only: the one change allowed is closing an open viewing (its end and bytes, once).
CREATE TRIGGER viewings_append_only BEFORE UPDATE ON viewings
WHEN OLD.end_at IS NOT NULL OR NEW.end_at IS NULL OR NEW.id IS NOT OLD.id OR NEW.user_id IS NOT OLD.user_id
  OR NEW.camera_id IS NOT OLD.camera_id OR NEW.kind IS NOT OLD.kind OR NEW.start_at IS NOT OLD.start_at
  OR NEW.address IS NOT OLD.address OR NEW.client IS NOT OLD.client
BEGIN
  SELECT RAISE(ABORT, 'viewings are append-only: only an open viewing may be closed');
END;
`;
