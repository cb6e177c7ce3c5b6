import { randomBytes, randomUUID } from 'node:crypto';
import {
  deriveRecoveryKeys,
  generateDataKey,
  generateRecoveryKey,
  sealChange,
  utf8ToBytes,
  wrapDataKeyWithKey,
} from '@codeface/sync/crypto';
import { SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION, type Session } from '@codeface/sync/protocol';
import { createTRPCClient, createWSClient, httpLink, wsLink, type TRPCClient } from '@trpc/client';
import WebSocket from 'ws';
import type { ServerConfigInput } from '../../src/config';
import type { SqlDatabase } from '../../src/storage/sql-database';
import { createSyncServer, type SyncServer } from '../../src/server';
import type { AppRouter } from '../../src/trpc/app-router';
import type { TestBackend } from './backend';

export const TEST_TOKEN_SECRET = 'test-secret-test-secret-test-secret-0123';

const UNLIMITED = {
  perIp: 100_000,
  perAccount: 100_000,
  windowMs: 60_000,
  passwordPerAccountAndIp: { max: 100_000, windowMs: 60_000 },
  passwordPerAccount: [{ max: 100_000, windowMs: 60_000 }],
  signUpPerIp: { max: 100_000, windowMs: 60_000 },
};

export type StartOptions = {
  config?: Partial<ServerConfigInput>;
  redisUrl?: string;
  now?: () => number;
  /** Storage to use instead of the backend's (a wrapper around it, say). */
  db?: SqlDatabase;
  /** Where the server reports unexpected errors (Sentry in production). */
  reportError?: (error: unknown) => void;
};

/** A listening server instance on a random loopback port, over the file's backend. */
export async function startServer(
  backend: TestBackend,
  options: StartOptions = {},
): Promise<SyncServer> {
  const redisUrl = options.redisUrl ?? backend.redisUrl;
  const server = await createSyncServer({
    config: {
      host: '127.0.0.1',
      port: 0,
      tokenSecret: TEST_TOKEN_SECRET,
      logLevel: 'silent',
      redisUrl,
      // Cheap hashing keeps the suite fast; production defaults are in config.ts.
      passwordHashing: { memoryCost: 256, timeCost: 1, parallelism: 1 },
      ...options.config,
      // A test names the limits it tests; the others are out of its way.
      rateLimits: { ...UNLIMITED, ...options.config?.rateLimits },
    },
    db: options.db ?? (await backend.openDatabase()),
    bus: backend.openBus({ redisUrl }),
    now: options.now,
    reportError: options.reportError,
    // Each instance counts on its own, so one test's requests never use up another's limit.
    rateLimitNamespace: `${backend.namespace}${randomUUID()}:`,
  });
  await server.listen();
  return server;
}

export type Client = TRPCClient<AppRouter>;

/** Anything with a base URL: a server in this process or one in a child process. */
export type Reachable = { url: string };

export function httpClient(
  server: Reachable,
  accessToken?: string,
  headers: Record<string, string> = {},
): Client {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${server.url}/trpc`,
        headers: () => ({
          [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION),
          ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
          ...headers,
        }),
      }),
    ],
  });
}

export type Subscriber = {
  marks: number[];
  errors: unknown[];
  /** Resolves once a pull-now with at least this mark arrived. */
  waitForMark(mark: number, timeoutMs?: number): Promise<void>;
  close(): void;
};

/** A device's WebSocket subscription to `sync.subscribe`, recording each high-water mark. */
export function subscribe(server: Reachable, accessToken: string): Subscriber {
  const wsClient = createWSClient({
    url: `${server.url.replace('http', 'ws')}/trpc`,
    connectionParams: () => ({ token: accessToken, protocol: String(SYNC_PROTOCOL_VERSION) }),
    retryDelayMs: () => 200,
    // Node 20 has no global WebSocket; `ws` is the same API.
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
  const marks: number[] = [];
  const errors: unknown[] = [];
  const waiters = new Set<() => void>();
  const subscription = client.sync.subscribe.subscribe(undefined, {
    onData: (event) => {
      marks.push(event.highWaterMark);
      for (const wake of waiters) wake();
    },
    onError: (error) => {
      errors.push(error);
      for (const wake of waiters) wake();
    },
  });
  return {
    marks,
    errors,
    waitForMark: (mark, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (marks.some((m) => m >= mark)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no pull-now with mark >= ${mark}; got [${marks.join(', ')}]`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => {
      subscription.unsubscribe();
      void wsClient.close();
    },
  };
}

/**
 * A secret as a device derives it (a server password, a recovery secret): 32 bytes in
 * base64url. The server cannot tell a derived one from a random one, so the suite skips the
 * 64 MiB Argon2id of a real derivation (packages/sync's tests run it).
 */
export function derivedSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The parameters a device derived with: the server's defaults and a fresh salt. */
export function freshKdf() {
  return {
    alg: 'argon2id' as const,
    t: 3,
    m: 64 * 1024,
    p: 1,
    salt: randomBytes(16).toString('base64url'),
  };
}

/** A new password for `account.changePassword`: what a device sends, and its wrapping key. */
export function newPasswordInput(dataKey: Uint8Array) {
  const wrappingKey = randomBytes(32);
  return {
    newPassword: derivedSecret(),
    kdf: freshKdf(),
    wrappedDataKey: wrapDataKeyWithKey({ dataKey, wrappingKey, purpose: 'password' }),
    wrappingKey,
  };
}

/**
 * What a fresh account's first device sends to sign up (protocol v2): the data key really
 * wrapped under a wrapping key and under a real recovery key.
 */
export function signUpInput(deviceName = 'laptop') {
  const dataKey = generateDataKey();
  const wrappingKey = randomBytes(32);
  const recoveryKey = generateRecoveryKey();
  const recovery = deriveRecoveryKeys(recoveryKey);
  const input = {
    email: `user-${randomUUID()}@example.test`,
    password: derivedSecret(),
    deviceName,
    kdf: freshKdf(),
    wrappedDataKey: wrapDataKeyWithKey({ dataKey, wrappingKey, purpose: 'password' }),
    recovery: {
      secret: recovery.serverSecret,
      wrappedDataKey: wrapDataKeyWithKey({
        dataKey,
        wrappingKey: recovery.wrappingKey,
        purpose: 'recovery',
      }),
    },
  };
  return { input, dataKey, wrappingKey, recoveryKey };
}

/** Signs up a fresh account; returns its session and keys. */
export async function signUp(server: Reachable, deviceName = 'laptop') {
  const { input, dataKey, wrappingKey, recoveryKey } = signUpInput(deviceName);
  const session: Session = await httpClient(server).account.signUp.mutate(input);
  const { email, password } = input;
  return {
    session,
    dataKey,
    wrappingKey,
    recoveryKey,
    email,
    password,
    client: httpClient(server, session.accessToken),
  };
}

/** A change sealed as a device would: the plaintext never reaches the server. */
export function sealedChange(options: { dataKey: Uint8Array; plaintext: string; id?: string }) {
  const id = options.id ?? randomUUID();
  return {
    id,
    deviceId: 'device-a',
    ciphertext: sealChange({
      dataKey: options.dataKey,
      changeId: id,
      plaintext: utf8ToBytes(options.plaintext),
    }),
  };
}

/** The HTTP status of a failed tRPC call. */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    const status = (error as { data?: { httpStatus?: number } }).data?.httpStatus;
    if (typeof status !== 'number') throw error;
    return status;
  }
}
