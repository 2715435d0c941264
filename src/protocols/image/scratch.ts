/**
 * Working arrays kept from one call to the next, for the DC reader and the area mean: a grid
 * frame's decode made about a megabyte of typed arrays that lived for a millisecond. V8 (11.3,
 * Node 20) counts typed arrays' memory toward the old generation's limit until the next full
 * collection, so the eight frames a dashboard takes every 10 s brought on a full collection each
 * time (BENCHMARKS.md, issue 16). Only for arrays that never leave the synchronous call that
 * takes them: the next call overwrites them.
 */
export class Scratch<T extends Float64Array | Int16Array | Uint8Array> {
  private array: T;

  /**
   * @param make - a new array of that many elements
   * @param keepUpTo - longer arrays are made for the call and not kept (a rare 4 MP snapshot
   * should not hold its megabytes for good)
   */
  constructor(
    private readonly make: (length: number) => T,
    private readonly keepUpTo: number,
  ) {
    this.array = make(0);
  }

  /** An array of at least `length` elements, holding whatever an earlier call left in it. */
  take(length: number): T {
    if (length <= this.array.length) return this.array;
    const grown = this.make(length);
    if (length <= this.keepUpTo) this.array = grown;
    return grown;
  }
}
