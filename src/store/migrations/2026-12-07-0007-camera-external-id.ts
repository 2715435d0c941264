/**
 * A camera's external id: the admin's own inventory id, so an onboarding script or a CSV can
 * say "this camera" again without making a second one. Unique where set; cameras stored before
 * this have none. Shipped: never edit.
 */
export const sql = /* sql */ `
ALTER TABLE cameras ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX cameras_external_id ON cameras(external_id) WHERE external_id IS NOT NULL;
`;
