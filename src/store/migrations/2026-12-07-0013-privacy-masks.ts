/**
 * Privacy masks: each camera's blacked-out rectangles (normalised 0..1, as JSON), with who set
 * them and when; and every change kept in `privacy_mask_changes`, which has no foreign key so
 * the history outlives a deleted camera and triggers refuse to rewrite it. Shipped: never edit.
 */
export const sql = /* sql */ `
CREATE TABLE privacy_masks (
  camera_id  TEXT PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
  rects      TEXT NOT NULL CHECK (json_valid(rects) AND json_type(rects) = 'array'),
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE privacy_mask_changes (
  id         INTEGER PRIMARY KEY,
  camera_id  TEXT NOT NULL,
  rects      TEXT NOT NULL CHECK (json_valid(rects) AND json_type(rects) = 'array'),
  changed_by TEXT NOT NULL,
  changed_at INTEGER NOT NULL
);
CREATE INDEX privacy_mask_changes_camera ON privacy_mask_changes(camera_id, changed_at);
CREATE TRIGGER privacy_mask_changes_no_update BEFORE UPDATE ON privacy_mask_changes
  BEGIN SELECT RAISE(ABORT, 'privacy mask history is append-only'); END;
CREATE TRIGGER privacy_mask_changes_no_delete BEFORE DELETE ON privacy_mask_changes
  BEGIN SELECT RAISE(ABORT, 'privacy mask history is append-only'); END;
`;
