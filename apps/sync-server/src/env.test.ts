import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadServerConfig } from './env';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'codeface-env-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadServerConfig', () => {
  it('runs with no environment at all, generating a token secret once into the data folder', () => {
    const dataDir = tempDir();
    const config = loadServerConfig({ env: {}, dataDir });
    expect(config).toMatchObject({ dataDir, port: 8787, databaseUrl: undefined, corsOrigins: [] });
    expect(config.tokenSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dataDir, 'token-secret'), 'utf8')).toBe(config.tokenSecret);
    expect(statSync(join(dataDir, 'token-secret')).mode & 0o077).toBe(0);
    expect(loadServerConfig({ env: {}, dataDir }).tokenSecret).toBe(config.tokenSecret);
  });

  it('reads every documented variable', () => {
    const config = loadServerConfig({
      dataDir: tempDir(),
      env: {
        PORT: '9000',
        DATABASE_URL: 'postgres://u@db:5432/sync',
        REDIS_URL: 'redis://cache:6379',
        CORS_ORIGINS: 'https://a.example, https://b.example',
        TOKEN_SECRET: 'z'.repeat(40),
        ACCESS_TOKEN_TTL_SECONDS: '60',
        ARGON2_MEMORY_KIB: '65536',
        SYNC_MAX_BATCH_CHANGES: '100',
        RATE_LIMIT_PER_IP: '10',
        RATE_LIMIT_WINDOW_SECONDS: '5',
        SIGN_UPS_PER_IP_PER_HOUR: '50',
        WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
        WS_MAX_MESSAGES_PER_SECOND: '7',
        LOG_LEVEL: 'warn',
        TRUST_PROXY: 'true',
        METRICS_PORT: '9464',
        METRICS_TOKEN: 'm'.repeat(24),
      },
    });
    expect(config).toMatchObject({
      port: 9000,
      databaseUrl: 'postgres://u@db:5432/sync',
      redisUrl: 'redis://cache:6379',
      corsOrigins: ['https://a.example', 'https://b.example'],
      tokenSecret: 'z'.repeat(40),
      accessTokenTtlMs: 60_000,
      passwordHashing: { memoryCost: 65536, timeCost: 2, parallelism: 1 },
      limits: { maxBatchChanges: 100, maxChangeBytes: 65536 },
      rateLimits: { perIp: 10, windowMs: 5000, signUpPerIp: { max: 50, windowMs: 3_600_000 } },
      websocketLimits: { maxSubscriptionsPerConnection: 2, maxMessagesPerSecond: 7 },
      logLevel: 'warn',
      trustProxy: true,
      metricsPort: 9464,
      metricsToken: 'm'.repeat(24),
    });
  });

  it('names a bad variable', () => {
    expect(() => loadServerConfig({ env: { PORT: 'eighty' }, dataDir: tempDir() })).toThrow(/PORT/);
    expect(() => loadServerConfig({ env: { TOKEN_SECRET: 'short' }, dataDir: tempDir() })).toThrow(
      /TOKEN_SECRET/,
    );
  });
});
