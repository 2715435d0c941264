/**
 * A camera picture that always says how old it is. A picture older than its expected cadence
 * allows, or any picture while the live link is down, is marked stale (dimmed, with the word),
 * so nobody mistakes an old frame for the camera's view now.
 */
import { h } from './dom';
import { ago, t } from './i18n';
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
}

export function picture(cameraName: string, expectMs: number, cls = ''): Picture {
  const img = h('img', { alt: cameraName, decoding: 'async' });
  const age = h('span', { class: 'pic-age' }, t('noPicture'));
  const mark = h('span', { class: 'pic-stale' }, `${t('stale')} · ${t('notLive')}`);
  const node = h('figure', { class: `pic empty ${cls}` }, img, h('figcaption', {}, age, mark));
  let at = 0;
  let dark: number | null = null;
  const refresh = () => {
    if (!at) return;
    age.textContent = `${t('pictureAge')}: ${ago(at)}`;
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
  };
}
