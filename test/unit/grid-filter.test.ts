import { describe, expect, it } from 'vitest';
import { listCameras, type Filters } from '../../web/src/pages/grid-filter.js';

type Camera = { id: string; name: string; site: string; agency: string };
const camera = (i: number, over: Partial<Camera> = {}) => ({ id: `c${i}`, name: `CCTV ${i}`, site: `Lokasi ${i % 3}`, agency: i % 2 ? 'Dinas Kesehatan' : 'Bagian Umum', ...over });
const none: Filters = { site: '', agency: '', status: '', q: '' };

describe('the grid listing', () => {
  const fleet = Array.from({ length: 1000 }, (_, i) => camera(i));
  const statusOf = (c: Camera) => (c.id === 'c7' || c.id === 'c8' ? 'paused' : 'up');

  it('lists every active camera of a thousand, in order, and counts the paused ones folded away', () => {
    const list = listCameras(fleet, none, statusOf, false);
    expect(list.shown).toHaveLength(1000 - 2);
    expect(list.shown.map((c) => c.id).slice(6, 9)).toEqual(['c6', 'c9', 'c10']);
    expect(list.pausedHidden).toBe(2);
    expect(list.matching).toBe(1000);
  });

  it('folds paused cameras away until asked for, or filtered on', () => {
    expect(listCameras(fleet, none, statusOf, true).shown).toHaveLength(1000);
    expect(listCameras(fleet, { ...none, status: 'paused' }, statusOf, false).shown.map((c) => c.id)).toEqual(['c7', 'c8']);
  });

  it('searches every word in name, site or agency, ignoring case and accents', () => {
    const cams = [camera(1, { name: 'CCTV Pos Ronda' }), camera(2, { name: 'Kamera Pasar', site: 'Pasar Sentral' }), camera(3, { name: 'Puskésmas' })];
    const q = (text: string) => listCameras(cams, { ...none, q: text }, () => 'up', false).shown.map((c) => c.id);
    expect(q('RONDA')).toEqual(['c1']);
    expect(q('pasar sentral')).toEqual(['c2']);
    expect(q('puskesmas')).toEqual(['c3']);
    expect(q('kesehatan ronda')).toEqual(['c1']);
    expect(q('tidak ada')).toEqual([]);
  });
});
