import { DEFAULT_SYNC_LIMITS } from '@codeface/sync/protocol';
import { z } from 'zod';

/**
 * Argon2id cost of account passwords (@node-rs/argon2). The defaults are OWASP's recommended
 * minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane (about 20-40 ms per hash here).
 */
export const passwordHashingSchema = z.object({
  memoryCost: z.number().int().min(8).default(19_456),
  timeCost: z.number().int().min(1).default(2),
  parallelism: z.number().int().min(1).default(1),
});
export type PasswordHashing = z.infer<typeof passwordHashingSchema>;

/**
 * The Argon2id cost a device spends on the password before anything is sent (protocol v2): new
 * accounts get it, and a device refuses less than 3 passes over 64 MiB whatever a server says.
 * Raising it applies to accounts created or whose password changes afterwards.
 */
export const accountKdfCostSchema = z.object({
  t: z.number().int().min(3).max(16).default(3),
  m: z
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024)
    .default(64 * 1024),
  p: z.number().int().min(1).max(4).default(1),
});
export type AccountKdfCost = z.infer<typeof accountKdfCostSchema>;

export const syncLimitsSchema = z.object({
  maxChangeBytes: z.number().int().min(1).default(DEFAULT_SYNC_LIMITS.maxChangeBytes),
  maxBatchChanges: z.number().int().min(1).default(DEFAULT_SYNC_LIMITS.maxBatchChanges),
  maxUserBytes: z.number().int().min(1).default(DEFAULT_SYNC_LIMITS.maxUserBytes),
  maxPullChanges: z.number().int().min(1).default(DEFAULT_SYNC_LIMITS.maxPullChanges),
});
export type SyncLimits = z.infer<typeof syncLimitsSchema>;

/** At most `max` in `windowMs`. */
export const windowLimitSchema = z.object({
  max: z.number().int().min(1),
  windowMs: z.number().int().min(1),
});
export type WindowLimit = z.infer<typeof windowLimitSchema>;

const MINUTE = 60_000;

export const rateLimitsSchema = z.object({
  /** Requests per IP address per window. */
  perIp: z.number().int().min(1).default(600),
  /** Requests per signed-in account per window. */
  perAccount: z.number().int().min(1).default(300),
  windowMs: z.number().int().min(1).default(MINUTE),
  /** Password attempts on one account from one address (see auth/attempt-limits.ts). */
  passwordPerAccountAndIp: windowLimitSchema.default({ max: 5, windowMs: 15 * MINUTE }),
  /** Password attempts on one account from anywhere: tiers of growing windows. */
  passwordPerAccount: z
    .array(windowLimitSchema)
    .min(1)
    .default([
      { max: 10, windowMs: MINUTE },
      { max: 50, windowMs: 60 * MINUTE },
      { max: 200, windowMs: 24 * 60 * MINUTE },
    ]),
  /** Sign-ups from one address. */
  signUpPerIp: windowLimitSchema.default({ max: 5, windowMs: 60 * MINUTE }),
});
export type RateLimits = z.infer<typeof rateLimitsSchema>;

/**
 * What one WebSocket connection may do. A device opens one connection with one subscription and
 * sends a few messages a minute (its subscription, keep-alive answers).
 */
export const webSocketLimitsSchema = z.object({
  maxSubscriptionsPerConnection: z.number().int().min(1).default(4),
  /** Messages per second, in bursts of as many; past it the connection is closed (1008). */
  maxMessagesPerSecond: z.number().int().min(1).default(20),
});
export type WebSocketLimits = z.infer<typeof webSocketLimitsSchema>;

/** Everything a server instance needs; `env.ts` builds it from the environment. */
export const serverConfigSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(8787),
  dataDir: z.string().optional(),
  databaseUrl: z.string().optional(),
  redisUrl: z.string().optional(),
  /** Origins allowed by CORS; none means no cross-origin browser access at all. */
  corsOrigins: z.array(z.string()).default([]),
  /** HMAC key of access tokens, at least 32 bytes; instances behind one balancer share it. */
  tokenSecret: z.string().min(32),
  accessTokenTtlMs: z
    .number()
    .int()
    .min(1)
    .default(15 * 60_000),
  refreshTokenTtlMs: z
    .number()
    .int()
    .min(1)
    .default(60 * 24 * 60 * 60_000),
  passwordHashing: passwordHashingSchema.default(passwordHashingSchema.parse({})),
  accountKdf: accountKdfCostSchema.default(accountKdfCostSchema.parse({})),
  limits: syncLimitsSchema.default(syncLimitsSchema.parse({})),
  rateLimits: rateLimitsSchema.default(rateLimitsSchema.parse({})),
  websocketLimits: webSocketLimitsSchema.default(webSocketLimitsSchema.parse({})),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Serve `/metrics` on this port instead of the app's (same host), so that only the network
   * that scrapes can reach it; 0 picks a free port.
   */
  metricsPort: z.number().int().min(0).max(65_535).optional(),
  /** When set, `/metrics` answers only `Authorization: Bearer <metricsToken>`. */
  metricsToken: z.string().min(16).optional(),
  sentryDsn: z.string().optional(),
  trustProxy: z.boolean().default(false),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type ServerConfigInput = z.input<typeof serverConfigSchema>;
