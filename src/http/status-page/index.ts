/**
 * The public status page's routes, without sign-in: /status and /status/<agency> (HTML),
 * /status.json and /status.csv (open data, ?agency=<slug>), /status/badge/<agency>.svg (or
 * badge.svg for all) and /status/widget/<agency> (an iframe: the only page other sites may
 * frame). Off (statusPage.enabled false): every one answers 404.
 *
 * Built for a crowd: the data is built at most once per refreshSec, each answer rendered once
 * from it and gzipped once; a request then costs a header check and a write from memory
 * (ETag, Cache-Control, 304 for a matching If-None-Match). Nothing here holds the event loop for
 * long: the data is built in slices (services/status-page.ts) while the previous data is still
 * served, and gzip runs off the loop.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import express, { type Request, type Response, type Router } from 'express';
import { statusCsv, type PublicStatus, type StatusPageData } from '../../services/status-page.js';
import { STATUS_ASSETS, STATUS_CSS, STATUS_JS } from './assets.js';
import { renderBadge, renderPage, renderWidget } from './render.js';
import { langOf } from './words.js';

export interface StatusPageSettings {
  enabled: boolean;
  refreshSec: number;
}

interface Cached {
  type: string;
  raw: Buffer;
  gz: Buffer;
  etag: string;
}

const gzipAsync = promisify(gzip);

function cached(type: string, body: string): Cached {
  const raw = Buffer.from(body, 'utf8');
  return { type, raw, gz: gzipSync(raw, { level: 9 }), etag: etagOf(raw) };
}

/** As `cached`, with gzip on the thread pool: a status answer of a large fleet is megabytes. */
async function cachedOffLoop(type: string, body: string): Promise<Cached> {
  const raw = Buffer.from(body, 'utf8');
  return { type, raw, gz: await gzipAsync(raw, { level: 9 }), etag: etagOf(raw) };
}

const etagOf = (raw: Buffer) => `"${createHash('sha1').update(raw).digest('base64url')}"`;

interface Built {
  at: number;
  status: PublicStatus;
  /** Answers made from this build, by kind, agency and language; made once each. */
  answers: Map<string, Promise<Cached>>;
}

/**
 * The public data and every answer made from it, rebuilt at most once per `refreshMs`. The first
 * request waits for the first build; after that, a request that finds the data old starts a
 * rebuild and is answered from the data it has, as are all others until the rebuild is done.
 */
export class StatusPageCache {
  private data: Built | undefined;
  private building: Promise<Built> | undefined;
  builds = 0;

  constructor(
    private readonly source: Pick<StatusPageData, 'build'>,
    private readonly refreshMs: number,
    private readonly now: () => number = Date.now,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  async status(): Promise<PublicStatus> {
    return (await this.current()).status;
  }

  /** Seconds until the data is rebuilt: how long a client may keep an answer. */
  maxAge(): number {
    return this.data ? Math.max(1, Math.ceil((this.data.at + this.refreshMs - this.now()) / 1000)) : 1;
  }

  async answer(key: string, make: (status: PublicStatus) => { type: string; body: string }): Promise<Cached> {
    const built = await this.current();
    let a = built.answers.get(key);
    if (!a) {
      const made = make(built.status);
      built.answers.set(key, (a = cachedOffLoop(made.type, made.body)));
    }
    return a;
  }

  private async current(): Promise<Built> {
    if (!this.data) return this.rebuild();
    if (this.now() - this.data.at >= this.refreshMs) {
      // Served from the old data meanwhile; a failed build is retried by a later request.
      this.rebuild().catch(this.onError);
    }
    return this.data;
  }

  private rebuild(): Promise<Built> {
    this.building ??= (async () => {
      try {
        const at = this.now();
        const status = await this.source.build();
        this.builds += 1;
        return (this.data = { at, status, answers: new Map() });
      } finally {
        this.building = undefined;
      }
    })();
    return this.building;
  }
}

const STATIC = new Map<string, Cached>([
  [STATUS_ASSETS.css, cached('text/css; charset=utf-8', STATUS_CSS)],
  [STATUS_ASSETS.js, cached('text/javascript; charset=utf-8', STATUS_JS)],
]);

function send(req: Request, res: Response, a: Cached, cacheControl: string): void {
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('ETag', a.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  const match = req.headers['if-none-match'];
  if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === a.etag)) {
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Type', a.type);
  // Gzipped once when built; the compression middleware leaves an encoded answer alone.
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? a.gz : a.raw;
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Headers for answers other sites embed: the badge (an image) and the widget (a frame). The
 * widget's policy differs from the app's only in who may frame it; the rest of Pantau stays
 * unframeable (frame-ancestors 'none', X-Frame-Options DENY).
 */
function embeddable(res: Response, framed: boolean): void {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  if (!framed) return;
  res.removeHeader('X-Frame-Options');
  const csp = String(res.getHeader('Content-Security-Policy') ?? '');
  res.setHeader('Content-Security-Policy', csp.replace(/frame-ancestors [^;]*/, 'frame-ancestors *'));
}

export function statusPageRoutes(settings: StatusPageSettings, cache: StatusPageCache | undefined): Router {
  const router = express.Router();
  const paths = ['/status', '/status.json', '/status.csv', /^\/status\/.*/];
  if (!settings.enabled || !cache) {
    router.all(paths, (_req, res) => {
      res.status(404).type('text/plain').send('Not found');
    });
    return router;
  }
  const page = () => `public, max-age=${cache.maxAge()}`;
  const notFound = (res: Response) => res.status(404).type('text/plain').send('Not found');
  const agencyOf = async (slug: string | undefined) => (slug === undefined ? undefined : (await cache.status()).agencies.find((a) => a.slug === slug));

  router.get('/status/assets/:file', (req, res) => {
    const a = STATIC.get(req.path);
    if (!a) return notFound(res);
    send(req, res, a, 'public, max-age=31536000, immutable');
  });

  router.get('/status.json', async (req, res) => {
    const slug = typeof req.query.agency === 'string' ? req.query.agency : undefined;
    const agency = await agencyOf(slug);
    if (slug !== undefined && !agency) return notFound(res);
    const a = await cache.answer(`json:${slug ?? ''}`, (s) => ({ type: 'application/json; charset=utf-8', body: JSON.stringify(agency ? only(s, agency.agency) : s) }));
    res.setHeader('Access-Control-Allow-Origin', '*');
    embeddable(res, false);
    send(req, res, a, page());
  });

  router.get('/status.csv', async (req, res) => {
    const slug = typeof req.query.agency === 'string' ? req.query.agency : undefined;
    const agency = await agencyOf(slug);
    if (slug !== undefined && !agency) return notFound(res);
    const a = await cache.answer(`csv:${slug ?? ''}`, (s) => ({ type: 'text/csv; charset=utf-8', body: statusCsv(agency ? only(s, agency.agency) : s) }));
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Content-Disposition', `inline; filename="pantau-status${slug ? `-${slug}` : ''}.csv"`);
    send(req, res, a, page());
  });

  router.get('/status/badge/:file', async (req, res) => {
    const m = /^(.+)\.svg$/.exec(req.params.file);
    const slug = m?.[1];
    const agency = slug === 'all' ? undefined : await agencyOf(slug);
    if (!m || (slug !== 'all' && !agency)) return notFound(res);
    const lang = langOf(req.query.lang);
    const a = await cache.answer(`badge:${slug}:${lang}`, (s) => ({ type: 'image/svg+xml; charset=utf-8', body: renderBadge(s, lang, agency) }));
    embeddable(res, false);
    send(req, res, a, page());
  });

  /** An HTML answer for all agencies or one (`:agency`), in the language asked for. */
  const html = (kind: string, render: typeof renderPage, framed: boolean) => async (req: Request, res: Response) => {
    const slug = (req.params as { agency?: string }).agency;
    const agency = await agencyOf(slug);
    if (slug !== undefined && !agency) return notFound(res);
    const lang = langOf(req.query.lang);
    const a = await cache.answer(`${kind}:${slug ?? ''}:${lang}`, (s) => ({ type: 'text/html; charset=utf-8', body: render(s, lang, STATUS_ASSETS, agency) }));
    if (framed) embeddable(res, true);
    send(req, res, a, page());
  };
  router.get(['/status/widget', '/status/widget/:agency'], html('widget', renderWidget, true));
  router.get(['/status', '/status/:agency'], html('page', renderPage, false));

  router.all(paths, (_req, res) => notFound(res));
  return router;
}

/** The status with one agency's cameras only. */
function only(status: PublicStatus, agency: string): PublicStatus {
  return { ...status, agencies: status.agencies.filter((a) => a.agency === agency), cameras: status.cameras.filter((c) => c.agency === agency) };
}
