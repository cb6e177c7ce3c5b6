import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { serverConfigSchema, type ServerConfig } from './config';

const intFromEnv = z.coerce.number().int();
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
);

/** The environment variables the server reads, all optional. See README.md. */
export const envSchema = z.object({
  HOST: z.string().optional(),
  PORT: intFromEnv.optional(),
  CODEFACE_SYNC_DATA_DIR: z.string().optional(),
  DATABASE_URL: z.url().optional(),
  REDIS_URL: z.url().optional(),
  CORS_ORIGINS: csv.optional(),
  TOKEN_SECRET: z.string().min(32).optional(),
  ACCESS_TOKEN_TTL_SECONDS: intFromEnv.optional(),
  REFRESH_TOKEN_TTL_DAYS: intFromEnv.optional(),
  ARGON2_MEMORY_KIB: intFromEnv.optional(),
  ARGON2_TIME_COST: intFromEnv.optional(),
  ARGON2_PARALLELISM: intFromEnv.optional(),
  ACCOUNT_KDF_TIME_COST: intFromEnv.optional(),
  ACCOUNT_KDF_MEMORY_KIB: intFromEnv.optional(),
  ACCOUNT_KDF_PARALLELISM: intFromEnv.optional(),
  SYNC_MAX_CHANGE_BYTES: intFromEnv.optional(),
  SYNC_MAX_BATCH_CHANGES: intFromEnv.optional(),
  SYNC_MAX_USER_BYTES: intFromEnv.optional(),
  RATE_LIMIT_PER_IP: intFromEnv.optional(),
  RATE_LIMIT_PER_ACCOUNT: intFromEnv.optional(),
  RATE_LIMIT_WINDOW_SECONDS: intFromEnv.optional(),
  SIGN_UPS_PER_IP_PER_HOUR: intFromEnv.optional(),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: intFromEnv.optional(),
  WS_MAX_MESSAGES_PER_SECOND: intFromEnv.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  SENTRY_DSN: z.string().optional(),
  METRICS_PORT: intFromEnv.optional(),
  METRICS_TOKEN: z.string().min(16).optional(),
  TRUST_PROXY: z.enum(['true', 'false']).optional(),
});

/**
 * Builds the server's configuration from the environment and the command line's `--data-dir`.
 * Without TOKEN_SECRET a random secret is generated once into the data folder, so one instance
 * needs no setup; several instances must share one TOKEN_SECRET.
 */
export function loadServerConfig(options: {
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  port?: number;
}): ServerConfig {
  const env = envSchema.parse(options.env ?? process.env);
  const dataDir = options.dataDir ?? env.CODEFACE_SYNC_DATA_DIR ?? join(process.cwd(), '.data');
  const defaults = serverConfigSchema.parse({ tokenSecret: 'x'.repeat(32) });
  return serverConfigSchema.parse({
    host: env.HOST,
    port: options.port ?? env.PORT,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    corsOrigins: env.CORS_ORIGINS,
    tokenSecret: env.TOKEN_SECRET ?? readOrCreateTokenSecret(dataDir),
    accessTokenTtlMs: seconds(env.ACCESS_TOKEN_TTL_SECONDS),
    refreshTokenTtlMs:
      env.REFRESH_TOKEN_TTL_DAYS === undefined
        ? undefined
        : env.REFRESH_TOKEN_TTL_DAYS * 24 * 3_600_000,
    passwordHashing: {
      memoryCost: env.ARGON2_MEMORY_KIB ?? defaults.passwordHashing.memoryCost,
      timeCost: env.ARGON2_TIME_COST ?? defaults.passwordHashing.timeCost,
      parallelism: env.ARGON2_PARALLELISM ?? defaults.passwordHashing.parallelism,
    },
    accountKdf: {
      t: env.ACCOUNT_KDF_TIME_COST ?? defaults.accountKdf.t,
      m: env.ACCOUNT_KDF_MEMORY_KIB ?? defaults.accountKdf.m,
      p: env.ACCOUNT_KDF_PARALLELISM ?? defaults.accountKdf.p,
    },
    limits: {
      ...defaults.limits,
      maxChangeBytes: env.SYNC_MAX_CHANGE_BYTES ?? defaults.limits.maxChangeBytes,
      maxBatchChanges: env.SYNC_MAX_BATCH_CHANGES ?? defaults.limits.maxBatchChanges,
      maxUserBytes: env.SYNC_MAX_USER_BYTES ?? defaults.limits.maxUserBytes,
    },
    rateLimits: {
      perIp: env.RATE_LIMIT_PER_IP ?? defaults.rateLimits.perIp,
      perAccount: env.RATE_LIMIT_PER_ACCOUNT ?? defaults.rateLimits.perAccount,
      windowMs: seconds(env.RATE_LIMIT_WINDOW_SECONDS) ?? defaults.rateLimits.windowMs,
      signUpPerIp:
        env.SIGN_UPS_PER_IP_PER_HOUR === undefined
          ? defaults.rateLimits.signUpPerIp
          : { max: env.SIGN_UPS_PER_IP_PER_HOUR, windowMs: 3_600_000 },
    },
    websocketLimits: {
      maxSubscriptionsPerConnection:
        env.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION ??
        defaults.websocketLimits.maxSubscriptionsPerConnection,
      maxMessagesPerSecond:
        env.WS_MAX_MESSAGES_PER_SECOND ?? defaults.websocketLimits.maxMessagesPerSecond,
    },
    logLevel: env.LOG_LEVEL,
    sentryDsn: env.SENTRY_DSN,
    metricsPort: env.METRICS_PORT,
    metricsToken: env.METRICS_TOKEN,
    trustProxy: env.TRUST_PROXY === 'true',
  });
}

function seconds(value: number | undefined): number | undefined {
  return value === undefined ? undefined : value * 1000;
}

function readOrCreateTokenSecret(dataDir: string): string {
  const file = join(dataDir, 'token-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    // 'wx' fails if another process created it first; then read theirs.
    try {
      writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return readFileSync(file, 'utf8').trim();
    }
  }
}

/** Whether npm started this process (`npm run`, `npx`): npm sets `npm_command` for its children. */
export function startedByNpm(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_command !== undefined;
}
