/**
 * API tokens expire, and revoked access stays revoked. Tokens made before this had no expiry:
 * they get 90 days (the default for new ones) from the upgrade, so scripts keep working while
 * their owners replace them. Accounts disabled before this kept their tokens and sessions,
 * hidden while disabled and alive again on re-enabling: they are revoked here. Shipped: never edit.
 */
export const sql = /* sql */ `
UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 90 * 86400000
WHERE expires_at IS NULL;
DELETE FROM api_tokens WHERE user_id IN (SELECT id FROM users WHERE disabled = 1);
DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE disabled = 1);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
`;
