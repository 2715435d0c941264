/**
 * Builds the express app: parsers, authentication, the API routes, health, metrics and the
 * dashboard's static files. It never listens: main.ts and tests decide where it runs.
 */
import express, { type Express } from 'express';
import cookieParser from 'cookie-parser';
import compression from 'compression';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Registry } from 'prom-client';
import { Api } from './api.js';
import { authenticate } from './authenticate.js';
import { errorHandler } from './errors.js';
import { securityHeaders } from './security-headers.js';
import { renderShell } from './shell.js';
import { cameraLink } from '../notifiers/links.js';
import { authRoutes } from './routes/auth.js';
import { userRoutes } from './routes/users.js';
import { viewingRoutes, type ViewingRouteDeps } from './routes/viewing.js';
import { cameraRoutes, csvBody } from './routes/cameras.js';
import { healthRoutes, type HealthCheck } from './routes/health.js';
import { onvifRoutes } from './routes/onvif.js';
import { statusRoutes } from './routes/status.js';
import { pictureRoutes } from './routes/pictures.js';
import { privacyMaskRoutes } from './routes/privacy-masks.js';
import type { GoodPictures } from '../services/good-pictures.js';
import type { PrivacyMasks } from '../services/privacy-masks.js';
import { alertRoutes } from './routes/alerts.js';
import { statusPageRoutes, type StatusPageCache, type StatusPageSettings } from './status-page/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { AuthService } from '../services/auth.js';
import type { CameraRegistry } from '../services/registry.js';
import type { Onboarding } from '../services/onboarding.js';
import type { Reports } from '../services/reports.js';
import type { Contacts } from '../services/contacts.js';
import type { AlertFeed } from '../services/alert-feed.js';
import type { OutageRecords } from '../services/outage-records.js';
import type { InnovationReports } from '../services/innovation-report.js';
import { outageRecordRoutes } from './routes/outage-records.js';

export interface AppDeps {
  store: Store;
  auth: AuthService;
  registry: CameraRegistry;
  onboarding: Onboarding;
  reports: Reports;
  /** The last picture each camera's image check judged good. */
  goodPictures: GoodPictures;
  /** Privacy masks: their routes (admins). */
  masks: PrivacyMasks;
  innovations: InnovationReports;
  contacts: Contacts;
  feed: AlertFeed;
  records: OutageRecords;
  log: Logger;
  metrics: { registry: Registry; httpMetrics: express.RequestHandler };
  healthChecks: HealthCheck[];
  /** Pictures for REST and the record of who watched. */
  viewing: ViewingRouteDeps;
  version: string;
  cookieSecure: 'auto' | 'always' | 'never';
  trustProxy: number;
  /** Map tiles: named in the dashboard's shell and allowed by the Content-Security-Policy. */
  map: { tileUrl: string; attribution: string };
  /** Built dashboard (web/dist); served when present. */
  webRoot?: string;
  /** The public status page: off unless enabled; its cache is made only then. */
  statusPage?: { settings: StatusPageSettings; cache?: StatusPageCache };
}

export function createApp(deps: AppDeps): { app: Express; api: Api } {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.use(deps.metrics.httpMetrics);
  app.use(securityHeaders(deps.map));
  // Before sessions and compression: anonymous and pre-gzipped, it needs neither (and answers
  // 404 when off, rather than the dashboard's shell).
  app.use(statusPageRoutes(deps.statusPage?.settings ?? { enabled: false, refreshSec: 60 }, deps.statusPage?.cache));
  // Phones on slow mobile data: gzip every text answer (JPEG frames travel over socket.io, uncompressed).
  app.use(compression());
  app.use(cookieParser());
  app.use('/api', express.json({ limit: '256kb' }), csvBody);
  app.use(authenticate(deps.auth));

  const router = express.Router();
  const api = new Api(router);
  authRoutes(api, { auth: deps.auth, store: deps.store, cookieSecure: deps.cookieSecure });
  userRoutes(api, { store: deps.store, auth: deps.auth });
  cameraRoutes(api, { registry: deps.registry, store: deps.store, reports: deps.reports });
  statusRoutes(api, { registry: deps.registry, reports: deps.reports, innovations: deps.innovations });
  pictureRoutes(api, { registry: deps.registry, goodPictures: deps.goodPictures, viewings: deps.viewing.viewings });
  privacyMaskRoutes(api, { registry: deps.registry, masks: deps.masks });
  alertRoutes(api, router, { contacts: deps.contacts, feed: deps.feed });
  outageRecordRoutes(api, { records: deps.records });
  onvifRoutes(api, { onboarding: deps.onboarding });
  viewingRoutes(api, deps.viewing);
  healthRoutes(router, api, { checks: deps.healthChecks, metrics: deps.metrics.registry, version: deps.version });
  app.use(router);

  app.use('/api', (req, res) => {
    res.status(404).json({ error: 'not_found', message: `No API route ${req.method} ${req.originalUrl}` });
  });
  // Messages sent before links named the dashboard's hash routes pointed here.
  app.get('/cameras/:id', (req, res) => res.redirect(302, cameraLink('', req.params.id)));
  if (deps.webRoot && existsSync(path.join(deps.webRoot, 'index.html'))) {
    const root = deps.webRoot;
    const shell = renderShell(path.join(root, 'index.html'), deps.map, deps.log);
    const sendShell = (_req: express.Request, res: express.Response) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.type('html').send(shell);
    };
    // By its file name too, or the static files would answer with the shell lacking the map settings.
    app.get('/index.html', sendShell);
    // Hashed assets never change: cache them for good. The shell must be fetched fresh after a
    // deploy, or phones would load an old index.html whose assets are gone.
    app.use(
      express.static(root, {
        index: false,
        setHeaders(res, file) {
          res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      }),
    );
    // The dashboard routes on the client: unknown paths get its shell.
    app.get(/^\/(?!api\/).*/, sendShell);
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('Pantau is running. The dashboard is not built: run `npm run build`. API: /api/openapi.json');
    });
  }
  app.use(errorHandler(deps.log));
  return { app, api };
}
