/**
 * The public status page's stylesheet and its tiny script, kept here as text so the server
 * serves them from memory in every run mode (no build step, nothing to copy). Their URLs carry
 * a hash of their content, so they are cached for good. The script only turns a tapped or
 * hovered day bar into a line of text (textContent, never markup).
 */
import { createHash } from 'node:crypto';

export const STATUS_CSS = `*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f7f9}
header,main,footer{max-width:720px;margin:0 auto;padding:8px 12px}
header{background:#0b4f71;color:#fff;max-width:none}
header>*{max-width:696px;margin-left:auto;margin-right:auto}
header a{color:#fff}
h1{font-size:1.3em;margin:4px auto 8px}
h2{font-size:1.1em;margin:18px 0 8px}
h3{font-size:1em;margin:0 0 2px}
nav{display:flex;flex-wrap:wrap;gap:6px 12px;padding-bottom:6px}
nav a[aria-current]{font-weight:700;text-decoration:none}
.lang{text-align:right;margin:0}
.lang a{display:inline-block;padding:6px 0;min-height:32px}
.muted{color:#57606a;margin:0}
.list{list-style:none;padding:0;margin:0}
.list li{background:#fff;border-radius:8px;padding:8px 10px;margin:0 0 8px;box-shadow:0 1px 2px #0002}
.cam{background:#fff;border-radius:8px;padding:10px;margin:0 0 10px;box-shadow:0 1px 2px #0002}
.cam p{margin:2px 0}
.st,.zone{display:inline-block;border-radius:10px;padding:0 8px;font-size:.85em;font-weight:600;color:#fff;background:#6b7280}
.st-up,.z-green.zone{background:#2e7d32}.st-degraded,.z-yellow.zone{background:#9a6700}.st-down,.z-red.zone{background:#c62828}
b.z-green{color:#2e7d32}b.z-yellow{color:#9a6700}b.z-red{color:#c62828}
.ack.on{color:#2e7d32;font-weight:600}.ack.off{color:#c62828;font-weight:600}
.note{margin:4px 0 0;font-style:italic}
.bars{display:flex;gap:1px;height:34px;margin:8px 0 2px;cursor:pointer;touch-action:manipulation}
.bars i{flex:1;border-radius:1px;background:#c9ced6}
.bars i.g{background:#2e7d32}.bars i.y{background:#d4a72c}.bars i.r{background:#c62828}
.bars i.sel{outline:2px solid #1f2328;outline-offset:1px}
.day{min-height:1.45em;font-size:.9em;color:#57606a}
footer{font-size:.9em;color:#57606a}
body.widget{padding:8px;background:#fff}
body.widget p{margin:0 0 4px}
`;

export const STATUS_JS = `(function () {
  'use strict';
  var body = document.body;
  var lang = document.documentElement.lang === 'en' ? 'en-GB' : 'id-ID';
  var date = new Intl.DateTimeFormat(lang, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  var num = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  function line(bars, i) {
    var u = bars.dataset.u.split(',')[i];
    var o = Number(bars.dataset.o.split(',')[i] || 0);
    var d = new Date(Date.parse(bars.dataset.start + 'T00:00:00Z') + i * 86400000);
    var up = u === '' || u === undefined ? body.dataset.nodata : num.format(Number(u) / 10) + (lang === 'id-ID' ? ' %' : '%');
    var outages = o === 0 ? body.dataset.o0 : o === 1 ? body.dataset.o1 : body.dataset.on.replace('{n}', String(o));
    return date.format(d) + ' · ' + up + ' · ' + outages;
  }
  function pick(event) {
    var bar = event.target;
    if (!bar || bar.tagName !== 'I' || !bar.parentElement || !bar.parentElement.classList.contains('bars')) return;
    var bars = bar.parentElement;
    var i = Array.prototype.indexOf.call(bars.children, bar);
    var old = bars.querySelector('.sel');
    if (old) old.classList.remove('sel');
    bar.classList.add('sel');
    var out = bars.nextElementSibling;
    if (out) out.textContent = line(bars, i);
  }
  document.addEventListener('click', pick);
  document.addEventListener('pointerover', function (event) {
    if (event.pointerType === 'mouse') pick(event);
  });
})();
`;

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 10);

export const STATUS_ASSETS = {
  css: `/status/assets/status.${hash(STATUS_CSS)}.css`,
  js: `/status/assets/status.${hash(STATUS_JS)}.js`,
};
