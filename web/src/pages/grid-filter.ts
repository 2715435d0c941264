/**
 * Which cameras the grid lists: the filters (site, agency, status), a search over name, site and
 * agency that ignores case and accents, and paused cameras folded away unless asked for. Every
 * match is listed: the grid draws only those near the viewport. Pure: no DOM.
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

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
/** A camera's searchable text, folded once per camera object (a new list brings new objects). */
const folded = new WeakMap<Listed, string>();
const textOf = (c: Listed) => {
  let text = folded.get(c);
  if (text === undefined) folded.set(c, (text = fold(`${c.name} ${c.site} ${c.agency}`)));
  return text;
};

export interface Listing<C> {
  /** The cameras listed, in order. */
  shown: C[];
  /** Paused cameras matching but folded away. */
  pausedHidden: number;
  /** Every camera that matches, shown or not. */
  matching: number;
}

export function listCameras<C extends Listed>(cameras: readonly C[], filters: Filters, statusOf: (c: C) => string, showPaused: boolean): Listing<C> {
  const words = fold(filters.q).split(/\s+/).filter(Boolean);
  const matching = cameras.filter((c) => {
    if ((filters.site && c.site !== filters.site) || (filters.agency && c.agency !== filters.agency) || (filters.status && statusOf(c) !== filters.status)) return false;
    if (!words.length) return true;
    const text = textOf(c);
    return words.every((w) => text.includes(w));
  });
  // Asked for by the status filter, paused cameras are what the user wants to see.
  const hidePaused = !filters.status && !showPaused;
  const shown = hidePaused ? matching.filter((c) => statusOf(c) !== 'paused') : matching;
  return { shown, pausedHidden: matching.length - shown.length, matching: matching.length };
}
