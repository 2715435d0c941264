/**
 * The camera's pin on a map, with Leaflet loaded only here. Tiles come from the URL the server
 * writes into <meta name="pantau-tiles"> from its config, the same one its Content-Security-
 * Policy allows; without one (the Vite dev server) there is no map. Where tiles cannot load (no
 * internet, a closed network) the map gives way to a plain box: coordinates, the address and
 * a link, which is all a field officer needs.
 *
 * Leaflet inserts strings as HTML (tooltips, popups, attribution): text from users or the
 * config reaches it only as DOM nodes or escaped.
 */
import { h } from './dom';
import { t } from './i18n';

const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';

/** Text as HTML that shows exactly that text, for the Leaflet options that take only HTML. */
function asHtml(text: string): string {
  const box = document.createElement('span');
  box.textContent = text;
  return box.innerHTML;
}

function fallback(box: HTMLElement, lat: number, lng: number, address: string | null): void {
  const coords = `${lat.toFixed(5)}, ${lng.toFixed(5)}`;
  box.replaceChildren(
    h(
      'div',
      { class: 'map-fallback' },
      h('p', {}, h('strong', {}, coords)),
      address ? h('p', {}, address) : null,
      h('a', { href: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=17/${lat}/${lng}`, target: '_blank', rel: 'noopener' }, t('openMap')),
    ),
  );
}

export async function showMap(box: HTMLElement, lat: number, lng: number, name: string, address: string | null): Promise<void> {
  fallback(box, lat, lng, address);
  const tiles = meta('pantau-tiles');
  if (!navigator.onLine || !tiles) return;
  try {
    const [L] = await Promise.all([import('leaflet'), import('leaflet/dist/leaflet.css')]);
    const el = h('div', { class: 'map' });
    const facts = box.firstElementChild;
    box.replaceChildren(el, ...(facts ? [facts] : []));
    const map = L.map(el, { zoomControl: true, attributionControl: true }).setView([lat, lng], 16);
    let loaded = 0;
    const layer = L.tileLayer(tiles, { maxZoom: 19, attribution: asHtml(meta('pantau-tiles-attribution')) }).addTo(map);
    layer.on('tileload', () => loaded++);
    // No tile within a few seconds: the tile server is out of reach, so the map would stay grey.
    setTimeout(() => {
      if (loaded === 0) {
        map.remove();
        fallback(box, lat, lng, address);
      }
    }, 6000);
    L.circleMarker([lat, lng], { radius: 10, color: '#b00020', weight: 3, fillOpacity: 0.6 }).addTo(map).bindTooltip(h('span', {}, name));
  } catch {
    fallback(box, lat, lng, address);
  }
}
