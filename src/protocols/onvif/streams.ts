/**
 * A camera's main and sub-stream from its ONVIF video profiles: the main stream is the largest
 * picture, the sub-stream the smallest one still fit for a phone (at least `minSubWidth` wide)
 * that is not the main one. Profiles without an RTSP URI or a size are left out. URIs come back
 * without credentials (userinfo removed), whatever the device put in them.
 */
import type { OnvifProfile } from './inspect.js';

export interface StreamProfile {
  url: string;
  width: number;
  height: number;
}

export interface ProfileStreams {
  main: StreamProfile;
  sub: StreamProfile | undefined;
}

/** Below this width a picture is a thumbnail, not a live view. */
export const MIN_SUB_WIDTH = 320;

function bare(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    if (u.protocol !== 'rtsp:' && u.protocol !== 'rtsps:') return undefined;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return undefined;
  }
}

export function pickStreams(profiles: readonly OnvifProfile[], minSubWidth = MIN_SUB_WIDTH): ProfileStreams | undefined {
  const usable: StreamProfile[] = [];
  for (const p of profiles) {
    const url = p.rtspUrl ? bare(p.rtspUrl) : undefined;
    if (url && p.width && p.height && !usable.some((s) => s.url === url)) usable.push({ url, width: p.width, height: p.height });
  }
  const bySize = usable.sort((a, b) => b.width * b.height - a.width * a.height);
  const main = bySize[0];
  if (!main) return undefined;
  const sub = bySize.slice(1).filter((s) => s.width >= minSubWidth && s.width * s.height < main.width * main.height).at(-1);
  return { main, sub };
}
