import { createTRPCUntypedClient, createWSClient, wsLink } from '@trpc/client';
import { z } from 'zod';
import {
  SYNC_PROTOCOL_HEADER,
  SYNC_PROTOCOL_VERSION,
  type SealedChange,
  serverInfoSchema,
} from '../protocol';
import {
  SYNC_ERROR_REASONS,
  pullNowEventSchema,
  pullOutputSchema,
  pushOutputSchema,
  sessionSchema,
} from '../protocol/schemas';
import type { SubscriptionHandlers, SyncCredentials, SyncTransport } from './ports';
import type { SessionTokens } from './session';
import { type NetworkProblem, SyncError, actionFor } from './sync-error';

export type HttpTransportOptions = {
  /** The sync server, e.g. `https://sync.example.com` (no trailing `/trpc`). */
  url: string;
  credentials: SyncCredentials;
  /** Where the platform has none (Node 20): `ws`'s class. */
  WebSocket?: typeof globalThis.WebSocket;
  fetch?: typeof globalThis.fetch;
  /** A request with no answer after this long fails as `network`; 30 s by default. */
  timeoutMs?: number;
};

const errorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    data: z
      .object({
        reason: z.enum(SYNC_ERROR_REASONS).optional(),
        limit: z.string().optional(),
        retryAfter: z.number().positive().optional(),
        supported: z.number().int().optional(),
        fields: z.array(z.string()).optional(),
      })
      .optional(),
  }),
});

/** One call to the sync server (a procedure of SPEC.md), its answer checked against `output`. */
export type SyncServerCall<T> = {
  path: string;
  kind: 'query' | 'mutation';
  input?: unknown;
  accessToken?: string;
  output: z.ZodType<T>;
};

/**
 * The protocol over HTTP and WebSocket (SPEC.md). Calls are plain JSON over HTTP, one per
 * request; the live stream is tRPC's WebSocket protocol. An expired or unknown access token is
 * renewed and the call tried once more, so the engine only hears of a session that is over.
 */
export function createHttpTransport(options: HttpTransportOptions): SyncTransport {
  const base = options.url.replace(/\/+$/, '');
  const http = httpCaller({ base, fetch: options.fetch, timeoutMs: options.timeoutMs });
  const authed = createAuthedCaller(options);

  return {
    async limits() {
      return (await http({ path: 'meta.info', kind: 'query', output: serverInfoSchema })).limits;
    },
    push: (changes: SealedChange[]) =>
      authed({ path: 'sync.push', kind: 'mutation', input: { changes }, output: pushOutputSchema }),
    pull: (input) => authed({ path: 'sync.pull', kind: 'query', input, output: pullOutputSchema }),
    subscribe: (handlers) => subscribeLive({ ...options, base }, handlers),
  };
}

/**
 * Calls the server as the signed-in device: an expired or unknown access token is renewed and
 * the call tried once more. The account calls of the app (devices, sign-out) use it with the
 * engine's own credentials, so the two never spend one refresh token twice.
 */
export function createAuthedCaller(
  options: Pick<HttpTransportOptions, 'url' | 'credentials' | 'fetch' | 'timeoutMs'>,
) {
  const http = httpCaller({
    base: options.url.replace(/\/+$/, ''),
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
  });
  return async function authed<T>(call: Omit<SyncServerCall<T>, 'accessToken'>): Promise<T> {
    try {
      return await http({ ...call, accessToken: await options.credentials.accessToken() });
    } catch (error) {
      if (!(error instanceof SyncError) || actionFor(error.code) !== 'renew-token') throw error;
      await options.credentials.renew();
      return http({ ...call, accessToken: await options.credentials.accessToken() });
    }
  };
}

/** Calls the server without a session (`meta.info`, sign-up, sign-in). */
export function createPublicCaller(options: {
  url: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}) {
  return httpCaller({
    base: options.url.replace(/\/+$/, ''),
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
  });
}

/** Exchanges a refresh token for new tokens (`account.refresh`), for `createRefreshingSession`. */
export async function refreshTokens(options: {
  url: string;
  refreshToken: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}): Promise<SessionTokens> {
  return createPublicCaller(options)({
    path: 'account.refresh',
    kind: 'mutation',
    input: { refreshToken: options.refreshToken },
    output: sessionSchema,
  });
}

function httpCaller(options: {
  base: string;
  fetch: typeof globalThis.fetch | undefined;
  timeoutMs: number | undefined;
}) {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async function call<T>(call: SyncServerCall<T>): Promise<T> {
    const query =
      call.kind === 'query' && call.input !== undefined
        ? `?input=${encodeURIComponent(JSON.stringify(call.input))}`
        : '';
    const headers: Record<string, string> = {
      [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION),
    };
    if (call.accessToken !== undefined) headers.authorization = `Bearer ${call.accessToken}`;
    if (call.kind === 'mutation') headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchFn(`${options.base}/trpc/${call.path}${query}`, {
        method: call.kind === 'query' ? 'GET' : 'POST',
        headers,
        body: call.kind === 'mutation' ? JSON.stringify(call.input) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new SyncError('network', `No answer from the sync server at ${options.base}.`, {
        network: networkProblemOf(error),
        path: call.path,
      });
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw failureOf(response, body, call.path);
    const parsed = z.object({ result: z.object({ data: call.output }) }).safeParse(body);
    if (!parsed.success) {
      throw new SyncError(
        'invalid-response',
        `The sync server's answer to ${call.path} does not fit the protocol.`,
      );
    }
    return parsed.data.result.data;
  };
}

/** Turns a refused request into a `SyncError` with the server's reason where it gave one. */
function failureOf(response: Response, body: unknown, path: string): SyncError {
  const parsed = errorBodySchema.safeParse(body);
  const message = parsed.success ? parsed.data.error.message : `HTTP ${response.status}`;
  const data = (parsed.success ? parsed.data.error.data : undefined) ?? {};
  const { reason } = data;
  if (response.status === 429 || reason === 'rate-limited') {
    const seconds = Number(response.headers.get('retry-after')) || data.retryAfter;
    return new SyncError('rate-limited', message, {
      retryAfterMs: seconds !== undefined && seconds > 0 ? seconds * 1000 : undefined,
      limit: data.limit,
      path,
    });
  }
  if (reason !== undefined) {
    return new SyncError(reason, message, {
      path,
      ...(data.limit === undefined ? {} : { limit: data.limit }),
      ...(data.supported === undefined ? {} : { serverVersion: data.supported }),
      ...(data.fields === undefined ? {} : { fields: data.fields }),
    });
  }
  if (response.status >= 500) return new SyncError('server-error', message, { path });
  if (response.status === 413) return new SyncError('limit-exceeded', message, { path });
  if (response.status === 401) return new SyncError('unauthenticated', message, { path });
  return new SyncError('invalid-response', message, { path });
}

/** Node's codes (undici's `cause`, or its own) that say a TLS certificate was not trusted. */
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_OSSL/;

/** What a failed fetch says about why, read from the error and its causes. */
function networkProblemOf(error: unknown): NetworkProblem {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 4; depth += 1) {
    if (cause.name === 'TimeoutError') return 'timeout';
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : '';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
    if (code === 'ECONNREFUSED') return 'refused';
    if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'timeout';
    if (TLS_CODE.test(code)) return 'tls';
    cause = cause.cause;
  }
  return 'unreachable';
}

/** What the server's errors carry; a reason this version does not know reads as a server error. */
const liveErrorDataSchema = z.object({ reason: z.enum(SYNC_ERROR_REASONS) });

/**
 * The "pull now" stream over one WebSocket. Any end of it (the connection lost, the server
 * gone, an error) is reported once and the socket closed: the engine decides when to open a
 * new one. An expired token is renewed and the stream reopened here, once per event received.
 */
function subscribeLive(
  options: HttpTransportOptions & { base: string },
  handlers: SubscriptionHandlers,
): { close(): void } {
  let closed = false;
  let renewedSinceEvent = false;
  let current: { close(): void } | null = null;

  const end = (error: unknown) => {
    if (closed) return;
    closed = true;
    current?.close();
    handlers.onError(error);
  };

  const open = () => {
    // Closing on purpose (to renew the token, or the engine's close) is not a lost connection:
    // reporting it as one sent every token renewal through the engine's backoff as "offline".
    let closing = false;
    const wsClient = createWSClient({
      url: `${options.base.replace(/^http/, 'ws')}/trpc`,
      WebSocket: options.WebSocket,
      connectionParams: async () => ({
        token: await options.credentials.accessToken(),
        protocol: String(SYNC_PROTOCOL_VERSION),
      }),
      // The engine reconnects, with its own backoff: never this client.
      retryDelayMs: () => 2 ** 31 - 1,
      onClose: () => {
        if (!closing)
          end(new SyncError('network', 'The live connection to the sync server closed.'));
      },
    });
    const client = createTRPCUntypedClient({ links: [wsLink({ client: wsClient })] });
    const subscription = client.subscription('sync.subscribe', undefined, {
      onData: (data: unknown) => {
        const event = pullNowEventSchema.safeParse(data);
        if (!event.success) {
          end(
            new SyncError(
              'invalid-response',
              'The sync server sent an event this app does not know.',
            ),
          );
          return;
        }
        renewedSinceEvent = false;
        handlers.onPullNow(event.data);
      },
      onError: (error) => {
        const data = liveErrorDataSchema.safeParse(error.data);
        const failure = new SyncError(
          data.success ? data.data.reason : 'server-error',
          error.message,
        );
        if (actionFor(failure.code) === 'renew-token' && !renewedSinceEvent) {
          renewedSinceEvent = true;
          current?.close();
          options.credentials.renew().then(() => {
            if (!closed) open();
          }, end);
          return;
        }
        end(failure);
      },
    });
    current = {
      close: () => {
        closing = true;
        subscription.unsubscribe();
        void wsClient.close();
      },
    };
  };

  open();
  return {
    close: () => {
      closed = true;
      current?.close();
    },
  };
}
