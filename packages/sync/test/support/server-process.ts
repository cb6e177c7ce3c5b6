import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import {
  type SignedIn,
  createHttpTransport,
  createRefreshingSession,
  refreshTokens,
  signIn,
  signUp,
} from '../../src/engine';
import type { SyncCredentials } from '../../src/engine/ports';

const bin = fileURLToPath(
  new URL('../../../../apps/sync-server/bin/codeface-sync.js', import.meta.url),
);

/** A real sync server in a child process, as an operator runs it (`codeface-sync`). */
export type ServerProcess = {
  url: string;
  kind: 'pglite' | 'postgres';
  /** The server's data folder (PGlite's database is in `pglite/` there). */
  dataDir: string;
  /** Stops the server; `keepData` leaves its data folder for the caller to read and remove. */
  stop(options?: { keepData?: boolean }): Promise<void>;
};

/**
 * Starts the sync server: PGlite in a temporary folder by default, Postgres and Redis when
 * TEST_DATABASE_URL and TEST_REDIS_URL are set (as in CI). Accounts are random, so runs that
 * share one Postgres database do not meet.
 */
export async function startServerProcess(
  options: { env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codeface-sync-server-'));
  const databaseUrl = process.env.TEST_DATABASE_URL || undefined;
  const redisUrl = process.env.TEST_REDIS_URL || undefined;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TOKEN_SECRET: randomBytes(32).toString('hex'),
    // Cheap password hashing and no rate limits: the test is about sync, not accounts.
    ARGON2_MEMORY_KIB: '256',
    ARGON2_TIME_COST: '1',
    RATE_LIMIT_PER_IP: '1000000',
    RATE_LIMIT_PER_ACCOUNT: '1000000',
    // With Redis (CI) the sign-up count per address outlives each server: every test signs up.
    SIGN_UPS_PER_IP_PER_HOUR: '1000000',
    LOG_LEVEL: 'info',
    ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
    ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }),
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, [bin, '--data-dir', dataDir, '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('codeface sync server listening')) continue;
        resolve(String((JSON.parse(line) as { url: string }).url));
      }
    });
    child.once('exit', (code) => reject(new Error(`The sync server exited with ${code}.`)));
  });
  // Drain the log so the pipe never fills.
  child.stdout?.resume();
  return {
    url,
    kind: databaseUrl === undefined ? 'pglite' : 'postgres',
    dataDir,
    stop: async ({ keepData = false } = {}) => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signed-in device: its credentials, the account's data key and its user id. */
export type SignedInDevice = { userId: string; dataKey: Uint8Array; credentials: SyncCredentials };

function device(url: string, signedIn: SignedIn): SignedInDevice {
  return {
    userId: signedIn.userId,
    dataKey: signedIn.dataKey,
    credentials: createRefreshingSession({
      tokens: signedIn.tokens,
      refresh: (refreshToken) => refreshTokens({ url, refreshToken }),
      onTokens: () => undefined,
    }),
  };
}

/**
 * The account part of the test, through the package's own sign-up and sign-in (protocol v2,
 * the real 64 MiB Argon2id): what the app's account code does.
 */
export async function createAccount(url: string) {
  const email = `sync-${randomUUID()}@example.test`;
  const password = `password-${randomUUID()}`;
  const first = await signUp({ url, email, password, deviceName: 'device A' });
  return {
    first: device(url, first),
    signIn: async (deviceName: string): Promise<SignedInDevice> =>
      device(url, await signIn({ url, email, password, deviceName })),
  };
}

/** The engine's transport to a server process, with Node 20's WebSocket from `ws`. */
export function transportTo(url: string, device: SignedInDevice) {
  return createHttpTransport({
    url,
    credentials: device.credentials,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
}
