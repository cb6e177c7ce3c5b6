import { SYNC_PROTOCOL_VERSION, type SyncErrorReason } from '@codeface/sync/protocol';
import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import type { AccountService, Caller } from '../auth/account-service';
import type { EventBus } from '../bus/event-bus';
import type { SyncLimits } from '../config';
import { SyncServerError } from '../errors';
import type { Metrics } from '../http/metrics';
import type { ChangeStore } from '../sync/change-store';

export type AppServices = {
  accounts: AccountService;
  changes: ChangeStore;
  bus: EventBus;
  metrics: Metrics;
  limits: SyncLimits;
  onBusError: (error: unknown) => void;
};

/** Built per HTTP request, or once per WebSocket connection. */
export type Context = {
  services: AppServices;
  accessToken: string | undefined;
  protocolVersion: string | undefined;
  /** Queries and mutations come over HTTP, where rate limits apply; WebSocket carries subscriptions. */
  transport: 'http' | 'websocket';
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

/** Maps domain errors to their HTTP class; anything else stays a 500. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof SyncServerError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: STATUS_OF_REASON[cause.reason], message: cause.message, cause });
  }
  return result;
});

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
  .use(protocolVersion);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const caller: Caller = await ctx.services.accounts.authenticate(ctx.accessToken);
  return next({ ctx: { ...ctx, caller } });
});
