/** Users, sessions, API tokens, access grants and the camera registry. Shipped: never edit, add a new file. */
export const sql = /* sql */ `
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'owner', 'viewer')),
  password_hash TEXT,
  language      TEXT NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
  time_zone     TEXT NOT NULL DEFAULT 'Asia/Makassar',
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  id_hash      TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ip           TEXT,
  user_agent   TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  last_used_at INTEGER
);

CREATE TABLE access_grants (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  scope      TEXT NOT NULL CHECK (scope IN ('agency', 'site', 'camera')),
  value      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, scope, value)
);

CREATE TABLE cameras (
  id                        TEXT PRIMARY KEY,
  name                      TEXT NOT NULL,
  site                      TEXT NOT NULL,
  lat                       REAL,
  lng                       REAL,
  address                   TEXT,
  innovation_name           TEXT,
  innovation_launched_on    TEXT,
  agency                    TEXT NOT NULL,
  onvif_host                TEXT,
  onvif_port                INTEGER,
  onvif_username            TEXT,
  onvif_password_enc        TEXT,
  rtsp_url                  TEXT,
  rtsp_username             TEXT,
  rtsp_password_enc         TEXT,
  snapshot_url              TEXT,
  snapshot_username         TEXT,
  snapshot_password_enc     TEXT,
  check_interval_sec        INTEGER NOT NULL DEFAULT 30,
  image_check_interval_sec  INTEGER NOT NULL DEFAULT 300,
  enabled                   INTEGER NOT NULL DEFAULT 1,
  tags                      TEXT NOT NULL DEFAULT '[]',
  parent_id                 TEXT REFERENCES cameras(id) ON DELETE SET NULL,
  created_at                INTEGER NOT NULL,
  updated_at                INTEGER NOT NULL
);
CREATE INDEX cameras_site ON cameras(site);
CREATE INDEX cameras_agency ON cameras(agency);

CREATE TABLE camera_owners (
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (camera_id, user_id)
);
CREATE INDEX camera_owners_user ON camera_owners(user_id);
`;
