/**
 * A camera's lighter sub-stream, derived from its main stream URL by the vendors' well-known
 * patterns: Hikvision (and its OEMs) `/Streaming/Channels/101` → `102` and
 * `/h264/ch1/main/av_stream` → `/sub/`; Dahua (and its OEMs) `subtype=0` → `subtype=1`.
 * Undefined when the URL follows none of them: the main stream is then the only one known.
 */
export function subStreamOf(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const hik = /^(.*\/Streaming\/Channels\/\d*?)(\d)01\/?$/i.exec(u.pathname);
  if (hik) {
    u.pathname = `${hik[1]}${hik[2]}02`;
    return u.toString();
  }
  if (/\/h26[45]\/ch\d+\/main\//i.test(u.pathname)) {
    u.pathname = u.pathname.replace(/\/main\//i, '/sub/');
    return u.toString();
  }
  if (u.searchParams.get('subtype') === '0') {
    // Set by hand: URLSearchParams would re-encode the other parameters (Dahua's `&` in passwords).
    return url.replace(/([?&]subtype=)0(?=&|$)/, '$11');
  }
  return undefined;
}
