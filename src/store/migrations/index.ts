/**
 * The ordered list of migrations. Append only: a shipped migration is never edited or removed,
 * because databases in the field have already run it.
 */
import { sql as registry } from './2026-11-29-0001-registry.js';
import { sql as history } from './2026-11-29-0002-history.js';
import { sql as alerts } from './2026-11-29-0003-alerts.js';
import { sql as tallies } from './2026-11-29-0004-tallies.js';
import { sql as tokenLifetimes } from './2026-12-06-0005-token-lifetimes.js';
import { sql as contactAddressByAdmin } from './2026-12-06-0006-contact-address-by-admin.js';
import { sql as cameraExternalId } from './2026-12-07-0007-camera-external-id.js';
import { sql as viewingRights } from './2026-12-07-0008-viewing-rights.js';
import { sql as cameraPublic } from './2026-12-07-0009-camera-public.js';
import { sql as outageRecords } from './2026-12-07-0010-outage-records.js';
import { sql as cameraStreams } from './2026-12-07-0011-camera-streams.js';
import { sql as monthRollups } from './2026-12-07-0012-month-rollups.js';
import { sql as privacyMasks } from './2026-12-07-0013-privacy-masks.js';

export interface Migration {
  id: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { id: '2026-11-29-0001-registry', sql: registry },
  { id: '2026-11-29-0002-history', sql: history },
  { id: '2026-11-29-0003-alerts', sql: alerts },
  { id: '2026-11-29-0004-tallies', sql: tallies },
  { id: '2026-12-06-0005-token-lifetimes', sql: tokenLifetimes },
  { id: '2026-12-06-0006-contact-address-by-admin', sql: contactAddressByAdmin },
  { id: '2026-12-07-0007-camera-external-id', sql: cameraExternalId },
  { id: '2026-12-07-0008-viewing-rights', sql: viewingRights },
  { id: '2026-12-07-0009-camera-public', sql: cameraPublic },
  { id: '2026-12-07-0010-outage-records', sql: outageRecords },
  { id: '2026-12-07-0011-camera-streams', sql: cameraStreams },
  { id: '2026-12-07-0012-month-rollups', sql: monthRollups },
  { id: '2026-12-07-0013-privacy-masks', sql: privacyMasks },
];
