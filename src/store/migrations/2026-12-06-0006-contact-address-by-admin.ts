/**
 * Who set a contact's address: an admin's (an internal webhook relay, say) is the admin's call
 * and passes the outbound-address policy; anyone else's must be a public address. Contacts
 * stored before this are treated as set by their user: the safe side. Shipped: never edit.
 */
export const sql = /* sql */ `
ALTER TABLE contacts ADD COLUMN address_by_admin INTEGER NOT NULL DEFAULT 0 CHECK (address_by_admin IN (0, 1));
`;
