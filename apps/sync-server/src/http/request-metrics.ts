import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from './metrics';
import { safeDecode } from './safe-decode';

/**
 * Labels requests by route; tRPC calls by procedure, checked against the router's procedures so
 * that a client cannot mint label values.
 */
export function registerRequestMetrics(
  app: FastifyInstance,
  options: { metrics: Metrics; procedures: ReadonlySet<string> },
) {
  const started = new WeakMap<FastifyRequest, bigint>();
  app.addHook('onRequest', async (req) => {
    started.set(req, process.hrtime.bigint());
  });
  app.addHook('onResponse', async (req, reply) => {
    const start = started.get(req);
    if (start === undefined) return;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    options.metrics.requestDuration.observe(
      { route: routeLabel(req, options.procedures), method: req.method, status: reply.statusCode },
      seconds,
    );
  });
}

function routeLabel(req: FastifyRequest, procedures: ReadonlySet<string>): string {
  const path = req.url.split('?')[0] ?? '';
  if (path.startsWith('/trpc/')) {
    const names = safeDecode(path.slice('/trpc/'.length)).split(',');
    if (names.length > 1) return 'trpc:batch';
    return procedures.has(names[0] ?? '') ? `trpc:${names[0]}` : 'trpc:unknown';
  }
  return req.routeOptions.url ?? 'unmatched';
}
