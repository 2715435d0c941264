/** Liveness/readiness (`/healthz`), Prometheus metrics (`/metrics`) and the OpenAPI document. */
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Api } from '../api.js';

export interface HealthCheck {
  name: string;
  /** Resolves true when the dependency answers; false or a throw means it does not. */
  check: () => boolean | Promise<boolean>;
}

export function healthRoutes(router: Router, api: Api, deps: { checks: HealthCheck[]; metrics: Registry; version: string }) {
  router.get('/healthz', async (_req, res) => {
    const results: Record<string, 'ok' | 'failing'> = {};
    await Promise.all(
      deps.checks.map(async ({ name, check }) => {
        const ok = await Promise.race([
          Promise.resolve().then(check).catch(() => false),
          new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref()),
        ]);
        results[name] = ok ? 'ok' : 'failing';
      }),
    );
    const healthy = Object.values(results).every((r) => r === 'ok');
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'failing', version: deps.version, checks: results });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  });

  let document: unknown;
  router.get('/api/openapi.json', (_req, res) => {
    document ??= api.openApiDocument({ version: deps.version });
    res.json(document);
  });
}
