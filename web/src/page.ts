/**
 * What the shell and its pages agree on: a page function gets a `Ctx` and returns a `Page`.
 * Pages import these from here, never from main.ts, so imports point one way: shell → pages.
 */
import type { User } from './types';

export interface Page {
  node: HTMLElement;
  dispose?(): void;
  /** Called every few seconds to age times and judge pictures. */
  tick?(): void;
}

export interface Ctx {
  user: User;
  params: string[];
  rerender(): void;
}

export type PageFn = (ctx: Ctx) => Promise<Page> | Page;
