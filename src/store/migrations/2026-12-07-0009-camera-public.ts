/**
 * Whether a camera appears on the public status page (`public`): off for every camera until an
 * admin or owner says otherwise. Shipped: never edit.
 */
export const sql = /* sql */ `
ALTER TABLE cameras ADD COLUMN public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1));
CREATE INDEX cameras_public ON cameras(public) WHERE public = 1;
`;
