/**
 * A camera's streams as its ONVIF profiles describe them: the main (largest) and sub (smallest
 * fit for a phone) stream URIs, bare (never with credentials), with their sizes, and when they
 * were read. Live view prefers this sub-stream to the vendor URL patterns. Shipped: never edit.
 */
export const sql = /* sql */ `
CREATE TABLE camera_streams (
  camera_id TEXT PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
  main_url TEXT NOT NULL,
  main_width INTEGER NOT NULL,
  main_height INTEGER NOT NULL,
  sub_url TEXT,
  sub_width INTEGER,
  sub_height INTEGER,
  read_at INTEGER NOT NULL
);
`;
