/** Alerts: contacts, mutes, acknowledgements, the policy's state, the outbox of deliveries and every attempt. Shipped: never edit. */
export const sql = /* sql */ `
ALTER TABLE cameras ADD COLUMN alert_grace_sec INTEGER NOT NULL DEFAULT 120;
-- Agencies (OPD) this user heads: escalations and digests for them reach this user.
ALTER TABLE users ADD COLUMN head_of TEXT NOT NULL DEFAULT '[]';

CREATE TABLE contacts (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  channel     TEXT NOT NULL CHECK (channel IN ('email', 'telegram', 'whatsapp', 'webhook', 'webpush')),
  address     TEXT NOT NULL,
  secret_enc  TEXT,
  language    TEXT NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
  broken      TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX contacts_user ON contacts(user_id);

CREATE TABLE mutes (
  id          TEXT PRIMARY KEY,
  camera_id   TEXT REFERENCES cameras(id) ON DELETE CASCADE,
  site        TEXT,
  until       INTEGER NOT NULL,
  reason      TEXT,
  created_by  TEXT,
  created_at  INTEGER NOT NULL,
  CHECK ((camera_id IS NULL) <> (site IS NULL))
);

CREATE TABLE acknowledgements (
  outage_id   TEXT PRIMARY KEY,
  camera_id   TEXT NOT NULL,
  by_user     TEXT NOT NULL,
  at          INTEGER NOT NULL
);

-- The alert policy's state, and the id of the last flip it has taken in.
CREATE TABLE alert_state (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  state       TEXT NOT NULL,
  last_flip   INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- One row per message the policy decided to send (its key makes a replay a no-op).
CREATE TABLE alerts (
  key         TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  site        TEXT NOT NULL,
  at          INTEGER NOT NULL,
  action      TEXT NOT NULL
);
CREATE INDEX alerts_at ON alerts(at);

CREATE TABLE alert_cameras (
  alert_key   TEXT NOT NULL REFERENCES alerts(key) ON DELETE CASCADE,
  camera_id   TEXT NOT NULL,
  outage_id   TEXT NOT NULL,
  PRIMARY KEY (alert_key, camera_id)
);
CREATE INDEX alert_cameras_camera ON alert_cameras(camera_id);
CREATE INDEX alert_cameras_outage ON alert_cameras(outage_id);

-- The outbox: one delivery per alert and contact. Senders claim rows atomically.
CREATE TABLE deliveries (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_key       TEXT NOT NULL,
  contact_id      TEXT NOT NULL,
  channel         TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_at         INTEGER NOT NULL,
  claimed_until   INTEGER,
  last_error      TEXT,
  sent_at         INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(status, next_at);
CREATE INDEX deliveries_alert ON deliveries(alert_key);

CREATE TABLE delivery_attempts (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id  INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
  at           INTEGER NOT NULL,
  ok           INTEGER NOT NULL,
  permanent    INTEGER NOT NULL DEFAULT 0,
  error        TEXT,
  response     TEXT
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts(delivery_id);
`;
