/**
 * A black or frozen camera's newest picture is the bad one: this shows, beside it, the last
 * picture the image check judged good, labelled as such, with its age ("Gambar baik terakhir ·
 * 3 jam lalu"). Fetched once when shown (it cannot change while the picture stays bad); says
 * so when the server has none yet.
 */
import { ageText, h } from './dom';
import { t } from './i18n';
import { isPictureVerdict } from './picture';

export interface LastGood {
  node: HTMLElement;
  /** Shown (and fetched, the first time) while the camera's reason is a picture verdict. */
  follow(reason: string | null): void;
}

export function lastGoodPicture(cameraId: string, cameraName: string, size: 'thumb' | 'full'): LastGood {
  const node = h('figure', { class: `pic last-good last-good-${size}`, hidden: true });
  let asked = false;
  const load = async () => {
    asked = true;
    const res = await fetch(`/api/cameras/${encodeURIComponent(cameraId)}/last-good-picture?size=${size}`, { credentials: 'same-origin' }).catch(() => null);
    const at = Date.parse(res?.headers.get('x-picture-at') ?? '');
    if (!res?.ok || Number.isNaN(at)) {
      node.classList.add('empty');
      node.replaceChildren(h('figcaption', {}, t('noLastGoodPicture')));
      return;
    }
    const img = h('img', { alt: `${cameraName} — ${t('lastGoodPicture')}`, decoding: 'async' });
    img.src = URL.createObjectURL(await res.blob());
    node.classList.remove('empty');
    node.replaceChildren(img, h('figcaption', {}, h('span', { class: 'last-good-label' }, t('lastGoodPicture')), ' · ', ageText(at)));
  };
  return {
    node,
    follow(reason) {
      const shown = reason !== null && isPictureVerdict(reason);
      node.hidden = !shown;
      if (shown && !asked) void load();
      // A later bad spell may follow good pictures taken since: ask again next time.
      if (!shown) asked = false;
    },
  };
}
