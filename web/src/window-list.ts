/**
 * A long list drawn only near the viewport. The items are data; the list element holds the
 * nodes of those on screen and a screen or so either side, with its padding standing in for the
 * rest, so a thousand cameras are a dozen nodes and scrolling or searching never touches the
 * others. Nodes are kept by key while their item stays in the window (a status change updates
 * one in place, focus stays on it). Rows are as tall as measured; unmeasured rows are guessed
 * from the ones measured, and the rows on screen are kept still when a guess is corrected.
 * Works with a CSS grid of several columns: a row is as many items as the grid has columns.
 * Short lists are drawn whole. Knows nothing of cameras: the page says how an item is drawn.
 */

export interface WindowListOptions<T> {
  /** The list element (a `ul`, display grid or block, no padding of its own). */
  list: HTMLElement;
  key(item: T): string;
  /** Makes an item's node, or brings the node it made before up to date (same node back). */
  draw(item: T, node: HTMLElement | undefined): HTMLElement;
  /** An item's node left the window (or the list): release what it holds. */
  dropped?(key: string, node: HTMLElement): void;
  /** A row's height in px before any is measured. */
  guess: number;
  /** Lists up to this long are drawn whole. */
  wholeUpTo: number;
  /** How far past the viewport's edges items are drawn, px. */
  overscan: number;
}

export class WindowList<T> {
  private items: readonly T[] = [];
  private readonly drawn = new Map<string, HTMLElement>();
  /** Measured heights of items by key, kept while the item exists (it is drawn again the same). */
  private readonly heights = new Map<string, number>();
  /** Nodes drawn or redrawn since the last measuring: only these are measured. */
  private readonly fresh = new Map<string, HTMLElement>();
  /** What each drawn node was last told of its place ("3/950"): attributes are written when it changes. */
  private readonly placed = new WeakMap<HTMLElement, string>();
  /** Row tops for the items and heights as they are; dropped when either changes. */
  private tops: number[] | null = null;
  private first = -1;
  private last = -1;
  private padding = '';
  /**
   * The height guessed for an unmeasured item. Changed only while the list's top is on screen (or
   * below it) and on a new list: a new guess above the viewport would move what is on screen.
   */
  private estimate = 0;
  private columns = 0;
  private gap = 0;
  private width = 0;
  private frame = 0;
  private readonly onScroll = () => this.soon();
  /**
   * Tab onto an item scrolls it into view at once, but the scroll is told a frame later: the next
   * items are drawn now, so a quick run of Tabs never runs out of drawn items to land on.
   */
  private readonly onFocus = () => this.update(false);
  private readonly onResize = () => {
    // A phone's toolbar sliding away changes only the height: the rows stay as tall.
    if (innerWidth !== this.width) {
      this.columns = 0;
      this.heights.clear();
      this.tops = null;
      this.estimate = 0;
    }
    this.soon();
  };

  constructor(private readonly o: WindowListOptions<T>) {
    o.list.setAttribute('role', 'list');
    o.list.addEventListener('focusin', this.onFocus);
    addEventListener('scroll', this.onScroll, { passive: true });
    addEventListener('resize', this.onResize);
  }

  /** A new list of items (a search, a filter, a new camera): drawn again around the viewport. */
  set(items: readonly T[]): void {
    this.items = items;
    const keys = new Set(items.map(this.o.key));
    for (const k of this.heights.keys()) if (!keys.has(k)) this.heights.delete(k);
    this.tops = null;
    this.estimate = 0;
    this.update(true);
  }

  /** One item's data changed: its node (if drawn) is brought up to date in place. */
  refresh(item: T): void {
    const node = this.drawn.get(this.o.key(item));
    if (!node) return;
    this.o.draw(item, node);
    this.fresh.set(this.o.key(item), node);
    this.soon();
  }

  /** Every drawn item again (data that touches all of them changed: new uptimes, for instance). */
  refreshAll(): void {
    this.update(true);
  }

  /** The node drawn for a key, if it is in the window now. */
  nodeOf(key: string): HTMLElement | undefined {
    return this.drawn.get(key);
  }

  /** Position and layout may have changed (content above the list, fonts): window again next frame. */
  soon(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.update(false);
    });
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    removeEventListener('scroll', this.onScroll);
    removeEventListener('resize', this.onResize);
    this.o.list.removeEventListener('focusin', this.onFocus);
    for (const [k, node] of this.drawn) this.o.dropped?.(k, node);
    this.drawn.clear();
    this.fresh.clear();
  }

  private measureLayout(): void {
    if (this.columns || !this.o.list.isConnected) return;
    this.width = innerWidth;
    this.tops = null;
    const style = getComputedStyle(this.o.list);
    const tracks = style.display.includes('grid') ? style.gridTemplateColumns.split(' ').filter((t) => t && t !== 'none').length : 1;
    this.columns = Math.max(1, tracks);
    this.gap = parseFloat(style.rowGap) || 0;
  }

  private average(): number {
    let sum = 0;
    for (const h of this.heights.values()) sum += h;
    return this.heights.size ? sum / this.heights.size : this.o.guess;
  }

  /** Heights of the given items, measured (layout must be clean for this to be cheap); true if any changed. */
  private measure(nodes: Iterable<[string, HTMLElement]>): boolean {
    let changed = false;
    for (const [k, node] of nodes) {
      // Fractional, as laid out: whole pixels would add up to a visible error over hundreds of rows.
      const h = (node.firstElementChild ?? node).getBoundingClientRect().height;
      if (h && this.heights.get(k) !== h) {
        this.heights.set(k, h);
        changed = true;
      }
    }
    if (changed) this.tops = null;
    return changed;
  }

  /** Row tops (px from the list's top, row gap included), one more entry than rows: the end. */
  private rowTops(): number[] {
    const { key } = this.o;
    const fallback = (this.estimate ||= this.average());
    const cols = this.columns || 1;
    const rows = Math.ceil(this.items.length / cols);
    const tops = new Array<number>(rows + 1);
    let y = 0;
    for (let r = 0; r < rows; r++) {
      tops[r] = y;
      let tallest = 0;
      for (let i = r * cols; i < Math.min(this.items.length, (r + 1) * cols); i++) tallest = Math.max(tallest, this.heights.get(key(this.items[i]!)) ?? fallback);
      y += tallest + (r < rows - 1 ? this.gap : 0);
    }
    tops[rows] = y;
    return tops;
  }

  private update(redraw: boolean): void {
    const { list, key, draw, overscan } = this.o;
    this.measureLayout();
    const cols = this.columns || 1;
    const n = this.items.length;
    const connected = list.isConnected;
    // Where the viewport is, in the list's own coordinates (before it is connected: at its top).
    const listTop = connected ? list.getBoundingClientRect().top : 0;
    // Items drawn in an earlier frame have been laid out since: measuring them now costs no layout.
    // Their heights are already on screen, so nothing visible moves when the model catches up.
    let moved = false;
    if (connected && this.fresh.size) {
      moved = this.measure(this.fresh);
      this.fresh.clear();
    }
    if (listTop >= 0 && this.estimate && this.estimate !== this.average()) {
      this.estimate = 0;
      this.tops = null;
      moved = true;
    }
    let tops = (this.tops ??= this.rowTops());
    const rows = tops.length - 1;
    const from = -listTop - overscan;
    const to = -listTop + innerHeight + overscan;
    let first = 0;
    let last = rows - 1;
    if (n > this.o.wholeUpTo) {
      first = Math.max(0, upperBound(tops, from) - 1);
      last = Math.max(first, Math.min(rows - 1, upperBound(tops, to) - 1));
    }
    // Most scroll frames move within the rows already drawn: nothing to write, nothing to measure.
    if (!redraw && !moved && first === this.first && last === this.last && connected) return;
    this.first = first;
    this.last = last;
    // The row at the viewport's top stays where it is on screen when rows drawn above it are measured.
    const anchor = listTop < 0 ? Math.min(rows - 1, Math.max(0, upperBound(tops, -listTop) - 1)) : -1;
    const anchorTop = anchor >= 0 ? tops[anchor]! : 0;

    const start = first * cols;
    const end = Math.min(n, (last + 1) * cols);
    const wanted = new Map<string, T>();
    for (let i = start; i < end; i++) wanted.set(key(this.items[i]!), this.items[i]!);
    for (const [k, node] of this.drawn) {
      if (wanted.has(k)) continue;
      node.remove();
      this.drawn.delete(k);
      this.fresh.delete(k);
      this.o.dropped?.(k, node);
    }
    // In order, moving only what is out of place: a scroll step adds a row at one end.
    const above = new Map<string, HTMLElement>();
    let at: ChildNode | null = list.firstChild;
    let index = start;
    for (const [k, item] of wanted) {
      const had = this.drawn.get(k);
      const node = had && !redraw ? had : draw(item, had);
      // New above the viewport's top: measured at once (it would push what is on screen);
      // below it: measured next frame, after the browser has laid it out anyway.
      if (node !== had || redraw) (anchor >= 0 && Math.floor(index / cols) < anchor ? above : this.fresh).set(k, node);
      const place = `${++index}/${n}`;
      if (this.placed.get(node) !== place) {
        this.placed.set(node, place);
        node.setAttribute('aria-posinset', String(index));
        node.setAttribute('aria-setsize', String(n));
      }
      this.drawn.set(k, node);
      if (at === node) at = node.nextSibling;
      else list.insertBefore(node, at);
    }
    while (at) {
      const next: ChildNode | null = at.nextSibling;
      at.remove();
      at = next;
    }
    if (connected && above.size && this.measure(above)) tops = this.tops = this.rowTops();
    else if (!connected) for (const [k, node] of above) this.fresh.set(k, node);
    // The rows after the window, and the gap the grid would have put before the first of them.
    const padding = `${tops[first] ?? 0}/${last < rows - 1 ? tops[rows]! - tops[last + 1]! + this.gap : 0}`;
    if (padding !== this.padding) {
      this.padding = padding;
      const [top, bottom] = padding.split('/');
      list.style.paddingTop = `${top}px`;
      list.style.paddingBottom = `${bottom}px`;
    }
    if (anchor >= 0 && tops[anchor] !== anchorTop) scrollBy(0, tops[anchor]! - anchorTop);
    // Items still to measure (next frame, laid out by then), or not yet in the page: look again.
    if (this.fresh.size) this.soon();
  }
}

/** The first index whose value is greater than `y` (tops are ascending). */
function upperBound(tops: readonly number[], y: number): number {
  let lo = 0;
  let hi = tops.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid]! <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
