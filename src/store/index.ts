/** The store: one object holding each table group over one database connection. */
import { openDatabase, type Db } from './db.js';
import { CameraStore } from './cameras.js';
import { UserStore } from './users.js';
import { SessionStore } from './sessions.js';
import { FlipStore } from './flips.js';
import { ProbeResultStore } from './probe-results.js';
import { RollupStore } from './rollups.js';
import { MonthRollupStore } from './month-rollups.js';
import { CheckCountStore } from './check-counts.js';
import { ContactStore } from './contacts.js';
import { NotificationStore } from './notifications.js';
import { ViewingStore } from './viewings.js';
import { OutageNoteStore } from './outage-notes.js';
import { ReportStateStore } from './report-states.js';
import { CameraStreamStore } from './camera-streams.js';
import { PrivacyMaskStore } from './privacy-masks.js';

export interface Store {
  db: Db;
  cameras: CameraStore;
  users: UserStore;
  sessions: SessionStore;
  flips: FlipStore;
  probeResults: ProbeResultStore;
  rollups: RollupStore;
  monthRollups: MonthRollupStore;
  checkCounts: CheckCountStore;
  contacts: ContactStore;
  notifications: NotificationStore;
  viewings: ViewingStore;
  outageNotes: OutageNoteStore;
  reportStates: ReportStateStore;
  cameraStreams: CameraStreamStore;
  privacyMasks: PrivacyMaskStore;
  ping(): boolean;
  close(): void;
}

export function openStore(file: string): Store {
  const db = openDatabase(file);
  return {
    db,
    cameras: new CameraStore(db),
    users: new UserStore(db),
    sessions: new SessionStore(db),
    flips: new FlipStore(db),
    probeResults: new ProbeResultStore(db),
    rollups: new RollupStore(db),
    monthRollups: new MonthRollupStore(db),
    checkCounts: new CheckCountStore(db),
    contacts: new ContactStore(db),
    notifications: new NotificationStore(db),
    viewings: new ViewingStore(db),
    outageNotes: new OutageNoteStore(db),
    reportStates: new ReportStateStore(db),
    cameraStreams: new CameraStreamStore(db),
    privacyMasks: new PrivacyMaskStore(db),
    ping: () => db.prepare('SELECT 1').pluck().get() === 1,
    close: () => db.close(),
  };
}
