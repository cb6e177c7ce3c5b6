import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import websocket from '@fastify/websocket';
import { SYNC_PROTOCOL_HEADER } from '@codeface/sync/protocol';
import {
  fastifyTRPCPlugin,
  type CreateFastifyContextOptions,
  type FastifyTRPCPluginOptions,
} from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { createAccessTokens } from './auth/access-token';
import { createStandInParams } from './auth/account-params';
import { createAccountService } from './auth/account-service';
import { createAttemptCounter } from './auth/attempt-counter';
import { createAttemptLimits } from './auth/attempt-limits';
import { createPasswordHasher } from './auth/password-hasher';
import type { EventBus } from './bus/event-bus';
import { createInProcessEventBus } from './bus/in-process-event-bus';
import { createRedisEventBus } from './bus/redis-event-bus';
import { waitForRedis } from './bus/wait-for-redis';
import { serverConfigSchema, type ServerConfig, type ServerConfigInput } from './config';
import {
  BodyRefusedError,
  bodyLimitFor,
  bodyTooLarge,
  pushBodyLimit,
  registerBodyLimits,
} from './http/body-limits';
import { checkWithin } from './http/check-within';
import { loggerOptions, type LogStream } from './http/logging';
import { createMetrics, type Metrics } from './http/metrics';
import { registerMetricsEndpoint } from './http/metrics-endpoint';
import { bearerToken, registerRateLimits } from './http/rate-limits';
import { registerRequestMetrics } from './http/request-metrics';
import { registerResponseHeaders, requestIdOf } from './http/response-headers';
import { limitMessageRate } from './http/websocket-limits';
import { safeDecode } from './http/safe-decode';
import { scrubText } from './http/scrub';
import { migrate } from './storage/migrate';
import { openPgDatabase } from './storage/pg-database';
import { openPgliteDatabase } from './storage/pglite-database';
import type { SqlDatabase } from './storage/sql-database';
import { SyncServerError } from './errors';
import { createChangeStore } from './sync/change-store';
import { appRouter, type AppRouter } from './trpc/app-router';
import type { AppServices, Context } from './trpc/trpc';

export type SyncServerOptions = {
  config: ServerConfigInput;
  /** A database to use instead of the one the config names; the caller closes it. */
  db?: SqlDatabase;
  /** A bus to use instead of the one the config names; the caller closes it. */
  bus?: EventBus;
  now?: () => number;
  /** Where unexpected errors go besides the log (Sentry, when configured). */
  reportError?: (error: unknown) => void;
  /** Prefix of this deployment's rate-limit keys in Redis. */
  rateLimitNamespace?: string;
  /** Where the JSON log lines go; stdout by default. */
  logStream?: LogStream;
};

export type SyncServer = {
  app: FastifyInstance;
  config: ServerConfig;
  db: SqlDatabase;
  bus: EventBus;
  metrics: Metrics;
  /** `http://host:port` once listening. */
  url: string;
  /** Where `/metrics` is served once listening: `url`, or its own port (`metricsPort`). */
  metricsUrl: string;
  listen(): Promise<string>;
  /** Stops taking requests, closes WebSockets, drains, then closes what the server opened. */
  close(): Promise<void>;
};

export async function openDatabase(config: ServerConfig, log: (e: Error) => void) {
  if (config.databaseUrl)
    return openPgDatabase({ connectionString: config.databaseUrl, onError: log });
  return openPgliteDatabase({
    dataDir: config.dataDir ? join(config.dataDir, 'pglite') : undefined,
  });
}

const REDIS_START_TIMEOUT_MS = 3000;

/** Builds a server instance: storage, bus, HTTP and WebSocket transport, security, metrics. */
export async function createSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  const config = serverConfigSchema.parse(options.config);
  const now = options.now ?? Date.now;
  const pushLimit = pushBodyLimit(config.limits);
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    // The largest body of any call, a push's; every other call is held to less (body-limits.ts).
    bodyLimit: pushLimit,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: requestIdOf,
    // On close, idle keep-alive sockets are dropped at once while requests in flight finish;
    // @fastify/websocket closes the WebSockets.
    forceCloseConnections: 'idle',
  });
  const logError = (error: unknown) => app.log.error({ err: error }, 'background error');
  const logWarn = (error: unknown) => app.log.warn({ err: error }, 'bus or store degraded');

  const db = options.db ?? (await openDatabase(config, logWarn));
  const metrics = createMetrics();
  const bus =
    options.bus ??
    (config.redisUrl
      ? createRedisEventBus({
          url: config.redisUrl,
          onError: logWarn,
          onDelivered: (lagMs) => metrics.busLag.observe(lagMs / 1000),
          onResync: () => metrics.busResyncs.inc(),
        })
      : createInProcessEventBus());
  const rateLimitRedis = config.redisUrl
    ? new Redis(config.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 1000,
        retryStrategy: (times) => Math.min(50 * times, 1000),
      })
    : undefined;
  rateLimitRedis?.on('error', logWarn);
  metrics.watch({ db, bus, rateLimitRedis, now });
  await Promise.all([
    bus.ready(REDIS_START_TIMEOUT_MS),
    rateLimitRedis && waitForRedis(rateLimitRedis, REDIS_START_TIMEOUT_MS),
  ]);

  await migrate(db, now);

  const accessTokens = createAccessTokens({
    secret: config.tokenSecret,
    ttlMs: config.accessTokenTtlMs,
  });
  const rateLimitNamespace = options.rateLimitNamespace ?? 'codeface-sync-rl:';
  const services: AppServices = {
    accounts: createAccountService({
      db,
      bus,
      hasher: await createPasswordHasher(config.passwordHashing),
      attempts: createAttemptLimits({
        counter: createAttemptCounter({
          redis: rateLimitRedis,
          namespace: rateLimitNamespace,
          now,
          onRedisError: logWarn,
        }),
        limits: config.rateLimits,
        onRefused: (limit) => metrics.rateLimited.inc({ limit }),
      }),
      accessTokens,
      kdfCost: config.accountKdf,
      standInParams: createStandInParams({
        tokenSecret: config.tokenSecret,
        cost: config.accountKdf,
      }),
      refreshTokenTtlMs: config.refreshTokenTtlMs,
      now,
      randomUUID,
      randomBytes: (length) => randomBytes(length),
      onAuthFailure: (reason) => metrics.authFailures.inc({ reason }),
    }),
    changes: createChangeStore({ db, limits: config.limits, now }),
    bus,
    metrics,
    limits: config.limits,
    websocketLimits: config.websocketLimits,
    onBusError: logWarn,
    now,
  };
  const reportError = (error: unknown) => {
    logError(error);
    options.reportError?.(error);
  };

  // Set once close() starts: responses still in flight then ask the client to drop the
  // connection, so that keep-alive sockets do not hold the shutdown open.
  let shuttingDown = false;
  registerResponseHeaders(app, { shuttingDown: () => shuttingDown });
  registerBodyLimits(app, { pushLimit, limits: config.limits });
  app.setErrorHandler((error: { statusCode?: number; message?: string }, req, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status === 500) reportError(error);
    else req.log.info({ status, reason: scrubText(error.message ?? '') }, 'request refused');
    if (status === 413) {
      // Fastify's own refusal or ours: either way, one that says what the limit is.
      const refusal =
        error instanceof BodyRefusedError ? error : bodyTooLarge(bodyLimitFor(req, pushLimit));
      metrics.limitRefusals.inc({ limit: refusal.limit });
      return reply.code(413).send({
        error: {
          message: refusal.message,
          code: -32413,
          data: {
            code: 'PAYLOAD_TOO_LARGE',
            httpStatus: 413,
            reason: 'limit-exceeded',
            limit: refusal.limit,
            max: refusal.max,
          },
        },
      });
    }
    return reply.code(status).send({
      error: {
        message: status === 500 ? 'Internal server error' : error.message,
        data: { httpStatus: status },
      },
    });
  });
  app.setNotFoundHandler((_req, reply) =>
    reply
      .code(404)
      .send({ error: { message: 'Not found', data: { httpStatus: 404, reason: 'not-found' } } }),
  );

  registerRequestMetrics(app, {
    metrics,
    procedures: new Set(Object.keys(appRouter._def.procedures)),
  });
  registerOriginCheck(app, config.corsOrigins);
  registerSubscriptionGuard(app);
  await app.register(cors, { origin: config.corsOrigins, credentials: false, maxAge: 600 });
  await app.register(helmet, { global: true });
  await registerRateLimits(app, {
    limits: config.rateLimits,
    redis: rateLimitRedis,
    namespace: rateLimitNamespace,
    accessTokens,
    now,
    metrics,
  });
  await app.register(websocket, {
    options: { maxPayload: 1024 * 1024 },
    // Say "going away" to every WebSocket, give clients a moment to close their end, then cut
    // what is left, so that shutdown never waits on a client; they reconnect to another instance.
    preClose: function closeWebSockets(done) {
      const wss = this.websocketServer;
      // Refuse new WebSockets from now on: an upgrade that reached the closing router would be
      // left hanging and hold the HTTP server open.
      this.server.removeAllListeners('upgrade');
      this.server.on('upgrade', (_req, socket) => socket.destroy());
      for (const socket of wss.clients) socket.close(1001, 'server shutting down');
      setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
        // Not waiting for ws's 'close': a client reconnecting meanwhile would hold it open.
        wss.close();
        done();
      }, 250);
    },
  });
  app.websocketServer.on('connection', (socket) => {
    metrics.websocketConnections.inc();
    socket.on('close', (code: number) => {
      metrics.websocketConnections.dec();
      metrics.websocketDisconnects.inc({ code: closeCodeLabel(code) });
    });
    limitMessageRate(socket, { perSecond: config.websocketLimits.maxMessagesPerSecond, now });
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    useWSS: true,
    trpcOptions: {
      router: appRouter,
      // One call per HTTP request, so that rate limits count calls: a batch of a thousand
      // sign-in attempts would otherwise count as one request.
      allowBatching: false,
      createContext: (ctx: CreateFastifyContextOptions): Context => {
        const params = ctx.info.connectionParams;
        const header = (name: string) => {
          const value = ctx.req.headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        return {
          services,
          accessToken: params?.token ?? bearerToken(header('authorization')),
          // Over WebSocket only subscriptions are served, which check no password.
          clientIp: 'raw' in ctx.req ? ctx.req.ip : 'websocket',
          protocolVersion: params?.protocol ?? header(SYNC_PROTOCOL_HEADER),
          // Over HTTP `req` is a FastifyRequest (it has `raw`); over WebSocket, the upgrade request.
          transport: 'raw' in ctx.req ? 'http' : 'websocket',
          subscriptions: { open: 0 },
        };
      },
      onError: ({ error, path, type }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') reportError(Object.assign(error, { path }));
        const cause = error.cause;
        if (cause instanceof SyncServerError && cause.reason === 'limit-exceeded') {
          metrics.limitRefusals.inc({ limit: String(cause.data.limit ?? 'unknown') });
        }
        // A refused or ended subscription has no request line in the log; this is its line.
        if (type === 'subscription' && error.code !== 'INTERNAL_SERVER_ERROR') {
          const reason = cause instanceof SyncServerError ? cause.reason : error.code;
          app.log.info({ path, reason }, 'subscription ended');
        }
      },
      // A limit that says how long to wait says it in `retry-after` too, as HTTP clients expect.
      responseMeta: ({ errors }) => {
        const retryAfter = errors
          .map((error) =>
            error.cause instanceof SyncServerError ? error.cause.data.retryAfter : undefined,
          )
          .find((value) => value !== undefined);
        return retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } };
      },
      keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 10_000 },
    },
  } satisfies FastifyTRPCPluginOptions<AppRouter>);

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const checks = await Promise.all([
      checkWithin(db.ping(), READY_CHECK_TIMEOUT_MS).then((r) => ({ name: 'database', ...r })),
      checkWithin(bus.ping(), READY_CHECK_TIMEOUT_MS).then((r) => ({ name: 'bus', ...r })),
    ]);
    const failed = checks.filter((c) => !c.ok);
    return reply.code(failed.length ? 503 : 200).send({ ok: failed.length === 0, checks });
  });
  // On a port of its own, /metrics is not served on the app's port at all.
  const metricsApp =
    config.metricsPort === undefined
      ? undefined
      : Fastify({ logger: loggerOptions(config, options.logStream) });
  registerMetricsEndpoint(metricsApp ?? app, { metrics, token: config.metricsToken });

  const server: SyncServer = {
    app,
    config,
    db,
    bus,
    metrics,
    url: '',
    metricsUrl: '',
    async listen() {
      server.url = await listenOn(app, config.host, config.port);
      server.metricsUrl =
        metricsApp && config.metricsPort !== undefined
          ? await listenOn(metricsApp, config.host, config.metricsPort)
          : server.url;
      return server.url;
    },
    async close() {
      shuttingDown = true;
      await Promise.all([app.close(), metricsApp?.close()]);
      rateLimitRedis?.disconnect();
      if (!options.bus) await bus.close();
      if (!options.db) await db.close();
    },
  };
  return server;
}

/**
 * Browsers send `Origin` on cross-origin calls; one not on the list is refused outright rather
 * than served without CORS headers. Clients that are not browsers send none and pass.
 */
function registerOriginCheck(app: FastifyInstance, allowed: readonly string[]) {
  const set = new Set(allowed);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin === undefined || set.has(origin)) return;
    return reply.code(403).send({
      error: {
        message: `Origin ${origin} is not allowed (configure CORS_ORIGINS).`,
        data: { code: 'FORBIDDEN', httpStatus: 403, reason: 'origin-not-allowed' },
      },
    });
  });
}

/**
 * tRPC would serve `sync.subscribe` over HTTP as server-sent events too; subscriptions are
 * WebSocket-only here (one authenticated connection per device, counted in the metrics).
 */
function registerSubscriptionGuard(app: FastifyInstance) {
  app.addHook('onRequest', async (req, reply) => {
    const path = safeDecode(req.url.split('?')[0] ?? '');
    if (!path.startsWith('/trpc/') || !path.includes('sync.subscribe')) return;
    return reply.code(405).send({
      error: {
        message: 'sync.subscribe is served over WebSocket only: connect to /trpc with a WebSocket.',
        data: { code: 'METHOD_NOT_SUPPORTED', httpStatus: 405, reason: 'invalid-input' },
      },
    });
  });
}

const READY_CHECK_TIMEOUT_MS = 2000;

async function listenOn(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address();
  return `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
}

/** Close codes as a label with few values: the ones that tell a storm apart, and the rest. */
function closeCodeLabel(code: number): string {
  switch (code) {
    case 1000:
      return 'normal';
    case 1001:
      return 'going-away';
    case 1006:
      return 'abnormal';
    default:
      return 'other';
  }
}
