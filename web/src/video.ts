/**
 * Live video on a camera page: fragmented MP4 from the socket into a <video> through Media
 * Source Extensions. It stays live: after every append, a player more than 1.5 s behind the
 * newest data jumps to the live edge, and one caught in a gap (the server skipped fragments on a
 * slow link) jumps over it. It shows the data used so far and says when it skipped ahead. A
 * codec the phone cannot play, or a camera that cannot be pulled, hands over to JPEG frames
 * (`onFallback`), as does a camera with a privacy mask (its live view is masked pictures); the
 * server ends the view after its time limit unless renewed.
 */
import type { LiveEndEvent, LiveFragmentMeta, LiveInitMeta, LiveStream } from '../../src/realtime/contract';
import { button, h } from './dom';
import { fill, t } from './i18n';
import { live } from './live';

/** Behind the newest data by more than this, the player jumps to the live edge. */
const MAX_BEHIND_S = 1.5;
/** Where a jump lands: this far before the newest data, so the decoder has a frame to show. */
const EDGE_S = 0.3;
/** Media older than this behind the playhead is removed: a phone's memory is small. */
const KEEP_S = 10;

export interface VideoView {
  node: HTMLElement;
  start(): Promise<void>;
  stop(): void;
}

export interface VideoOptions {
  cameraId: string;
  /** The camera cannot be played as video here: show frames at `fps` instead, with why. */
  onFallback(fps: number, why: string): void;
  /** The video ended (expired, denied, stopped): the page shows frames again. */
  onEnded(): void;
}

export function videoView(options: VideoOptions): VideoView {
  const video = h('video', { muted: true, autoplay: true, playsInline: true, className: 'live-video' });
  video.setAttribute('aria-label', t('videoPlaying'));
  const state = h('span', { class: 'video-state' }, t('videoConnecting'));
  const data = h('span', { class: 'video-data' });
  const note = h('p', { class: 'video-note', hidden: true, role: 'status' });
  const endsIn = h('span', { class: 'video-ends' });
  const renew = button(t('videoRenew'), () => {
    live.videoRenew();
    expiresAt = Date.now() + maxMs;
    showEndsIn();
  }, 'secondary');
  const streamName = h('span', { class: 'video-stream' });
  // The stream asked for; the one playing is what the server's init says. The button offers the
  // other one, and only once the camera is known to have a sub-stream (asked "sub", got "sub").
  let stream: LiveStream = 'sub';
  let hasSub = false;
  const streamToggle = button(t('videoMain'), () => {
    stream = stream === 'sub' ? 'main' : 'sub';
    void view.start();
  }, 'secondary');
  streamToggle.hidden = true;
  const showStream = (playing: LiveStream) => {
    if (playing === 'sub') hasSub = true;
    // Asked for the light stream and got the main one: the camera has no sub-stream.
    else if (stream === 'sub') hasSub = false;
    streamName.textContent = ` · ${playing === 'sub' ? t('videoSubStream') : t('videoMainStream')}`;
    streamToggle.textContent = playing === 'main' ? t('videoSub') : t('videoMain');
    streamToggle.hidden = !hasSub;
  };
  const node = h(
    'div',
    { class: 'video-box' },
    h('figure', { class: 'pic video-pic' }, video, h('figcaption', {}, state, data, streamName)),
    note,
    h('div', { class: 'row' }, streamToggle, renew, endsIn),
  );

  let media: MediaSource | undefined;
  let buffer: SourceBuffer | undefined;
  const queue: { data: ArrayBuffer; ack?: () => void }[] = [];
  let bytes = 0;
  let maxMs = 0;
  let expiresAt = 0;
  let noteTimer: number | undefined;
  let ticker: number | undefined;

  const showData = () => {
    data.textContent = fill('videoData', { mb: (bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 2 : 1) });
  };
  const showEndsIn = () => {
    endsIn.textContent = fill('videoEndsIn', { min: Math.max(1, Math.ceil((expiresAt - Date.now()) / 60_000)) });
  };
  const say = (text: string, sticky = false) => {
    note.textContent = text;
    note.hidden = false;
    window.clearTimeout(noteTimer);
    if (!sticky) noteTimer = window.setTimeout(() => (note.hidden = true), 6000);
  };

  /** Keeps the player at the live edge and the buffer small. */
  const keepLive = () => {
    const b = video.buffered;
    if (!b.length) return;
    const last = b.length - 1;
    const end = b.end(last);
    const inLast = video.currentTime >= b.start(last);
    if (!inLast || end - video.currentTime > MAX_BEHIND_S) video.currentTime = Math.max(b.start(last), end - EDGE_S);
    if (buffer && !buffer.updating && video.currentTime - b.start(0) > KEEP_S * 2) buffer.remove(0, video.currentTime - KEEP_S);
  };

  const pump = () => {
    if (!buffer || buffer.updating) return;
    const next = queue.shift();
    if (!next) return;
    try {
      buffer.appendBuffer(next.data);
    } catch {
      // A full buffer (QuotaExceeded) or a closed source: drop this piece, the next key frame recovers.
    }
    next.ack?.();
  };

  const openMedia = (type: string, init: ArrayBuffer) => {
    media = new MediaSource();
    queue.length = 0;
    queue.push({ data: init });
    const ms = media;
    ms.addEventListener('sourceopen', () => {
      if (media !== ms) return;
      buffer = ms.addSourceBuffer(type);
      buffer.mode = 'segments';
      buffer.addEventListener('updateend', () => {
        keepLive();
        pump();
      });
      pump();
    }, { once: true });
    const old = video.src;
    video.src = URL.createObjectURL(ms);
    if (old) URL.revokeObjectURL(old);
    void video.play().catch(() => undefined);
  };

  const handler = {
    init(meta: LiveInitMeta, init: ArrayBuffer) {
      bytes += meta.bytes;
      showData();
      showStream(meta.stream);
      if (!('MediaSource' in window) || !MediaSource.isTypeSupported(meta.mime)) {
        const codec = /codecs="([^"]+)"/.exec(meta.mime)?.[1] ?? meta.mime;
        view.stop();
        options.onFallback(fallbackFps, fill('videoFallbackCodec', { codec, fps: fallbackFps }));
        return;
      }
      // A new init (first, or the server reconnected to the camera): a fresh MediaSource.
      buffer = undefined;
      openMedia(meta.mime, init);
    },
    fragment(meta: LiveFragmentMeta, fragment: ArrayBuffer, ack: () => void) {
      bytes += meta.bytes;
      showData();
      if (meta.skipped > 0) say(fill('videoSkipped', { n: meta.skipped }));
      queue.push({ data: fragment, ack });
      pump();
    },
    end(event: LiveEndEvent) {
      view.stop();
      if (event.reason === 'unplayable') options.onFallback(fallbackFps, fill('videoFallbackCodec', { codec: 'H.265 / MJPEG', fps: fallbackFps }));
      else if (event.reason === 'unavailable' || event.reason === 'no_ffmpeg') options.onFallback(fallbackFps, fill('videoFallbackUnavailable', { fps: fallbackFps }));
      else if (event.reason === 'masked') options.onFallback(fallbackFps, fill('videoFallbackMasked', { fps: fallbackFps }));
      else {
        options.onEnded();
        if (event.reason === 'expired') showExpired();
        else say(event.reason === 'denied' ? t('videoDenied') : t('videoStopped'), true);
      }
    },
  };
  let fallbackFps = 2;

  const showExpired = () => {
    note.replaceChildren(fill('videoExpired', { min: Math.round(maxMs / 60_000) }), ' ', button(t('videoContinue'), () => void view.start()));
    note.hidden = false;
  };

  video.addEventListener('playing', () => {
    state.textContent = t('videoPlaying');
    node.classList.add('playing');
  });
  // For the dashboard's own checks and the tests: when the first picture was on screen.
  const markFirstFrame = () => {
    const v = video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number };
    if (v.requestVideoFrameCallback) v.requestVideoFrameCallback(() => (video.dataset.firstFrameAt = String(Date.now())));
  };

  const view: VideoView = {
    node,
    async start() {
      view.stop();
      note.hidden = true;
      state.textContent = t('videoConnecting');
      node.hidden = false;
      delete video.dataset.firstFrameAt;
      markFirstFrame();
      const answer = await live.videoStart({ cameraId: options.cameraId, stream }, handler);
      if (!answer) {
        options.onFallback(fallbackFps, fill('videoFallbackUnavailable', { fps: fallbackFps }));
        return;
      }
      fallbackFps = answer.fallbackFps;
      // A camera with a privacy mask is never video: its live view is masked pictures.
      if (answer.error === 'masked') {
        live.videoStop();
        options.onFallback(fallbackFps, fill('videoFallbackMasked', { fps: fallbackFps }));
        return;
      }
      if (!answer.ok) {
        live.videoStop();
        options.onEnded();
        say(t('videoDenied'), true);
        return;
      }
      maxMs = answer.maxMs;
      expiresAt = Date.now() + maxMs;
      showEndsIn();
      window.clearInterval(ticker);
      ticker = window.setInterval(showEndsIn, 15_000);
    },
    stop() {
      live.videoStop();
      window.clearInterval(ticker);
      node.classList.remove('playing');
      queue.length = 0;
      buffer = undefined;
      if (media?.readyState === 'open') {
        try {
          media.endOfStream();
        } catch {
          // already ended
        }
      }
      media = undefined;
      video.removeAttribute('src');
      video.load();
    },
  };
  return view;
}
