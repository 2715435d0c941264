/**
 * The privacy mask on a camera page, for admins: what is covered now (how many rectangles, who
 * changed it and when) and an editor over the camera's current picture. Drag (a finger or a
 * mouse) to draw a rectangle, tap one to select it, delete the selected one, then save or
 * cancel. Rectangles are kept as fractions of the picture (0..1), as the server stores them.
 * Non-admins get nothing here: the server refuses them the mask too.
 */
import { get, problem, send, type Answer } from '../api';
import { button, h } from '../dom';
import { fill, formatWhen, t, type Key } from '../i18n';
import { checkMask, MAX_MASK_RECTS, MIN_MASK_SIDE, type MaskRect } from '../../../src/domain/privacy-mask';
import type { Camera, User } from '../types';

interface MaskAnswer {
  cameraId: string;
  rects: MaskRect[];
  updatedBy: string | null;
  updatedAt: string | null;
}

const ISSUE_KEYS: Record<string, Key> = { mask_outside: 'maskIssueOutside', mask_too_small: 'maskIssueTooSmall', mask_not_a_number: 'maskIssueOutside' };

/** A refused save in the user's words: the rectangle named by its number, else the generic refusal. */
function refusal(answer: Answer<unknown>): string {
  const issues = (answer.body as { issues?: { path: string; code?: string }[] } | null)?.issues ?? [];
  const first = issues[0];
  const index = first ? /^rects\.(\d+)/.exec(first.path)?.[1] : undefined;
  if (first?.path === 'rects') return fill('maskTooMany', { max: MAX_MASK_RECTS });
  if (first && index !== undefined && first.code && first.code in ISSUE_KEYS) return fill(ISSUE_KEYS[first.code]!, { n: Number(index) + 1 });
  return problem(answer);
}

export function privacyMaskSection(camera: Camera, user: User): HTMLElement | '' {
  if (user.role !== 'admin') return '';
  const url = `/api/cameras/${encodeURIComponent(camera.id)}/privacy-mask`;
  const summary = h('p', { class: 'muted mask-summary' }, t('loading'));
  const editorBox = h('div', { class: 'mask-editor-box' });
  const note = h('p', { class: 'mask-note', role: 'status', hidden: true });
  const editButton = button(t('maskEdit'), () => void openEditor(), 'secondary mask-edit');
  let saved: MaskRect[] = [];

  const showSummary = (m: MaskAnswer) => {
    saved = m.rects;
    summary.textContent = m.rects.length
      ? fill('maskSummary', { n: m.rects.length, by: m.updatedBy ?? '', when: m.updatedAt ? formatWhen(m.updatedAt) : '' })
      : t('maskNone');
  };
  const load = async () => {
    const r = await get<MaskAnswer>(url).catch(() => null);
    if (r?.status === 200) showSummary(r.body);
    else summary.textContent = t('errorGeneric');
  };

  const openEditor = async () => {
    note.hidden = true;
    editButton.disabled = true;
    // The picture to draw on: the newest, as everyone sees it (masked where a mask is already).
    const res = await fetch(`/api/cameras/${encodeURIComponent(camera.id)}/snapshot?size=full`, { credentials: 'same-origin' }).catch(() => null);
    if (!res?.ok) {
      editButton.disabled = false;
      note.textContent = t('maskNoPicture');
      note.hidden = false;
      return;
    }
    const pictureUrl = URL.createObjectURL(await res.blob());
    const editor = maskEditor(pictureUrl, saved, {
      save: async (rects) => {
        const answer = await send<MaskAnswer>('PUT', url, { rects }).catch(() => null);
        if (!answer) return t('maskNotSaved');
        if (answer.status !== 200) return refusal(answer);
        showSummary(answer.body);
        close();
        note.textContent = t('maskSaved');
        note.hidden = false;
        return null;
      },
      cancel: () => close(),
    });
    const close = () => {
      editorBox.replaceChildren();
      URL.revokeObjectURL(pictureUrl);
      editButton.disabled = false;
    };
    editorBox.replaceChildren(editor);
  };

  void load();
  return h('section', { class: 'privacy-mask' }, h('h2', {}, t('maskTitle')), summary, h('p', { class: 'muted' }, t('maskCovers')), h('div', { class: 'row' }, editButton), note, editorBox);
}

interface EditorActions {
  /** Saves; resolves to the refusal in words, or null when saved. */
  save(rects: MaskRect[]): Promise<string | null>;
  cancel(): void;
}

/** The drawing surface: the picture with the rectangles over it, and its buttons. */
function maskEditor(pictureUrl: string, initial: readonly MaskRect[], actions: EditorActions): HTMLElement {
  const rects: MaskRect[] = initial.map((r) => ({ ...r }));
  let selected = -1;
  const img = h('img', { src: pictureUrl, alt: t('maskPictureAlt'), draggable: false });
  const layer = h('div', { class: 'mask-layer' });
  const stage = h('div', { class: 'mask-stage' }, img, layer);
  const error = h('p', { class: 'error mask-error', role: 'alert', hidden: true });
  const count = h('span', { class: 'mask-count' });
  const del = button(t('maskDelete'), () => {
    if (selected < 0) return;
    rects.splice(selected, 1);
    selected = -1;
    draw();
  }, 'secondary mask-delete');
  const save = button(t('maskSave'), () => {
    save.disabled = true;
    error.hidden = true;
    void actions.save(rects.map((r) => ({ ...r }))).then((refused) => {
      save.disabled = false;
      if (refused) {
        error.textContent = refused;
        error.hidden = false;
      }
    });
  }, 'mask-save');
  const cancel = button(t('cancel'), () => actions.cancel(), 'secondary mask-cancel');

  const boxOf = (r: MaskRect, i: number) => {
    const box = h('div', { class: `mask-rect${i === selected ? ' selected' : ''}` }, h('span', { class: 'mask-rect-n' }, String(i + 1)));
    box.setAttribute('aria-label', fill('maskRect', { n: i + 1 }));
    box.style.left = `${r.x * 100}%`;
    box.style.top = `${r.y * 100}%`;
    box.style.width = `${r.w * 100}%`;
    box.style.height = `${r.h * 100}%`;
    return box;
  };
  const draw = (drawing?: MaskRect) => {
    layer.replaceChildren(...rects.map(boxOf), ...(drawing ? [h('div', { class: 'mask-rect drawing' })] : []));
    if (drawing) {
      const d = layer.lastElementChild as HTMLElement;
      const n = checkMask([drawing]);
      const r = n.ok ? n.rects[0]! : drawing;
      d.style.left = `${r.x * 100}%`;
      d.style.top = `${r.y * 100}%`;
      d.style.width = `${Math.abs(r.w) * 100}%`;
      d.style.height = `${Math.abs(r.h) * 100}%`;
    }
    del.disabled = selected < 0;
    count.textContent = fill('maskCount', { n: rects.length, max: MAX_MASK_RECTS });
  };

  /** Where a pointer is, as fractions of the picture. */
  const at = (e: PointerEvent) => {
    const b = stage.getBoundingClientRect();
    return { x: (e.clientX - b.left) / b.width, y: (e.clientY - b.top) / b.height };
  };
  let start: { x: number; y: number; id: number } | null = null;
  // The finger's last place: a lifted finger's own event may not carry one (touchend has no touches).
  let last = { x: 0, y: 0 };
  stage.addEventListener('pointerdown', (e) => {
    if (start) return;
    e.preventDefault();
    stage.setPointerCapture(e.pointerId);
    last = at(e);
    start = { ...last, id: e.pointerId };
  });
  stage.addEventListener('pointermove', (e) => {
    if (!start || e.pointerId !== start.id) return;
    last = at(e);
    draw({ x: start.x, y: start.y, w: last.x - start.x, h: last.y - start.y });
  });
  const finish = (e: PointerEvent, cancelled: boolean) => {
    if (!start || e.pointerId !== start.id) return;
    const from = start;
    start = null;
    const p = last;
    const drawn = { x: from.x, y: from.y, w: p.x - from.x, h: p.y - from.y };
    error.hidden = true;
    if (cancelled) return draw();
    // A tap (hardly moved): select the rectangle under the finger, the topmost first.
    if (Math.abs(drawn.w) < MIN_MASK_SIDE * 2 && Math.abs(drawn.h) < MIN_MASK_SIDE * 2) {
      selected = -1;
      for (let i = rects.length - 1; i >= 0; i--) {
        const r = rects[i]!;
        if (p.x >= r.x && p.x <= r.x + r.w && p.y >= r.y && p.y <= r.y + r.h) {
          selected = i;
          break;
        }
      }
      return draw();
    }
    const checked = checkMask([drawn]);
    if (!checked.ok) {
      error.textContent = fill('maskIssueTooSmall', { n: rects.length + 1 });
      error.hidden = false;
    } else if (rects.length >= MAX_MASK_RECTS) {
      error.textContent = fill('maskTooMany', { max: MAX_MASK_RECTS });
      error.hidden = false;
    } else {
      rects.push(checked.rects[0]!);
      selected = rects.length - 1;
    }
    draw();
  };
  stage.addEventListener('pointerup', (e) => finish(e, false));
  stage.addEventListener('pointercancel', (e) => finish(e, true));
  draw();
  return h('div', { class: 'mask-editor' }, h('p', { class: 'muted' }, t('maskHint')), stage, h('div', { class: 'row' }, count, del, save, cancel), error);
}
