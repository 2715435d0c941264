/** Liveness/readiness (`/healthz`), Prometheus metrics (`/metrics`) and the OpenAPI document. */
import { statfs } from 'node:fs/promises';
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Api } from '../api.js';

export interface HealthCheck {
  name: string;
  /** Resolves true when the dependency answers; false or a throw means it does not. A detail, when given, is shown. */
  check: () => boolean | HealthResult | Promise<boolean | HealthResult>;
}

export interface HealthResult {
  ok: boolean;
  /** For people: what was found, e.g. how much space is left. */
  detail: string;
}

/**
 * Fails while the file system of the data directory has less than `minFreeMb` free: flips,
 * alerts and edits are about to fail (or already fail) to be stored, which nothing else in
 * the health answer shows — reads still work on a full disk.
 */
export function diskSpaceCheck(dir: string, minFreeMb: number): HealthCheck {
  return {
    name: 'disk',
    check: async () => {
      const fs = await statfs(dir);
      const freeMb = Math.floor((fs.bavail * fs.bsize) / 1_048_576);
      const detail = `${freeMb} MB free on the data disk; at least ${minFreeMb} MB wanted`;
      return { ok: freeMb >= minFreeMb, detail: freeMb >= minFreeMb ? detail : `low disk space: ${detail}` };
    },
  };
}

export function healthRoutes(router: Router, api: Api, deps: { checks: HealthCheck[]; metrics: Registry; version: string }) {
  router.get('/healthz', async (_req, res) => {
    const results: Record<string, 'ok' | 'failing'> = {};
    const details: Record<string, string> = {};
    await Promise.all(
      deps.checks.map(async ({ name, check }) => {
        const outcome = await Promise.race([
          Promise.resolve().then(check).catch(() => false),
          new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref()),
        ]);
        const ok = typeof outcome === 'boolean' ? outcome : outcome.ok;
        if (typeof outcome !== 'boolean') details[name] = outcome.detail;
        results[name] = ok ? 'ok' : 'failing';
      }),
    );
    const healthy = Object.values(results).every((r) => r === 'ok');
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'failing', version: deps.version, checks: results, details });
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
