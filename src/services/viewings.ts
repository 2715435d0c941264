/**
 * The viewing record's use cases: open a viewing when someone starts watching (one insert),
 * count the bytes sent in memory, close it when they stop (one update); a snapshot is one
 * closed row. Who may read the record: a camera's owners and admins for that camera, admins
 * for everything. Retention (`audit.viewRetentionDays`) is a daily job and the only way rows
 * leave. Live video calls `start(who, cameraId, 'live')` the same way frames do.
 */
import type { Logger } from '../log.js';
import { forbidden } from '../errors.js';
import type { Principal } from './auth.js';
import type { CameraRegistry } from './registry.js';
import type { Store } from '../store/index.js';
import type { Viewing, ViewingFilter, ViewingKind } from '../store/viewings.js';

/** Who watches, and from where: the user, the client's address and its user agent. */
export interface Watcher {
  userId: string;
  address: string | null;
  client: string | null;
}

/** A viewing in progress. */
export interface OpenViewing {
  readonly id: number;
  /** Bytes sent to the viewer; kept in memory until `end`. */
  add(bytes: number): void;
  bytes(): number;
  /** Closes the viewing (end time and bytes); later calls do nothing. */
  end(): void;
}

export interface ViewingPage {
  items: Viewing[];
  total: number;
  /** The offset of the next page, or null at the end. */
  next: number | null;
}

/** User agents are cut here: the record is for people, not for fingerprinting. */
const MAX_CLIENT = 300;
/** Rows of one CSV export at most. */
export const MAX_EXPORT_ROWS = 100_000;

export function watcherOf(userId: string, address: string | undefined | null, userAgent: string | undefined | null): Watcher {
  return { userId, address: address ?? null, client: userAgent ? userAgent.slice(0, MAX_CLIENT) : null };
}

export class ViewingLog {
  private retentionTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly registry: CameraRegistry,
    private readonly now: () => number = Date.now,
  ) {}

  start(who: Watcher, cameraId: string, kind: ViewingKind): OpenViewing {
    const id = this.store.viewings.open({ ...who, cameraId, kind, start: this.now() });
    let bytes = 0;
    let open = true;
    return {
      id,
      add: (n) => {
        bytes += n;
      },
      bytes: () => bytes,
      end: () => {
        if (!open) return;
        open = false;
        this.store.viewings.close(id, this.now(), bytes);
      },
    };
  }

  /** Runs several starts and ends as one database write. */
  batch<T>(fn: () => T): T {
    return this.store.viewings.batch(fn);
  }

  /** A picture handed out once: one closed row. */
  snapshot(who: Watcher, cameraId: string, bytes: number): void {
    const at = this.now();
    this.store.viewings.open({ ...who, cameraId, kind: 'snapshot', start: at, end: at, bytes });
  }

  /** Who watched this camera: for admins and its owners (404 for those who may not see it at all). */
  forCamera(principal: Principal, cameraId: string, filter: Omit<ViewingFilter, 'cameraId'>, limit: number, offset: number): ViewingPage {
    const camera = this.registry.visible(principal, cameraId);
    if (principal.user.role !== 'admin' && !camera.owners.includes(principal.user.id)) throw forbidden("only admins and the camera's owners see who watched it");
    return this.page({ ...filter, cameraId }, limit, offset);
  }

  /** Every viewing matching the filter (admins; the route checks the role). */
  page(filter: ViewingFilter, limit: number, offset: number): ViewingPage {
    const total = this.store.viewings.count(filter);
    const items = this.store.viewings.list(filter, limit, offset);
    return { items, total, next: offset + items.length < total ? offset + items.length : null };
  }

  /** Removes what is older than the retention; returns how many rows left. */
  prune(retentionDays: number): number {
    return this.store.viewings.pruneBefore(this.now() - retentionDays * 86_400_000);
  }

  /** Prunes now and then once a day. */
  startRetention(retentionDays: number, log: Logger, everyMs = 86_400_000): void {
    const run = () => {
      try {
        const removed = this.prune(retentionDays);
        if (removed) log.info({ removed, retentionDays }, 'viewing record: removed viewings past retention');
      } catch (err) {
        log.warn({ err }, 'viewing record: retention failed; tries again tomorrow');
      }
    };
    run();
    this.retentionTimer = setInterval(run, everyMs);
    this.retentionTimer.unref();
  }

  stop(): void {
    clearInterval(this.retentionTimer);
  }
}

const CSV_HEADER = ['id', 'user_id', 'username', 'camera_id', 'camera', 'kind', 'start', 'end', 'address', 'client', 'bytes'];

/** Viewings as CSV (RFC 4180 quoting; cells that a spreadsheet would run as a formula are defused). */
export function viewingsCsv(rows: Viewing[]): string {
  const cell = (v: string | number | null) => {
    if (v === null) return '';
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  const lines = rows.map((r) => [r.id, r.userId, r.username, r.cameraId, r.cameraName, r.kind, iso(r.start), iso(r.end), r.address, r.client, r.bytes].map(cell).join(','));
  return `${[CSV_HEADER.join(','), ...lines].join('\r\n')}\r\n`;
}
