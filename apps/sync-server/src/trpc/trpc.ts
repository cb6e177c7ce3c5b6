import { SYNC_PROTOCOL_VERSION, type SyncErrorReason } from '@codeface/sync/protocol';
import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import type { AccountService, AuthenticatedCaller } from '../auth/account-service';
import type { EventBus } from '../bus/event-bus';
import type { SyncLimits, WebSocketLimits } from '../config';
import { SyncServerError } from '../errors';
import type { Metrics } from '../http/metrics';
import type { ChangeStore } from '../sync/change-store';
import { guardStream } from './subscription-stream';

export type AppServices = {
  accounts: AccountService;
  changes: ChangeStore;
  bus: EventBus;
  metrics: Metrics;
  limits: SyncLimits;
  websocketLimits: WebSocketLimits;
  onBusError: (error: unknown) => void;
  now: () => number;
};

/** Built per HTTP request, or once per WebSocket connection. */
export type Context = {
  services: AppServices;
  accessToken: string | undefined;
  /** The client's address (behind a trusted proxy, the one it forwarded). */
  clientIp: string;
  protocolVersion: string | undefined;
  /** Queries and mutations come over HTTP, where rate limits apply; WebSocket carries subscriptions. */
  transport: 'http' | 'websocket';
  /** Subscriptions open on this connection (the context of a WebSocket lives as long as it). */
  subscriptions: { open: number };
};

const STATUS_OF_REASON = {
  'invalid-input': 'BAD_REQUEST',
  'protocol-version': 'BAD_REQUEST',
  'email-taken': 'CONFLICT',
  'invalid-credentials': 'UNAUTHORIZED',
  unauthenticated: 'UNAUTHORIZED',
  'token-expired': 'UNAUTHORIZED',
  'device-revoked': 'UNAUTHORIZED',
  'refresh-token-reused': 'UNAUTHORIZED',
  'refresh-token-invalid': 'UNAUTHORIZED',
  'not-found': 'NOT_FOUND',
  'limit-exceeded': 'PAYLOAD_TOO_LARGE',
  'rate-limited': 'TOO_MANY_REQUESTS',
  'origin-not-allowed': 'FORBIDDEN',
} as const satisfies Record<SyncErrorReason, TRPC_ERROR_CODE_KEY>;

/** "changes.0.ciphertext: must be unpadded base64url; email: Invalid email address" */
function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

const t = initTRPC.context<Context>().create({
  // Never a stack trace or an internal message to a client; a person reads `message`, a program
  // reads `data.reason` (and `data.limit`, `data.fields` where they apply).
  isDev: false,
  // Subscriptions are served over WebSocket only, where the connection is authenticated once.
  sse: { enabled: false },
  errorFormatter({ shape, error }) {
    const data: Record<string, unknown> = {
      code: shape.data.code,
      httpStatus: shape.data.httpStatus,
      path: shape.data.path,
    };
    let message = shape.message;
    if (error.cause instanceof SyncServerError) {
      data.reason = error.cause.reason;
      Object.assign(data, error.cause.data);
    } else if (error.cause instanceof ZodError) {
      message = describeZodError(error.cause);
      data.reason = 'invalid-input';
      data.fields = error.cause.issues.map((issue) => issue.path.join('.'));
    } else if (error.code === 'INTERNAL_SERVER_ERROR') {
      message = 'Internal server error';
    } else if (error.code === 'PARSE_ERROR' || error.code === 'BAD_REQUEST') {
      data.reason = 'invalid-input';
    }
    return { ...shape, message, data };
  },
});

/** A domain error as the tRPC error of its HTTP class; anything else is left as it is (a 500). */
function toTRPCError(error: unknown): unknown {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (!(cause instanceof SyncServerError)) return error;
  return new TRPCError({ code: STATUS_OF_REASON[cause.reason], message: cause.message, cause });
}

/** Maps domain errors thrown by a call; `subscriptions` maps those of a stream. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error);
  return result;
});

/**
 * Bounds the subscriptions of one WebSocket connection, before anything is looked up for the new
 * one, and maps the errors a subscription's stream throws after it started, the one place
 * where that happens: a revoked device or an expired token ends it with 401, not a 500.
 */
const subscriptions = t.middleware(async ({ ctx, type, next }) => {
  if (type !== 'subscription') return next();
  const max = ctx.services.websocketLimits.maxSubscriptionsPerConnection;
  if (ctx.subscriptions.open >= max) {
    throw new SyncServerError(
      'rate-limited',
      `This connection already has ${max} subscriptions open (maxSubscriptionsPerConnection); one is enough for a device.`,
      { limit: 'maxSubscriptionsPerConnection', max },
    );
  }
  ctx.subscriptions.open++;
  const release = () => {
    ctx.subscriptions.open--;
  };
  const result = await next();
  if (!result.ok || !isAsyncIterable(result.data)) {
    release();
    return result;
  }
  return { ...result, data: guardStream(result.data, { mapError: toTRPCError, onEnd: release }) };
});

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Only subscriptions over WebSocket: a query or mutation sent there would skip the per-request
 * rate limits (a sign-in guessed a thousand times on one socket).
 */
const transportCheck = t.middleware(({ ctx, type, next }) => {
  if (ctx.transport === 'websocket' && type !== 'subscription') {
    throw new TRPCError({
      code: 'METHOD_NOT_SUPPORTED',
      message:
        'Over WebSocket only subscriptions are served; send queries and mutations over HTTP.',
    });
  }
  return next();
});

const protocolVersion = t.middleware(({ ctx, next }) => {
  if (ctx.protocolVersion !== undefined && ctx.protocolVersion !== String(SYNC_PROTOCOL_VERSION)) {
    throw new SyncServerError(
      'protocol-version',
      `This server speaks sync protocol ${SYNC_PROTOCOL_VERSION}, the client sent ${ctx.protocolVersion}. Update the app.`,
      { supported: SYNC_PROTOCOL_VERSION },
    );
  }
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure
  .use(domainErrors)
  .use(transportCheck)
  .use(protocolVersion)
  .use(subscriptions);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const caller: AuthenticatedCaller = await ctx.services.accounts.authenticate(ctx.accessToken);
  return next({ ctx: { ...ctx, caller } });
});
