import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { AccessTokens } from '../auth/access-token';
import type { RateLimits } from '../config';
import type { Metrics } from './metrics';

export type RateLimitOptions = {
  limits: RateLimits;
  redis: Redis | undefined;
  /** Key prefix in the shared store, so that separate deployments (or tests) do not mix. */
  namespace: string;
  accessTokens: AccessTokens;
  now: () => number;
  metrics: Metrics;
};

/**
 * Two limits on request volume: per IP address on every request (before the body is read), and
 * per account on requests with a valid access token. Counters live in Redis when there is one,
 * so all instances share them; if Redis is down, requests pass rather than fail. Password
 * guessing and sign-ups have their own limits where the password is checked
 * (auth/attempt-limits.ts): a token in a header says nothing about the account being guessed.
 */
export async function registerRateLimits(app: FastifyInstance, options: RateLimitOptions) {
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    nameSpace: options.namespace,
    ...(options.redis ? { redis: options.redis } : {}),
  });
  const { perIp, perAccount, windowMs } = options.limits;
  const accountKeys = new WeakMap<FastifyRequest, string>();
  const ipLimiter = app.createRateLimit({
    max: perIp,
    timeWindow: windowMs,
    keyGenerator: (req) => `ip:${req.ip}`,
  });
  const accountLimiter = app.createRateLimit({
    max: perAccount,
    timeWindow: windowMs,
    keyGenerator: (req) => accountKeys.get(req) ?? '',
  });

  const refuse = (reply: FastifyReply, limit: 'perIp' | 'perAccount', ttlSeconds: number) => {
    options.metrics.rateLimited.inc({ limit });
    const who = limit === 'perIp' ? 'this IP address' : 'this account';
    const max = limit === 'perIp' ? perIp : perAccount;
    return reply
      .code(429)
      .header('retry-after', String(ttlSeconds))
      .send({
        error: {
          message: `Too many requests from ${who}: at most ${max} per ${windowMs / 1000} s (${limit}). Retry in ${ttlSeconds} s.`,
          code: -32029,
          data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, reason: 'rate-limited', limit, max },
        },
      });
  };

  app.addHook('onRequest', async (req, reply) => {
    if (isProbe(req.url)) return;
    const verdict = await ipLimiter(req);
    if (!verdict.isAllowed && verdict.isExceeded)
      return refuse(reply, 'perIp', verdict.ttlInSeconds);
  });

  app.addHook('preHandler', async (req, reply) => {
    const key = accountKeyOf(req, options);
    if (!key) return;
    accountKeys.set(req, key);
    const verdict = await accountLimiter(req);
    if (!verdict.isAllowed && verdict.isExceeded) {
      return refuse(reply, 'perAccount', verdict.ttlInSeconds);
    }
  });
}

function isProbe(url: string): boolean {
  return url === '/healthz' || url === '/readyz' || url === '/metrics';
}

function accountKeyOf(req: FastifyRequest, options: RateLimitOptions): string | undefined {
  const token = bearerToken(req.headers.authorization);
  if (!token) return undefined;
  const claims = options.accessTokens.verify(token, options.now());
  return typeof claims === 'object' ? `account:${claims.sub}` : undefined;
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer (\S+)$/i.exec(header ?? '');
  return match?.[1];
}
