import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { deriveRecoveryKeys } from '@codeface/sync/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startErrorReporting } from '../src/sentry';
import { createSyncServer, type SyncServer } from '../src/server';
import type { SqlDatabase } from '../src/storage/sql-database';
import { openTestBackend, type TestBackend } from './support/backend';
import {
  derivedSecret,
  httpClient,
  newPasswordInput,
  sealedChange,
  signUp,
  signUpInput,
  statusOf,
  subscribe,
  TEST_TOKEN_SECRET,
} from './support/harness';

/**
 * Runs every procedure, success and failure, through one server logging at `trace` and
 * reporting to a Sentry DSN on loopback, then looks for every secret the run handled in what was
 * logged and what was reported: passwords, emails, access and refresh tokens, wrapped data keys
 * and ciphertext.
 */
describe('logs and error reports', () => {
  let backend: TestBackend;
  let server: SyncServer;
  let sentry: { server: Server; dsn: string; envelopes: string[] };
  let reporting: ReturnType<typeof startErrorReporting>;
  const logLines: string[] = [];
  let failNextDeviceQuery: Error | undefined;

  beforeAll(async () => {
    backend = await openTestBackend();
    sentry = await startSentryIngest();
    reporting = startErrorReporting(sentry.dsn);
    const base = await backend.openDatabase();
    // Postgres errors quote the row they fail on; this one stands for any such error.
    const db: SqlDatabase = {
      ...base,
      query: async (text, params) => {
        const failure = failNextDeviceQuery;
        if (failure && /FROM devices/i.test(text)) {
          failNextDeviceQuery = undefined;
          throw failure;
        }
        return base.query(text, params);
      },
    };
    server = await createSyncServer({
      config: {
        host: '127.0.0.1',
        port: 0,
        tokenSecret: TEST_TOKEN_SECRET,
        logLevel: 'trace',
        passwordHashing: { memoryCost: 256, timeCost: 1, parallelism: 1 },
        rateLimits: { perIp: 10_000, perAccount: 20, windowMs: 60_000 },
        limits: { maxUserBytes: 2000 },
      },
      db,
      bus: backend.openBus(),
      reportError: reporting.reportError,
      rateLimitNamespace: `${backend.namespace}logs:`,
      logStream: { write: (line) => void logLines.push(line) },
    });
    await server.listen();
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await reporting?.close();
    sentry?.server.close();
    await backend?.close();
  });

  it('carry no token, password, email, wrapped key or ciphertext, whatever the request did', async () => {
    const secrets: string[] = [];
    const keep = (...values: string[]) => void secrets.push(...values);

    // Account life: sign up, sign in, refresh, change the password.
    const { session, dataKey, email, password, recoveryKey, client } = await signUp(server);
    keep(email, password, session.accessToken, session.refreshToken);
    const wrapped = await client.account.wrappedDataKey.query();
    keep(wrapped.wrappedDataKey);
    const second = await httpClient(server).account.signIn.mutate({
      email,
      password,
      deviceName: 'desktop',
    });
    keep(second.accessToken, second.refreshToken);
    const refreshed = await httpClient(server).account.refresh.mutate({
      refreshToken: second.refreshToken,
    });
    keep(refreshed.accessToken, refreshed.refreshToken);
    await httpClient(server).account.params.mutate({ email });
    const recoverySecret = deriveRecoveryKeys(recoveryKey).serverSecret;
    keep(recoveryKey, recoverySecret);
    const recovered = await httpClient(server).account.signInWithRecoveryKey.mutate({
      email,
      recoverySecret,
      deviceName: 'recovered',
    });
    keep(recovered.accessToken, recovered.refreshToken, recovered.wrappedDataKey);
    const { wrappingKey: _, ...change } = newPasswordInput(dataKey);
    const newPassword = change.newPassword;
    keep(newPassword, change.wrappedDataKey, change.kdf.salt);
    await client.account.changePassword.mutate({ ...change, currentPassword: password });

    // Sync: push, pull (a GET whose input rides in the query string), subscribe over WebSocket.
    const changes = [1, 2, 3].map((i) => sealedChange({ dataKey, plaintext: `secret note ${i}` }));
    keep(...changes.map((c) => c.ciphertext));
    await client.sync.push.mutate({ changes });
    await client.sync.pull.query({ cursor: 0 });
    const sub = subscribe(server, session.accessToken);
    await sub.waitForMark(3);
    sub.close();
    const over = sealedChange({ dataKey, plaintext: 'y'.repeat(3000) });
    keep(over.ciphertext);
    expect(await statusOf(client.sync.push.mutate({ changes: [over] }))).toBe(413);

    // Devices: list, revoke the second one; its refresh token is then refused.
    const devices = await client.devices.list.query();
    const desktop = devices.find((d) => !d.current);
    if (desktop) await client.devices.revoke.mutate({ deviceId: desktop.id });
    expect(
      await statusOf(
        httpClient(server).account.refresh.mutate({ refreshToken: refreshed.refreshToken }),
      ),
    ).toBe(401);

    // Refusals: a wrong password, bad input, a reused refresh token, a broken body, a token in a
    // query string, too many guesses at another account.
    const victim = `victim-${Date.now()}@example.test`;
    const wrongGuess = derivedSecret();
    keep(victim, wrongGuess);
    expect(
      await statusOf(
        httpClient(server).account.signIn.mutate({
          email,
          password: wrongGuess,
          deviceName: 'x',
        }),
      ),
    ).toBe(401);
    expect(
      await statusOf(
        httpClient(server).account.signUp.mutate({
          ...signUpInput().input,
          email: `${password}@`,
          password: 'short',
          wrappedDataKey: wrapped.wrappedDataKey,
        }),
      ),
    ).toBe(400);
    expect(
      await statusOf(
        httpClient(server).account.refresh.mutate({ refreshToken: second.refreshToken }),
      ),
    ).toBe(401);
    const broken = await fetch(`${server.url}/trpc/account.signIn`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${session.accessToken}`,
      },
      body: `{"email":"${email}","password":"${newPassword}"`,
    });
    expect(broken.status).toBe(400);
    const leakyUrl = `${server.url}/nowhere?token=${encodeURIComponent(session.accessToken)}&email=${encodeURIComponent(email)}`;
    expect((await fetch(leakyUrl)).status).toBe(404);
    let limited = 0;
    for (let attempt = 0; attempt < 25; attempt++) {
      const guess = derivedSecret();
      keep(guess);
      const status = await statusOf(
        httpClient(server).account.signIn.mutate({
          email: victim,
          password: guess,
          deviceName: 'x',
        }),
      );
      if (status === 429) limited++;
    }
    expect(limited).toBeGreaterThan(0);

    // An unexpected failure whose error quotes a row and a token: a 500, logged and reported.
    const failure = Object.assign(
      new Error(`lost the connection while serving ${email} with ${session.accessToken}`),
      { code: '08006', detail: `Key (email)=(${email}) already exists.`, where: newPassword },
    );
    failNextDeviceQuery = failure;
    expect(await statusOf(client.devices.list.query())).toBe(500);

    // Leaving: sign out, delete the account.
    await httpClient(server, refreshed.accessToken)
      .account.signOut.mutate()
      .catch(() => undefined);
    await client.account.deleteAccount.mutate({ password: newPassword });

    await expect.poll(() => sentry.envelopes.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const logs = logLines.join('');
    // The logs are really there and say what happened, so that finding nothing means something.
    expect(logLines.length).toBeGreaterThan(60);
    expect(logs).toContain('"reqId"');
    expect(logs).toContain('request completed');
    expect(logs).toContain('"statusCode":500');
    const reports = sentry.envelopes.join('\n');
    expect(reports).toContain('lost the connection while serving');

    const forms = (secret: string) => [
      secret,
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
      // A token's signature alone is as good as the token.
      ...secret.split('.').filter((part) => part.length >= 20),
    ];
    const leaks = secrets.flatMap((secret) =>
      forms(secret).flatMap((form) => [
        ...(logs.includes(form) ? [`log: ${form.slice(0, 24)}…`] : []),
        ...(reports.includes(form) ? [`sentry: ${form.slice(0, 24)}…`] : []),
      ]),
    );
    expect(leaks).toEqual([]);
    expect(logs).toContain(
      'lost the connection while serving [email] with cfa1.[redacted].[redacted]',
    );
  }, 120_000);
});

/** A loopback stand-in for Sentry's ingest: keeps every envelope it receives. */
async function startSentryIngest(): Promise<{ server: Server; dsn: string; envelopes: string[] }> {
  const envelopes: string[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      envelopes.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, dsn: `http://publickey@127.0.0.1:${port}/1`, envelopes };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
}
