import { describe, expect, it } from 'vitest';
import { formatDuration, formatTime, reasonText } from '../../src/notifiers/message-words.js';
import { MAX_LISTED_CAMERAS, renderMessage, SNAPSHOT_CID } from '../../src/notifiers/messages.js';
import type { AlertCamera, AlertMessage, Language } from '../../src/notifiers/types.js';

// 13.05 WITA (UTC+8) on 29 Nov 2026.
const SINCE = Date.UTC(2026, 10, 29, 5, 5);
const camera: AlertCamera = {
  id: 'cam-1',
  name: 'Gerbang Utama',
  site: 'Masjid Raya Al-Falah',
  agency: 'Dinas Kominfo',
  innovation: 'Masjid Aman',
  status: 'down',
  reason: 'unreachable',
  since: SINCE,
};
function message(over: Partial<AlertMessage> & Pick<AlertMessage, 'kind' | 'language'>): AlertMessage {
  return {
    cameras: [camera],
    dashboardUrl: 'https://pantau.example.go.id/#/kamera/cam-1',
    ackUrl: 'https://pantau.example.go.id/ack?o=7&sig=ab',
    timeZone: 'Asia/Makassar',
    ...over,
  };
}

describe('formatTime', () => {
  it('writes Indonesian times with a dot and the zone name (WIB, WITA, WIT)', () => {
    expect(formatTime(SINCE, 'Asia/Makassar', 'id')).toBe('29 Nov 2026 13.05 WITA');
    expect(formatTime(SINCE, 'Asia/Jakarta', 'id')).toBe('29 Nov 2026 12.05 WIB');
    expect(formatTime(SINCE, 'Asia/Jayapura', 'id')).toBe('29 Nov 2026 14.05 WIT');
  });
  it('writes English times with a colon', () => {
    expect(formatTime(SINCE, 'Asia/Makassar', 'en')).toBe('29 Nov 2026 13:05 WITA');
  });
  it('uses each language’s month names and crosses midnight in the zone', () => {
    const may = Date.UTC(2026, 4, 3, 17, 30); // 01.30 WITA on 4 May
    expect(formatTime(may, 'Asia/Makassar', 'id')).toBe('4 Mei 2026 01.30 WITA');
    expect(formatTime(may, 'Asia/Makassar', 'en')).toBe('4 May 2026 01:30 WITA');
    expect(formatTime(Date.UTC(2026, 7, 17, 3, 0), 'Asia/Jakarta', 'id')).toBe('17 Agu 2026 10.00 WIB');
  });
  it('names other zones by UTC offset and falls back to UTC for an unknown zone', () => {
    expect(formatTime(SINCE, 'UTC', 'en')).toBe('29 Nov 2026 05:05 UTC');
    expect(formatTime(SINCE, 'Asia/Tokyo', 'en')).toBe('29 Nov 2026 14:05 UTC+9');
    expect(formatTime(SINCE, 'Mars/Olympus', 'id')).toBe('29 Nov 2026 05.05 UTC');
  });
});

describe('formatDuration', () => {
  it.each([
    [8040, '2 jam 14 menit', '2 h 14 min'],
    [45, '45 detik', '45 s'],
    [300, '5 menit', '5 min'],
    [3600, '1 jam', '1 h'],
    [3 * 86_400 + 4 * 3600 + 59, '3 hari 4 jam', '3 d 4 h'],
    [86_400 + 120, '1 hari', '1 d'],
  ])('%i s → "%s" / "%s"', (seconds, id, en) => {
    expect(formatDuration(seconds, 'id')).toBe(id);
    expect(formatDuration(seconds, 'en')).toBe(en);
  });
});

describe('reasonText', () => {
  it.each([
    ['unreachable', 'tidak dapat dihubungi', 'unreachable'],
    ['black', 'gambar hitam', 'black picture'],
    ['frozen', 'gambar beku', 'frozen picture'],
    ['covered', 'lensa tertutup', 'lens covered'],
    ['corrupt', 'gambar rusak', 'corrupted picture'],
    ['no_stream', 'aliran video hilang', 'video stream lost'],
    ['onvif_auth_failed', 'kata sandi ONVIF ditolak', 'ONVIF password rejected'],
    ['rtsp_auth_failed', 'kata sandi RTSP ditolak', 'RTSP password rejected'],
    ['port_closed', 'port tertutup', 'port closed'],
  ])('%s → "%s" / "%s"', (code, id, en) => {
    expect(reasonText(code, 'id')).toBe(id);
    expect(reasonText(code, 'en')).toBe(en);
  });
  it('shows an unknown code as it is rather than failing', () => {
    expect(reasonText('lens_fogged', 'id')).toBe('lens_fogged');
  });
});

describe('renderMessage: one camera', () => {
  it('down (id) names the camera, innovation, site, agency, cause, time and both links', () => {
    const r = renderMessage(message({ kind: 'down', language: 'id' }));
    expect(r.subject).toBe('[Pantau] Kamera mati: Gerbang Utama (Masjid Raya Al-Falah)');
    expect(r.title).toBe('🔴 Kamera mati: Gerbang Utama');
    expect(r.text).toBe(
      [
        '🔴 Kamera mati: Gerbang Utama',
        '',
        'Gerbang Utama',
        'Inovasi: Masjid Aman',
        'Lokasi: Masjid Raya Al-Falah',
        'OPD: Dinas Kominfo',
        'Masalah: tidak dapat dihubungi',
        'Sejak: 29 Nov 2026 13.05 WITA',
        '',
        'Dasbor: https://pantau.example.go.id/#/kamera/cam-1',
        'Tandai ditangani: https://pantau.example.go.id/ack?o=7&sig=ab',
      ].join('\n'),
    );
    expect(r.body).toBe('Masjid Raya Al-Falah · tidak dapat dihubungi · sejak 29 Nov 2026 13.05 WITA');
  });

  it('down (en)', () => {
    const r = renderMessage(message({ kind: 'down', language: 'en' }));
    expect(r.subject).toBe('[Pantau] Camera down: Gerbang Utama (Masjid Raya Al-Falah)');
    expect(r.text).toContain('Innovation: Masjid Aman\nSite: Masjid Raya Al-Falah\nAgency: Dinas Kominfo');
    expect(r.text).toContain('Problem: unreachable\nSince: 29 Nov 2026 13:05 WITA');
    expect(r.text).toContain('Dashboard: https://pantau.example.go.id/#/kamera/cam-1');
    expect(r.text).toContain('Acknowledge: https://pantau.example.go.id/ack?o=7&sig=ab');
  });

  it('leaves out the innovation line and the ack link when there are none', () => {
    const { innovation: _, ...plain } = camera;
    const r = renderMessage(message({ kind: 'down', language: 'id', cameras: [plain], ackUrl: undefined }));
    expect(r.text).not.toContain('Inovasi');
    expect(r.text).not.toContain('Tandai ditangani');
  });

  it.each<[Language, string, string]>([
    ['id', 'Kamera bermasalah: Gerbang Utama', 'Masalah: gambar beku'],
    ['en', 'Camera degraded: Gerbang Utama', 'Problem: frozen picture'],
  ])('degraded (%s)', (language, headline, problem) => {
    const r = renderMessage(message({ kind: 'degraded', language, cameras: [{ ...camera, status: 'degraded', reason: 'frozen' }] }));
    expect(r.title).toBe(`🟠 ${headline}`);
    expect(r.text).toContain(problem);
  });

  it.each<[Language, string, string, string]>([
    ['id', 'Kamera pulih: Gerbang Utama', 'Pulih setelah mati selama 2 jam 14 menit.', 'Pulih: 29 Nov 2026 15.19 WITA'],
    ['en', 'Camera recovered: Gerbang Utama', 'Back up after being down for 2 h 14 min.', 'Recovered: 29 Nov 2026 15:19 WITA'],
  ])('recovered (%s) says how long the outage lasted', (language, headline, lasted, at) => {
    const r = renderMessage(message({ kind: 'recovered', language, cameras: [{ ...camera, status: 'up', durationSec: 8040 }] }));
    expect(r.title).toBe(`🟢 ${headline}`);
    expect(r.text).toContain(lasted);
    expect(r.text).toContain(at);
  });

  it('a recovery from a bad picture says "bermasalah", not "mati"', () => {
    const cams = [{ ...camera, status: 'up', reason: 'black', durationSec: 600 }];
    expect(renderMessage(message({ kind: 'recovered', language: 'id', cameras: cams })).text).toContain('Pulih setelah bermasalah selama 10 menit.');
    expect(renderMessage(message({ kind: 'recovered', language: 'en', cameras: cams })).text).toContain('Back up after being degraded for 10 min.');
  });

  it.each<[Language, string, string]>([
    ['id', 'Pengingat: Gerbang Utama masih mati', 'Sudah mati selama 3 jam.'],
    ['en', 'Reminder: Gerbang Utama is still down', 'Down for 3 h so far.'],
  ])('reminder (%s) counts the time so far from the clock', (language, headline, note) => {
    const r = renderMessage(message({ kind: 'reminder', language }), SINCE + 3 * 3600_000);
    expect(r.title).toBe(`🔔 ${headline}`);
    expect(r.text).toContain(note);
  });

  it.each<[Language, string, string]>([
    ['id', 'Eskalasi: Gerbang Utama belum ditangani', 'Kamera milik Dinas Kominfo ini sudah mati selama 1 hari 2 jam tanpa tanggapan dari pemiliknya.'],
    ['en', 'Escalation: Gerbang Utama not acknowledged', 'This camera of Dinas Kominfo has been down for 1 d 2 h with no response from its owners.'],
  ])('escalation (%s)', (language, headline, note) => {
    const r = renderMessage(message({ kind: 'escalation', language, cameras: [{ ...camera, durationSec: 26 * 3600 }] }));
    expect(r.subject).toBe(`[Pantau] ${headline} (Masjid Raya Al-Falah)`);
    expect(r.text).toContain(note);
  });

  it.each<[Language, string, string]>([
    ['id', 'Kamera tidak stabil: Gerbang Utama', 'notifikasi ditahan sampai stabil'],
    ['en', 'Camera flapping: Gerbang Utama', 'alerts are held until it settles'],
  ])('flapping (%s)', (language, headline, note) => {
    const r = renderMessage(message({ kind: 'flapping', language }));
    expect(r.title).toBe(`🔁 ${headline}`);
    expect(r.text).toContain(note);
  });
});

describe('renderMessage: group, test, digest', () => {
  const site = [
    camera,
    { ...camera, id: 'cam-2', name: 'Parkir Timur', innovation: undefined },
    { ...camera, id: 'cam-3', name: 'Ruang Wudhu', reason: 'port_closed' },
  ];

  it.each<[Language, string, string]>([
    ['id', '3 kamera mati di Masjid Raya Al-Falah', '• Parkir Timur: tidak dapat dihubungi, sejak 29 Nov 2026 13.05 WITA'],
    ['en', '3 cameras down at Masjid Raya Al-Falah', '• Parkir Timur: unreachable, since 29 Nov 2026 13:05 WITA'],
  ])('group (%s) lists the cameras at one site', (language, headline, line) => {
    const r = renderMessage(message({ kind: 'group', language, cameras: site, dashboardUrl: 'https://pantau.example.go.id/cameras?site=1' }));
    expect(r.subject).toBe(`[Pantau] ${headline}`);
    expect(r.text).toContain(line);
    expect(r.text).toContain(`• Gerbang Utama (Masjid Aman): ${reasonText('unreachable', language)}`);
    expect(r.text).toContain(`• Ruang Wudhu (Masjid Aman): ${reasonText('port_closed', language)}`);
    expect(r.body).toBe('Gerbang Utama, Parkir Timur, Ruang Wudhu');
  });

  it('a group with a degraded camera says "bermasalah" / "with problems"', () => {
    const mixed = [camera, { ...camera, id: 'cam-2', status: 'degraded', reason: 'black' }];
    expect(renderMessage(message({ kind: 'group', language: 'id', cameras: mixed })).title).toBe('🟠 2 kamera bermasalah di Masjid Raya Al-Falah');
    expect(renderMessage(message({ kind: 'group', language: 'en', cameras: mixed })).title).toBe('🟠 2 cameras with problems at Masjid Raya Al-Falah');
  });

  it(`a large group lists ${MAX_LISTED_CAMERAS} cameras and counts the rest`, () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ ...camera, id: `c${i}`, name: `Kamera ${i + 1}` }));
    const id = renderMessage(message({ kind: 'group', language: 'id', cameras: many })).text;
    expect(id).toContain('• Kamera 15 (');
    expect(id).not.toContain('Kamera 16 (');
    expect(id).toContain('… dan 5 kamera lain');
    expect(renderMessage(message({ kind: 'group', language: 'en', cameras: many })).text).toContain('… and 5 more cameras');
  });

  it.each<[Language, string, string]>([
    ['id', '🧪 Pesan uji Pantau', 'notifikasi Pantau untuk kontak ini sudah berfungsi'],
    ['en', '🧪 Pantau test message', 'Pantau alerts to this contact work'],
  ])('test (%s) needs no camera', (language, title, note) => {
    const r = renderMessage(message({ kind: 'test', language, cameras: [], ackUrl: undefined }));
    expect(r.title).toBe(title);
    expect(r.text).toContain(note);
  });

  it.each<[Language, string]>([
    ['id', '📊 Ringkasan Pantau'],
    ['en', '📊 Pantau summary'],
  ])('digest (%s) shows its lines', (language, title) => {
    const lines = ['Uptime minggu ini: 98,2%', '3 gangguan, terlama 4 jam'];
    const r = renderMessage(message({ kind: 'digest', language, cameras: [], digest: { lines } }));
    expect(r.title).toBe(title);
    expect(r.text).toContain(lines.join('\n'));
    expect(renderMessage(message({ kind: 'digest', language, cameras: [], digest: { title: 'Mingguan', lines } })).subject).toBe('[Pantau] Mingguan');
  });
});

describe('renderMessage: markup', () => {
  const tricky = { ...camera, name: 'Pos <1> & "A"', site: 'Jl. A&B' };

  it('escapes names for Telegram HTML and uses only <b> and <a>', () => {
    const html = renderMessage(message({ kind: 'down', language: 'id', cameras: [tricky] })).telegramHtml;
    expect(html).toContain('<b>Pos &lt;1&gt; &amp; &quot;A&quot;</b>');
    expect(html).toContain('Lokasi: Jl. A&amp;B');
    expect(html).toContain('<a href="https://pantau.example.go.id/ack?o=7&amp;sig=ab">Tandai ditangani</a>');
    expect(html).not.toContain('<1>');
    const tags = new Set([...html.matchAll(/<\/?([a-z]+)/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(['a', 'b']);
  });

  it('email HTML is escaped and shows the snapshot by Content-ID only when there is one', () => {
    const without = renderMessage(message({ kind: 'down', language: 'en', cameras: [tricky] })).emailHtml;
    expect(without).toContain('Pos &lt;1&gt; &amp; &quot;A&quot;');
    expect(without).not.toContain('<img');
    const withSnap = renderMessage(message({ kind: 'down', language: 'en', snapshot: { jpeg: Buffer.from([0xff, 0xd8]) } })).emailHtml;
    expect(withSnap).toContain(`<img src="cid:${SNAPSHOT_CID}"`);
  });
});
