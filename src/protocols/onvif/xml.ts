/**
 * Reading single values out of raw SOAP text. The `onvif` package's parsed
 * objects coerce text that looks like a number or a date ("1.00" becomes 1, a
 * long numeric serial loses digits), so identity fields are read from the XML.
 */

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return safeCodePoint(parseInt(ref.slice(2), 16), whole);
    if (ref.startsWith('#')) return safeCodePoint(parseInt(ref.slice(1), 10), whole);
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

function safeCodePoint(n: number, fallback: string): string {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : fallback;
}

/**
 * Text of the first element with this local name (any prefix), trimmed and
 * decoded; CDATA is unwrapped. Undefined when absent or not a leaf.
 */
export function leafText(xml: string, localName: string): string | undefined {
  const re = new RegExp(`<(?:[\\w.-]+:)?${localName}(?:\\s[^>]*)?>([^<]*|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>)</(?:[\\w.-]+:)?${localName}\\s*>`);
  const m = re.exec(xml);
  if (!m) return undefined;
  const raw = m[1] ?? '';
  const cdata = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(raw);
  return cdata ? (cdata[1] ?? '') : decodeEntities(raw).trim();
}

/** Every element block with this local name, e.g. each ProbeMatch in a reply. */
export function blocks(xml: string, localName: string): string[] {
  const re = new RegExp(`<(?:[\\w.-]+:)?${localName}\\b[^>]*>[\\s\\S]*?</(?:[\\w.-]+:)?${localName}\\s*>`, 'g');
  return xml.match(re) ?? [];
}

/** True when the text is (the start of) a SOAP envelope rather than HTML or anything else. */
export function looksLikeSoap(text: string | undefined): boolean {
  return text !== undefined && /<(?:[\w.-]+:)?Envelope\b/.test(text);
}
