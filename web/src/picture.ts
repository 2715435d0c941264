/**
 * A camera picture that always says how old it is. A picture older than its expected cadence
 * allows, or any picture while the live link is down, is marked stale (dimmed, with the word),
 * so nobody mistakes an old frame for the camera's view now. A black or frozen verdict is
 * written on the picture itself: a frozen frame is new by its clock and old by its content.
 */
import { h } from './dom';
import { ago, reasonWord, t } from './i18n';
import { live, type Frame } from './live';

export interface Picture {
  node: HTMLElement;
  show(frame: Frame): void;
  /** Re-judges staleness; called by the shell's tick. */
  refresh(): void;
  /** The expected time between frames changed (live on/off). */
  expect(ms: number): void;
  /** The camera is dark since then (null: it is not): any picture taken before is old news. */
  darkSince(ms: number | null): void;
  /** What the checks found wrong with the picture (black, frozen, …), or null: shown over it. */
  verdict(reason: string | null): void;
  /** A picture was asked for now: "loading" until one comes, "no picture yet" if none does for a while. */
  requested(): void;
}

/** Reasons about the picture's content, as the image check gives them. */
const PICTURE_VERDICTS = new Set(['black', 'covered', 'frozen', 'corrupt']);
export const isPictureVerdict = (reason: string): boolean => PICTURE_VERDICTS.has(reason);
/** How long "loading" may say so before it admits there is no picture. */
const LOADING_MS = 20_000;

export function picture(cameraName: string, expectMs: number, cls = '', ageLabel = t('pictureAge')): Picture {
  const img = h('img', { alt: cameraName, decoding: 'async' });
  const age = h('span', { class: 'pic-age' }, t('loadingPicture'));
  // On a thumbnail only the word fits: "not live" is for the big picture.
  const mark = h('span', { class: 'pic-stale' }, t('stale'), h('span', { class: 'pic-not-live' }, ` · ${t('notLive')}`));
  const label = h('span', { class: 'pic-verdict', hidden: true });
  const node = h('figure', { class: `pic empty ${cls}` }, img, label, h('figcaption', {}, age, mark));
  let at = 0;
  let dark: number | null = null;
  let askedAt: number | null = null;
  // The same words again would still be a change to lay out: a scrolled-to tile asks often.
  const say = (text: string) => {
    if (age.textContent !== text) age.textContent = text;
  };
  const refresh = () => {
    if (!at) {
      say(askedAt !== null && Date.now() - askedAt > LOADING_MS ? t('noPicture') : t('loadingPicture'));
      return;
    }
    say(`${ageLabel}: ${ago(at)}`);
    const stale = !live.connected || Date.now() - at > expectMs * 2 + 20_000 || (dark !== null && at < dark);
    node.classList.toggle('stale', stale);
  };
  return {
    node,
    show(frame) {
      if (frame.at < at) return;
      at = frame.at;
      img.src = frame.url;
      node.classList.remove('empty');
      node.dataset.at = String(at);
      refresh();
    },
    refresh,
    expect(ms) {
      expectMs = ms;
      refresh();
    },
    darkSince(ms) {
      dark = ms;
      refresh();
    },
    verdict(reason) {
      const shown = reason !== null && PICTURE_VERDICTS.has(reason);
      label.hidden = !shown;
      label.textContent = shown ? reasonWord(reason) : '';
      node.classList.toggle('judged', shown);
    },
    requested() {
      askedAt ??= Date.now();
      refresh();
    },
  };
}
