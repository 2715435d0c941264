/** The Prometheus registry of one Pantau process, with HTTP request metrics. */
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How often the event loop's delay is sampled for `pantau_nodejs_eventloop_lag_*`. */
export const EVENT_LOOP_SAMPLE_MS = 100;

export function createMetrics(): { registry: Registry; httpMetrics: RequestHandler } {
  const registry = new Registry();
  // The event-loop delay is sampled every 100 ms, not prom-client's 10: each sample is a timer
  // wake-up, about 80 µs of CPU on a small VM, so 100 a second kept an idle Pantau at 0.8 % of a
  // core. A stall still shows in full whenever a sample falls inside it.
  collectDefaultMetrics({ register: registry, prefix: 'pantau_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const requests = new Counter({
    name: 'pantau_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'pantau_http_request_duration_seconds',
    help: 'Time to answer HTTP requests',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const httpMetrics: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      // The route pattern, not the URL, keeps label cardinality bounded.
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };
  return { registry, httpMetrics };
}

/** Probe scheduling and camera status metrics. */
export function monitoringMetrics(registry: Registry, counts: () => Record<string, number>) {
  const lag = new Histogram({
    name: 'pantau_probe_lag_seconds',
    help: 'Time from a check being due to it starting, by kind',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const missed = new Counter({
    name: 'pantau_probe_missed_total',
    help: 'Checks skipped because the previous check of that camera was still running',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'pantau_cameras',
    help: 'Cameras by current status',
    labelNames: ['status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [status, n] of Object.entries(counts())) this.set({ status }, n);
    },
  });
  return {
    lag: (kind: string, ms: number) => lag.observe({ kind }, ms / 1000),
    missed: (kind: string) => missed.inc({ kind }),
  };
}
