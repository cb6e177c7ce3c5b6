import {
  deriveRecoveryKeys,
  generateRecoveryKey,
  unwrapDataKeyWithKey,
  wrapDataKeyWithKey,
} from '@codeface/sync/crypto';
import {
  accountParamsOutputSchema,
  SYNC_PROTOCOL_HEADER,
  SYNC_PROTOCOL_VERSION,
} from '@codeface/sync/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncServer } from '../src/server';
import { openTestBackend, type TestBackend } from './support/backend';
import {
  derivedSecret,
  httpClient,
  newPasswordInput,
  sealedChange,
  signUp,
  signUpInput,
  startServer,
  statusOf,
  subscribe,
} from './support/harness';

let backend: TestBackend;
let server: SyncServer;

beforeAll(async () => {
  backend = await openTestBackend();
  server = await startServer(backend);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await backend?.close();
});

describe('sign up and sign in', () => {
  it('creates an account whose wrapped data key comes back on sign-in and opens with the wrapping key', async () => {
    const { email, password, dataKey, wrappingKey, session } = await signUp(server);
    const other = await httpClient(server).account.signIn.mutate({
      email: email.toUpperCase(),
      password,
      deviceName: 'desktop',
    });
    expect(other.userId).toBe(session.userId);
    expect(other.deviceId).not.toBe(session.deviceId);
    expect(unwrapDataKeyWithKey({ wrappedDataKey: other.wrappedDataKey, wrappingKey })).toEqual(
      dataKey,
    );
    const devices = await httpClient(server, other.accessToken).devices.list.query();
    expect(devices.map((d) => [d.name, d.current])).toEqual([
      ['laptop', false],
      ['desktop', true],
    ]);
  });

  it('stores the server password as an Argon2id hash and the recovery secret as a hash', async () => {
    const { session, password, recoveryKey } = await signUp(server);
    const row = await backend.admin.query<Record<string, unknown>>(
      'SELECT * FROM users WHERE id = $1',
      [session.userId],
    );
    const stored = JSON.stringify(row.rows[0], (_, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('base64url') : value,
    );
    expect(row.rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(stored).not.toContain(password);
    expect(stored).not.toContain(deriveRecoveryKeys(recoveryKey).serverSecret);
    expect(row.rows[0]).toMatchObject({ kdf_time_cost: 3, kdf_memory_kib: 65536 });
  });

  it('refuses a taken email with 409 and a wrong password with 401', async () => {
    const { email } = await signUp(server);
    const anon = httpClient(server);
    const taken = await anon.account.signUp
      .mutate({ ...signUpInput().input, email })
      .catch((e: unknown) => e);
    expect(taken).toMatchObject({ data: { httpStatus: 409, reason: 'email-taken' } });
    const wrong = anon.account.signIn.mutate({ email, password: derivedSecret(), deviceName: 'x' });
    expect(await statusOf(wrong)).toBe(401);
    const unknown = anon.account.signIn.mutate({
      email: 'nobody@example.test',
      password: derivedSecret(),
      deviceName: 'x',
    });
    expect(await statusOf(unknown)).toBe(401);
  });

  it('refuses a sign-up whose parameters are under what the server asks, with 400', async () => {
    const strict = await startServer(backend, { config: { accountKdf: { t: 4 } } });
    try {
      const { input } = signUpInput();
      const refused = await httpClient(strict)
        .account.signUp.mutate(input)
        .catch((e: unknown) => e);
      expect(refused).toMatchObject({ data: { httpStatus: 400, reason: 'invalid-input' } });
      expect(String(refused)).toMatch(/at least 4 passes/);
      const params = await httpClient(strict).account.params.mutate({ email: input.email });
      expect(params.kdf.t).toBe(4);
      await httpClient(strict).account.signUp.mutate({
        ...input,
        kdf: { ...input.kdf, t: 4 },
      });
    } finally {
      await strict.close();
    }
  });

  it('refuses passwords sent as typed (not derived) and weak parameters with 400', async () => {
    const { input } = signUpInput();
    const anon = httpClient(server);
    for (const bad of [
      { ...input, password: 'correct horse battery staple' },
      { ...input, kdf: { ...input.kdf, m: 1024 } },
      { ...input, kdf: { ...input.kdf, salt: 'AAAA' } },
      { ...input, recovery: { ...input.recovery, secret: 'short' } },
    ]) {
      expect(await statusOf(anon.account.signUp.mutate(bad))).toBe(400);
    }
  });

  it('refuses calls without a valid access token', async () => {
    expect(await statusOf(httpClient(server).devices.list.query())).toBe(401);
    expect(await statusOf(httpClient(server, 'cfa1.forged.token').devices.list.query())).toBe(401);
  });

  it('refuses a subscription with a forged access token', async () => {
    const sub = subscribe(server, 'cfa1.forged.token');
    try {
      await expect.poll(() => sub.errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(sub.errors[0]).toMatchObject({ data: { code: 'UNAUTHORIZED' } });
      expect(sub.marks).toEqual([]);
    } finally {
      sub.close();
    }
  });
});

describe('tokens', () => {
  it('rotates refresh tokens and refuses an expired access token', async () => {
    let clock = Date.now();
    const timed = await startServer(backend, { now: () => clock });
    try {
      const { session } = await signUp(timed);
      const anon = httpClient(timed);
      const next = await anon.account.refresh.mutate({ refreshToken: session.refreshToken });
      expect(next.refreshToken).not.toBe(session.refreshToken);
      expect(next.deviceId).toBe(session.deviceId);
      clock += 16 * 60_000;
      const expired = await httpClient(timed, next.accessToken)
        .devices.list.query()
        .catch((e: unknown) => e);
      expect(expired).toMatchObject({ data: { httpStatus: 401, reason: 'token-expired' } });
      const renewed = await anon.account.refresh.mutate({ refreshToken: next.refreshToken });
      expect(await httpClient(timed, renewed.accessToken).devices.list.query()).toHaveLength(1);
    } finally {
      await timed.close();
    }
  });

  it('revokes the whole family when a rotated refresh token is used again', async () => {
    const { session } = await signUp(server);
    const anon = httpClient(server);
    const second = await anon.account.refresh.mutate({ refreshToken: session.refreshToken });
    const third = await anon.account.refresh.mutate({ refreshToken: second.refreshToken });

    // A thief replays the first token.
    const replay = await anon.account.refresh
      .mutate({ refreshToken: session.refreshToken })
      .catch((e: unknown) => e);
    expect(replay).toMatchObject({ data: { httpStatus: 401, reason: 'refresh-token-reused' } });

    // Every token of the family is dead now: the newest refresh token and the access token.
    expect(await statusOf(anon.account.refresh.mutate({ refreshToken: third.refreshToken }))).toBe(
      401,
    );
    expect(await statusOf(httpClient(server, third.accessToken).devices.list.query())).toBe(401);
  });

  it('lets only one of two racing rotations of the same token win', async () => {
    const { session } = await signUp(server);
    const anon = httpClient(server);
    const results = await Promise.allSettled([
      anon.account.refresh.mutate({ refreshToken: session.refreshToken }),
      anon.account.refresh.mutate({ refreshToken: session.refreshToken }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeLessThanOrEqual(1);
  });

  it('refuses garbage refresh tokens with 401', async () => {
    const anon = httpClient(server);
    expect(await statusOf(anon.account.refresh.mutate({ refreshToken: 'nope' }))).toBe(401);
    expect(
      await statusOf(
        anon.account.refresh.mutate({
          refreshToken: 'cfr1.00000000-0000-4000-8000-000000000000.AAAA',
        }),
      ),
    ).toBe(401);
  });
});

describe('devices', () => {
  it('revoking a device stops its access token, refresh token and subscription at once', async () => {
    const { email, password, session: laptop, client: laptopClient } = await signUp(server);
    const phone = await httpClient(server).account.signIn.mutate({
      email,
      password,
      deviceName: 'phone',
    });
    const phoneClient = httpClient(server, phone.accessToken);
    expect(await phoneClient.sync.pull.query({ cursor: 0 })).toMatchObject({ changes: [] });
    const sub = subscribe(server, phone.accessToken);
    try {
      await sub.waitForMark(0);
      await laptopClient.devices.revoke.mutate({ deviceId: phone.deviceId });

      const refused = await phoneClient.sync.pull.query({ cursor: 0 }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ data: { httpStatus: 401, reason: 'device-revoked' } });
      expect(
        await statusOf(
          httpClient(server).account.refresh.mutate({ refreshToken: phone.refreshToken }),
        ),
      ).toBe(401);
      await expect.poll(() => sub.errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
      // The other device is untouched.
      expect((await laptopClient.devices.list.query()).map((d) => d.id)).toEqual([laptop.deviceId]);
    } finally {
      sub.close();
    }
  });

  it('says not found for a device of another account', async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const error = await alice.client.devices.revoke
      .mutate({ deviceId: bob.session.deviceId })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ data: { httpStatus: 404 } });
    expect(await bob.client.devices.list.query()).toHaveLength(1);
  });

  it('signing out ends the session of this device only', async () => {
    const { email, password, client } = await signUp(server);
    const other = await httpClient(server).account.signIn.mutate({
      email,
      password,
      deviceName: 'desktop',
    });
    await client.account.signOut.mutate();
    expect(await statusOf(client.devices.list.query())).toBe(401);
    expect(await httpClient(server, other.accessToken).devices.list.query()).toHaveLength(1);
  });
});

describe('password and account', () => {
  it('changes the password in one call: re-wrapped key, new parameters, other devices signed out', async () => {
    const { email, password, client, dataKey } = await signUp(server);
    const other = await httpClient(server).account.signIn.mutate({
      email,
      password,
      deviceName: 'other',
    });
    const next = newPasswordInput(dataKey);
    const { wrappingKey, ...change } = next;
    expect(
      await statusOf(
        client.account.changePassword.mutate({ ...change, currentPassword: derivedSecret() }),
      ),
    ).toBe(401);
    // Neither proof, or both, is bad input.
    expect(await statusOf(client.account.changePassword.mutate(change))).toBe(400);
    expect(
      await statusOf(
        client.account.changePassword.mutate({
          ...change,
          currentPassword: password,
          recoverySecret: derivedSecret(),
        }),
      ),
    ).toBe(400);
    await client.account.changePassword.mutate({ ...change, currentPassword: password });
    const revoked = await httpClient(server, other.accessToken)
      .devices.list.query()
      .catch((e: unknown) => e);
    expect(revoked).toMatchObject({ data: { httpStatus: 401, reason: 'device-revoked' } });
    expect(await client.devices.list.query()).toHaveLength(1);
    const anon = httpClient(server);
    expect(await statusOf(anon.account.signIn.mutate({ email, password, deviceName: 'x' }))).toBe(
      401,
    );
    expect((await anon.account.params.mutate({ email })).kdf).toEqual(change.kdf);
    const again = await anon.account.signIn.mutate({
      email,
      password: change.newPassword,
      deviceName: 'x',
    });
    expect(unwrapDataKeyWithKey({ wrappedDataKey: again.wrappedDataKey, wrappingKey })).toEqual(
      dataKey,
    );
  });

  it('deleting the account removes every row of the user', async () => {
    const { email, password, session, client, dataKey } = await signUp(server);
    await httpClient(server).account.signIn.mutate({ email, password, deviceName: 'second' });
    await client.account.refresh
      .mutate({ refreshToken: session.refreshToken })
      .catch(() => undefined);
    await client.sync.push.mutate({ changes: [sealedChange({ dataKey, plaintext: 'bye' })] });
    const survivor = await signUp(server);

    expect(await statusOf(client.account.deleteAccount.mutate({ password: derivedSecret() }))).toBe(
      401,
    );
    const countRows = async (userId: string) => {
      let total = 0;
      for (const table of ['devices', 'refresh_tokens', 'changes', 'sync_state']) {
        const r = await backend.admin.query<{ n: unknown }>(
          `SELECT count(*) AS n FROM ${table} WHERE user_id = $1`,
          [userId],
        );
        total += Number(r.rows[0]?.n);
      }
      const u = await backend.admin.query<{ n: unknown }>(
        'SELECT count(*) AS n FROM users WHERE id = $1',
        [userId],
      );
      return total + Number(u.rows[0]?.n);
    };
    expect(await countRows(session.userId)).toBeGreaterThan(5);
    await httpClient(server, session.accessToken).account.deleteAccount.mutate({ password });
    expect(await countRows(session.userId)).toBe(0);
    expect(await countRows(survivor.session.userId)).toBeGreaterThan(0);
    expect(
      await statusOf(
        httpClient(server).account.signIn.mutate({ email, password, deviceName: 'x' }),
      ),
    ).toBe(401);
  });
});

describe('account parameters before sign-in', () => {
  it("returns the account's salt and cost, the same each time, whatever the email's case", async () => {
    const { email, session } = await signUp(server);
    const anon = httpClient(server);
    const first = await anon.account.params.mutate({ email });
    expect(await anon.account.params.mutate({ email: email.toUpperCase() })).toEqual(first);
    const row = await backend.admin.query<{ kdf_salt: string }>(
      'SELECT kdf_salt FROM users WHERE id = $1',
      [session.userId],
    );
    expect(first.kdf).toMatchObject({ alg: 'argon2id', t: 3, m: 65536, p: 1 });
    expect(first.kdf.salt).toBe(row.rows[0]?.kdf_salt);
  });

  it('answers an unknown email with a stable stand-in of the same shape', async () => {
    const anon = httpClient(server);
    const real = await anon.account.params.mutate({ email: (await signUp(server)).email });
    const unknown = await anon.account.params.mutate({ email: 'nobody-here@example.test' });
    const again = await anon.account.params.mutate({ email: 'Nobody-Here@example.test' });
    expect(again).toEqual(unknown);
    // Same keys, same types, same lengths: nothing in the answer tells the two apart.
    const shape = (value: object) =>
      JSON.stringify(value, (_, v: unknown) => (typeof v === 'string' ? v.length : v));
    expect(shape(unknown)).toBe(shape(real));
    expect(accountParamsOutputSchema.parse(unknown)).toEqual(unknown);
    expect(unknown.kdf.salt).not.toBe(real.kdf.salt);
    const other = await anon.account.params.mutate({ email: 'somebody-else@example.test' });
    expect(other.kdf.salt).not.toBe(unknown.kdf.salt);
    // Another server (another secret) gives another stand-in: it is keyed, not a plain hash.
    const elsewhere = await startServer(backend, {
      config: { tokenSecret: 'another-secret-another-secret-0123456789' },
    });
    try {
      const there = await httpClient(elsewhere).account.params.mutate({
        email: 'nobody-here@example.test',
      });
      expect(there.kdf.salt).not.toBe(unknown.kdf.salt);
    } finally {
      await elsewhere.close();
    }
  });

  it('goes in the body of a POST, never in a URL', async () => {
    const response = await fetch(
      `${server.url}/trpc/account.params?input=${encodeURIComponent(JSON.stringify({ email: 'a@b.co' }))}`,
      { headers: { [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) } },
    );
    expect(response.status).toBe(405);
  });
});

describe('recovery key', () => {
  it('signs a new device in, which sets a new password; the other devices are signed out', async () => {
    const { email, password, dataKey, recoveryKey, client } = await signUp(server);
    const anon = httpClient(server);
    const recovery = deriveRecoveryKeys(recoveryKey);
    const wrong = await anon.account.signInWithRecoveryKey
      .mutate({ email, recoverySecret: derivedSecret(), deviceName: 'new laptop' })
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ data: { httpStatus: 401, reason: 'invalid-credentials' } });
    const unknown = anon.account.signInWithRecoveryKey.mutate({
      email: 'nobody@example.test',
      recoverySecret: recovery.serverSecret,
      deviceName: 'x',
    });
    expect(await statusOf(unknown)).toBe(401);

    const session = await anon.account.signInWithRecoveryKey.mutate({
      email,
      recoverySecret: recovery.serverSecret,
      deviceName: 'new laptop',
    });
    // The session carries the data key wrapped under the recovery key.
    expect(
      unwrapDataKeyWithKey({
        wrappedDataKey: session.wrappedDataKey,
        wrappingKey: recovery.wrappingKey,
      }),
    ).toEqual(dataKey);
    const recovered = httpClient(server, session.accessToken);
    const { wrappingKey, ...change } = newPasswordInput(dataKey);
    // The recovery key proves one change, and only with the key that replaces it.
    expect(
      await statusOf(
        recovered.account.changePassword.mutate({
          ...change,
          recoverySecret: recovery.serverSecret,
        }),
      ),
    ).toBe(400);
    const nextKey = generateRecoveryKey();
    const nextRecovery = deriveRecoveryKeys(nextKey);
    await recovered.account.changePassword.mutate({
      ...change,
      recoverySecret: recovery.serverSecret,
      recovery: {
        secret: nextRecovery.serverSecret,
        wrappedDataKey: wrapDataKeyWithKey({
          dataKey,
          wrappingKey: nextRecovery.wrappingKey,
          purpose: 'recovery',
        }),
      },
    });
    expect(await statusOf(client.devices.list.query())).toBe(401);
    expect(await statusOf(anon.account.signIn.mutate({ email, password, deviceName: 'x' }))).toBe(
      401,
    );
    const next = await anon.account.signIn.mutate({
      email,
      password: change.newPassword,
      deviceName: 'phone',
    });
    expect(unwrapDataKeyWithKey({ wrappedDataKey: next.wrappedDataKey, wrappingKey })).toEqual(
      dataKey,
    );
    // The used recovery key no longer works; the new one does, and opens the data key.
    const used = anon.account.signInWithRecoveryKey.mutate({
      email,
      recoverySecret: recovery.serverSecret,
      deviceName: 'tablet',
    });
    expect(await used.catch((e: unknown) => e)).toMatchObject({
      data: { httpStatus: 401, reason: 'invalid-credentials' },
    });
    const again = await anon.account.signInWithRecoveryKey.mutate({
      email,
      recoverySecret: nextRecovery.serverSecret,
      deviceName: 'tablet',
    });
    expect(
      unwrapDataKeyWithKey({
        wrappedDataKey: again.wrappedDataKey,
        wrappingKey: nextRecovery.wrappingKey,
      }),
    ).toEqual(dataKey);
    // A recovery key is not needed, nor taken, to change a password with the current one.
    const withPassword = httpClient(server, again.accessToken);
    const { wrappingKey: _unused, ...fresh } = newPasswordInput(dataKey);
    expect(
      await statusOf(
        withPassword.account.changePassword.mutate({
          ...fresh,
          currentPassword: change.newPassword,
          recovery: { secret: derivedSecret(), wrappedDataKey: fresh.wrappedDataKey },
        }),
      ),
    ).toBe(400);
  });

  it('lets one recovery key set a password once, even when two devices race with it', async () => {
    const { email, dataKey, recoveryKey } = await signUp(server);
    const anon = httpClient(server);
    const recovery = deriveRecoveryKeys(recoveryKey);
    const sessions = await Promise.all(
      ['first', 'second'].map((deviceName) =>
        anon.account.signInWithRecoveryKey.mutate({
          email,
          recoverySecret: recovery.serverSecret,
          deviceName,
        }),
      ),
    );
    const changes = sessions.map((session) => {
      const next = deriveRecoveryKeys(generateRecoveryKey());
      const { wrappingKey: _unused, ...change } = newPasswordInput(dataKey);
      return httpClient(server, session.accessToken).account.changePassword.mutate({
        ...change,
        recoverySecret: recovery.serverSecret,
        recovery: {
          secret: next.serverSecret,
          wrappedDataKey: wrapDataKeyWithKey({
            dataKey,
            wrappingKey: next.wrappingKey,
            purpose: 'recovery',
          }),
        },
      });
    });
    const statuses = (await Promise.all(changes.map((change) => statusOf(change)))).sort();
    expect(statuses).toEqual([200, 401]);
  });

  it('counts recovery guesses against the account like password guesses', async () => {
    const limited = await startServer(backend, {
      config: { rateLimits: { passwordPerAccountAndIp: { max: 2, windowMs: 60_000 } } },
    });
    try {
      const { email, recoveryKey } = await signUp(limited);
      const anon = httpClient(limited);
      const guess = () =>
        anon.account.signInWithRecoveryKey.mutate({
          email,
          recoverySecret: derivedSecret(),
          deviceName: 'x',
        });
      expect(await statusOf(guess())).toBe(401);
      expect(await statusOf(guess())).toBe(401);
      expect(await statusOf(guess())).toBe(429);
      const right = anon.account.signInWithRecoveryKey.mutate({
        email,
        recoverySecret: deriveRecoveryKeys(recoveryKey).serverSecret,
        deviceName: 'x',
      });
      expect(await statusOf(right)).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('protocol version', () => {
  it('answers a v1 device with protocol-version, before looking at its input', async () => {
    const v1 = httpClient(server, undefined, { [SYNC_PROTOCOL_HEADER]: '1' });
    for (const call of [
      v1.account.signIn.mutate({
        email: 'a@example.test',
        password: 'a v1 password',
        deviceName: 'x',
      } as never),
      v1.account.signUp.mutate({ email: 'a@example.test' } as never),
    ]) {
      const refused = await call.catch((e: unknown) => e);
      expect(refused).toMatchObject({ data: { httpStatus: 400, reason: 'protocol-version' } });
    }
  });
});
