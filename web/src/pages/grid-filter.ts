/**
 * Which cameras the grid lists: the filters (site, agency, status), a search over name, site and
 * agency that ignores case and accents, paused cameras folded away unless asked for, and pages
 * of tiles so a thousand cameras never become a thousand tiles at once. Pure: no DOM.
 */

/** What the listing reads of a camera (structural, so this file imports nothing and tests run it anywhere). */
export interface Listed {
  name: string;
  site: string;
  agency: string;
}
export interface Filters {
  site: string;
  agency: string;
  status: string;
  /** Free text: any word must be found in the name, site or agency. */
  q: string;
}

/** Tiles added per "show more". */
export const PAGE_SIZE = 48;

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

export interface Listing<C> {
  /** Tiles to draw now. */
  shown: C[];
  /** Matching cameras not drawn yet (past the page). */
  more: number;
  /** Paused cameras matching but folded away. */
  pausedHidden: number;
  /** Every camera that matches, shown or not. */
  matching: number;
}

export function listCameras<C extends Listed>(cameras: readonly C[], filters: Filters, statusOf: (c: C) => string, limit: number, showPaused: boolean): Listing<C> {
  const words = fold(filters.q).split(/\s+/).filter(Boolean);
  const matching = cameras.filter((c) => {
    if ((filters.site && c.site !== filters.site) || (filters.agency && c.agency !== filters.agency) || (filters.status && statusOf(c) !== filters.status)) return false;
    if (!words.length) return true;
    const text = fold(`${c.name} ${c.site} ${c.agency}`);
    return words.every((w) => text.includes(w));
  });
  // Asked for by the status filter, paused cameras are what the user wants to see.
  const hidePaused = !filters.status && !showPaused;
  const active = hidePaused ? matching.filter((c) => statusOf(c) !== 'paused') : matching;
  const shown = active.slice(0, limit);
  return { shown, more: active.length - shown.length, pausedHidden: matching.length - active.length, matching: matching.length };
}
