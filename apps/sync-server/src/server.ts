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
import { createAccountService } from './auth/account-service';
import { createPasswordHasher } from './auth/password-hasher';
import type { EventBus } from './bus/event-bus';
import { createInProcessEventBus } from './bus/in-process-event-bus';
import { createRedisEventBus } from './bus/redis-event-bus';
import { waitForRedis } from './bus/wait-for-redis';
import {
  bodyLimitOf,
  serverConfigSchema,
  type ServerConfig,
  type ServerConfigInput,
} from './config';
import { createMetrics, type Metrics } from './http/metrics';
import { bearerToken, registerRateLimits } from './http/rate-limits';
import { registerRequestMetrics } from './http/request-metrics';
import { safeDecode } from './http/safe-decode';
import { migrate } from './storage/migrate';
import { openPgDatabase } from './storage/pg-database';
import { openPgliteDatabase } from './storage/pglite-database';
import type { SqlDatabase } from './storage/sql-database';
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
};

export type SyncServer = {
  app: FastifyInstance;
  config: ServerConfig;
  db: SqlDatabase;
  bus: EventBus;
  metrics: Metrics;
  /** `http://host:port` once listening. */
  url: string;
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
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: bodyLimitOf(config),
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // On close, idle keep-alive sockets are dropped at once while requests in flight finish;
    // @fastify/websocket closes the WebSockets.
    forceCloseConnections: 'idle',
  });
  const logError = (error: unknown) => app.log.error({ err: error }, 'background error');
  const logWarn = (error: unknown) => app.log.warn({ err: error }, 'bus or store degraded');

  const db = options.db ?? (await openDatabase(config, logWarn));
  const bus =
    options.bus ??
    (config.redisUrl
      ? createRedisEventBus({ url: config.redisUrl, onError: logWarn })
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
  await Promise.all([
    bus.ready(REDIS_START_TIMEOUT_MS),
    rateLimitRedis && waitForRedis(rateLimitRedis, REDIS_START_TIMEOUT_MS),
  ]);

  await migrate(db, now);

  const metrics = createMetrics();
  const accessTokens = createAccessTokens({
    secret: config.tokenSecret,
    ttlMs: config.accessTokenTtlMs,
  });
  const services: AppServices = {
    accounts: createAccountService({
      db,
      bus,
      hasher: await createPasswordHasher(config.passwordHashing),
      accessTokens,
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
    onBusError: logWarn,
  };
  const reportError = (error: unknown) => {
    logError(error);
    options.reportError?.(error);
  };

  // Set once close() starts: responses still in flight then ask the client to drop the
  // connection, so that keep-alive sockets do not hold the shutdown open.
  let shuttingDown = false;
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (shuttingDown) reply.header('connection', 'close');
  });
  app.setErrorHandler((error: { statusCode?: number; message?: string }, req, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status === 500) reportError(error);
    else req.log.info({ status, msg: error.message }, 'request refused');
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
    namespace: options.rateLimitNamespace ?? 'codeface-sync-rl:',
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
    socket.on('close', () => metrics.websocketConnections.dec());
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
          protocolVersion: params?.protocol ?? header(SYNC_PROTOCOL_HEADER),
          // Over HTTP `req` is a FastifyRequest (it has `raw`); over WebSocket, the upgrade request.
          transport: 'raw' in ctx.req ? 'http' : 'websocket',
        };
      },
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') reportError(Object.assign(error, { path }));
      },
      keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 10_000 },
    },
  } satisfies FastifyTRPCPluginOptions<AppRouter>);

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const checks = await Promise.all([settle('database', db.ping()), settle('bus', bus.ping())]);
    const failed = checks.filter((c) => !c.ok);
    return reply.code(failed.length ? 503 : 200).send({ ok: failed.length === 0, checks });
  });
  app.get('/metrics', async (_req, reply) =>
    reply
      .header('content-type', metrics.registry.contentType)
      .send(await metrics.registry.metrics()),
  );

  const server: SyncServer = {
    app,
    config,
    db,
    bus,
    metrics,
    url: '',
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      server.url = `http://${config.host}:${port}`;
      return server.url;
    },
    async close() {
      shuttingDown = true;
      await app.close();
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

async function settle(name: string, check: Promise<void>) {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('timed out')), 2000).unref(),
  );
  try {
    await Promise.race([check, timeout]);
    return { name, ok: true };
  } catch (error) {
    return { name, ok: false, error: error instanceof Error ? error.message : 'failed' };
  }
}
