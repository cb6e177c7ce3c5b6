import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of one server instance, in their own registry so that two instances in
 * one process (the tests) do not share counters.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requestDuration: new Histogram({
      name: 'codeface_sync_http_request_duration_seconds',
      help: 'HTTP request duration by route (tRPC procedure for /trpc), method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    pushes: new Counter({
      name: 'codeface_sync_pushes_total',
      help: 'Successful push calls.',
      registers: [registry],
    }),
    pushedChanges: new Counter({
      name: 'codeface_sync_pushed_changes_total',
      help: 'Changes received in pushes, by whether they were new or duplicates.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    pushedBytes: new Counter({
      name: 'codeface_sync_pushed_bytes_total',
      help: 'Ciphertext bytes received in pushes (new and duplicate changes).',
      registers: [registry],
    }),
    pushBatchSize: new Histogram({
      name: 'codeface_sync_push_batch_changes',
      help: 'Changes per push.',
      buckets: [1, 5, 10, 50, 100, 250, 500, 1000],
      registers: [registry],
    }),
    pulls: new Counter({
      name: 'codeface_sync_pulls_total',
      help: 'Successful pull calls.',
      registers: [registry],
    }),
    pulledChanges: new Counter({
      name: 'codeface_sync_pulled_changes_total',
      help: 'Changes returned by pulls.',
      registers: [registry],
    }),
    pulledBytes: new Counter({
      name: 'codeface_sync_pulled_bytes_total',
      help: 'Ciphertext bytes returned by pulls.',
      registers: [registry],
    }),
    websocketConnections: new Gauge({
      name: 'codeface_sync_websocket_connections',
      help: 'Open WebSocket connections.',
      registers: [registry],
    }),
    subscriptions: new Gauge({
      name: 'codeface_sync_subscriptions',
      help: 'Active sync.subscribe subscriptions.',
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'codeface_sync_auth_failures_total',
      help: 'Refused authentications, by reason.',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'codeface_sync_rate_limited_total',
      help: 'Requests refused with 429, by limit.',
      labelNames: ['limit'] as const,
      registers: [registry],
    }),
    busPublishFailures: new Counter({
      name: 'codeface_sync_bus_publish_failures_total',
      help: 'High-water marks that could not be published on the bus (Redis down).',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
