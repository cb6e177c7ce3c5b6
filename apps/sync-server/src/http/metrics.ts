import type { Redis } from 'ioredis';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from '../bus/event-bus';
import type { SqlDatabase } from '../storage/sql-database';
import { checkWithin } from './check-within';

/** What the scrape-time metrics read: the database, the bus and the rate-limit connection. */
export type MetricSources = {
  db: SqlDatabase;
  bus: EventBus;
  rateLimitRedis: Redis | undefined;
  now: () => number;
};

/** The database size is a catalogue query: read it at most this often, not on every scrape. */
const DATABASE_SIZE_MAX_AGE_MS = 60_000;
const DEPENDENCY_CHECK_TIMEOUT_MS = 1000;

/**
 * The Prometheus metrics of one server instance, in their own registry so that two instances in
 * one process (the tests) do not share counters. Every name here is part of the operators'
 * contract: the alert rules and the dashboard in infra/monitoring use them, and a test checks
 * that each name they use is exported (docs/operators/monitoring.md lists them).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Set by watch() once the server has its database and bus; the bus reports into the
  // histograms above from its creation, so the metrics exist before what they read.
  let sources: MetricSources | undefined;
  const poolGauge = (name: string, help: string, read: (db: SqlDatabase) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        if (sources) this.set(read(sources.db));
      },
    });
  let databaseSize: { bytes: number; at: number } | undefined;
  return {
    registry,
    /** Starts reading the scrape-time metrics from these. */
    watch(watched: MetricSources) {
      sources = watched;
    },
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
    pullPageSize: new Histogram({
      name: 'codeface_sync_pull_page_changes',
      help: 'Changes per pull page.',
      buckets: [0, 1, 5, 10, 50, 100, 250, 500, 1000],
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
    websocketDisconnects: new Counter({
      name: 'codeface_sync_websocket_disconnects_total',
      help: 'Closed WebSocket connections, by close code: normal (1000), going-away (1001: a client or this server leaving), abnormal (1006: the connection dropped), other.',
      labelNames: ['code'] as const,
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
    limitRefusals: new Counter({
      name: 'codeface_sync_limit_refusals_total',
      help: 'Requests refused with 413, by the limit they hit (maxUserBytes is an account at its quota).',
      labelNames: ['limit'] as const,
      registers: [registry],
    }),
    busPublishFailures: new Counter({
      name: 'codeface_sync_bus_publish_failures_total',
      help: 'High-water marks that could not be published on the bus (Redis down).',
      registers: [registry],
    }),
    busLag: new Histogram({
      name: 'codeface_sync_bus_lag_seconds',
      help: 'Time from an event published by another instance to its arrival here.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    busResyncs: new Counter({
      name: 'codeface_sync_bus_resyncs_total',
      help: 'Times the bus reconnected and every subscription was told to re-read its mark.',
      registers: [registry],
    }),
    redisConnected: new Gauge({
      name: 'codeface_sync_redis_connected',
      help: 'Whether each Redis connection is ready (1) or not (0): the bus, and rate limits.',
      labelNames: ['connection'] as const,
      registers: [registry],
      collect() {
        if (!sources) return;
        if (sources.bus.kind === 'redis') {
          this.set({ connection: 'bus' }, sources.bus.connected() ? 1 : 0);
        }
        if (sources.rateLimitRedis) {
          this.set({ connection: 'rate-limit' }, sources.rateLimitRedis.status === 'ready' ? 1 : 0);
        }
      },
    }),
    dependencyUp: new Gauge({
      name: 'codeface_sync_dependency_up',
      help: 'Whether the database and the bus answered a ping within 1 s at this scrape.',
      labelNames: ['dependency'] as const,
      registers: [registry],
      async collect() {
        if (!sources) return;
        const [database, bus] = await Promise.all([
          checkWithin(sources.db.ping(), DEPENDENCY_CHECK_TIMEOUT_MS),
          checkWithin(sources.bus.ping(), DEPENDENCY_CHECK_TIMEOUT_MS),
        ]);
        this.set({ dependency: 'database' }, database.ok ? 1 : 0);
        this.set({ dependency: 'bus' }, bus.ok ? 1 : 0);
      },
    }),
    databaseSize: new Gauge({
      name: 'codeface_sync_database_size_bytes',
      help: 'Size of the database on disk (pg_database_size), read at most once a minute.',
      registers: [registry],
      async collect() {
        if (!sources) return;
        const at = sources.now();
        if (!databaseSize || at - databaseSize.at > DATABASE_SIZE_MAX_AGE_MS) {
          try {
            const { rows } = await sources.db.query<{ bytes: unknown }>(
              'SELECT pg_database_size(current_database()) AS bytes',
            );
            databaseSize = { bytes: Number(rows[0]?.bytes ?? 0), at };
          } catch {
            // A database that does not answer is reported by codeface_sync_dependency_up;
            // the size keeps its last value.
          }
        }
        if (databaseSize) this.set(databaseSize.bytes);
      },
    }),
    poolConnections: poolGauge(
      'codeface_sync_db_pool_connections',
      'Open database connections, busy or idle.',
      (db) => db.poolStats().open,
    ),
    poolIdle: poolGauge(
      'codeface_sync_db_pool_idle_connections',
      'Idle database connections.',
      (db) => db.poolStats().idle,
    ),
    poolWaiting: poolGauge(
      'codeface_sync_db_pool_waiting_queries',
      'Queries waiting for a database connection.',
      (db) => db.poolStats().waiting,
    ),
    poolMax: poolGauge(
      'codeface_sync_db_pool_max_connections',
      'Most database connections this instance opens.',
      (db) => db.poolStats().max,
    ),
    poolAcquires: new Counter({
      name: 'codeface_sync_db_pool_acquires_total',
      help: 'Database connections handed out.',
      registers: [registry],
      collect() {
        this.reset();
        if (sources) this.inc(sources.db.poolStats().acquires);
      },
    }),
    poolAcquireWait: new Counter({
      name: 'codeface_sync_db_pool_acquire_wait_seconds_total',
      help: 'Seconds spent waiting for a database connection, in all.',
      registers: [registry],
      collect() {
        this.reset();
        if (sources) this.inc(sources.db.poolStats().acquireWaitSeconds);
      },
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
