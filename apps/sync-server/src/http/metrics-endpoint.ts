import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';
import { bearerToken } from './rate-limits';

export type MetricsEndpointOptions = {
  metrics: Metrics;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token: string | undefined;
};

/**
 * `GET /metrics` in Prometheus' text format, on the app's port or on a port of its own (see
 * `metricsPort` in config.ts). With a token, a request without it gets a 401 that says what to
 * send, and the comparison takes the same time whatever the guess.
 */
export function registerMetricsEndpoint(app: FastifyInstance, options: MetricsEndpointOptions) {
  const expected = options.token === undefined ? undefined : digest(options.token);
  app.get('/metrics', async (req, reply) => {
    if (expected) {
      const sent = bearerToken(req.headers.authorization);
      if (sent === undefined || !timingSafeEqual(digest(sent), expected)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({
            error: {
              message:
                'This server protects /metrics: send "Authorization: Bearer <METRICS_TOKEN>" (the bearer_token of your Prometheus scrape job).',
              data: { httpStatus: 401, reason: 'unauthenticated' },
            },
          });
      }
    }
    return reply
      .header('content-type', options.metrics.registry.contentType)
      .header('cache-control', 'no-store')
      .send(await options.metrics.registry.metrics());
  });
}

/** Fixed-length digests, so that timingSafeEqual never throws on a guess of another length. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
