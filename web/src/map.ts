/**
 * Where the camera is: its coordinates, address and a link at once, and a map only when asked
 * ("Tampilkan peta"), so a camera page costs no map code and no tiles until someone wants them;
 * Leaflet then comes as a separate chunk. Tiles come from the URL the server writes into
 * <meta name="pantau-tiles"> from its config, the same one its Content-Security-Policy allows;
 * without one (`map.tileUrl: none`, or the Vite dev server) there is no map button. Where
 * tiles cannot load (no internet, a closed network) the map gives way to the plain box again.
 *
 * The map never covers the bottom navigation: it is its own stacking context (style.css), so
 * Leaflet's controls (z-index 1000) stay under the page's fixed bars.
 *
 * Leaflet inserts strings as HTML (tooltips, popups, attribution): text from users or the
 * config reaches it only as DOM nodes or escaped.
 */
import { button, h } from './dom';
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

/** The plain box, with a "show map" button when this server has a tile server. */
export function showMap(box: HTMLElement, lat: number, lng: number, name: string, address: string | null): void {
  fallback(box, lat, lng, address);
  const tiles = meta('pantau-tiles');
  if (!tiles || tiles === 'none') return;
  const show = button(t('showMap'), () => {
    show.disabled = true;
    show.textContent = t('loading');
    void loadMap(box, tiles, lat, lng, name, address);
  }, 'show-map');
  box.firstElementChild?.append(show);
}

async function loadMap(box: HTMLElement, tiles: string, lat: number, lng: number, name: string, address: string | null): Promise<void> {
  if (!navigator.onLine) return fallback(box, lat, lng, address);
  try {
    const [L] = await Promise.all([import('leaflet'), import('leaflet/dist/leaflet.css')]);
    const el = h('div', { class: 'map' });
    const facts = box.firstElementChild;
    facts?.querySelector('.show-map')?.remove();
    box.replaceChildren(el, ...(facts ? [facts] : []));
    // A page scrolled by a thumb must not zoom the map on the way.
    const map = L.map(el, { zoomControl: true, attributionControl: true, scrollWheelZoom: false }).setView([lat, lng], 16);
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
