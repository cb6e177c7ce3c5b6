import { unwrapDataKey } from '@codeface/sync/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncServer } from '../src/server';
import { openTestBackend, type TestBackend } from './support/backend';
import {
  httpClient,
  sealedChange,
  signUp,
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
  it('creates an account whose wrapped data key comes back on sign-in and opens with the passphrase', async () => {
    const { email, password, dataKey, session } = await signUp(server);
    const other = await httpClient(server).account.signIn.mutate({
      email: email.toUpperCase(),
      password,
      deviceName: 'desktop',
    });
    expect(other.userId).toBe(session.userId);
    expect(other.deviceId).not.toBe(session.deviceId);
    expect(
      await unwrapDataKey({ wrappedDataKey: other.wrappedDataKey, passphrase: password }),
    ).toEqual(dataKey);
    const devices = await httpClient(server, other.accessToken).devices.list.query();
    expect(devices.map((d) => [d.name, d.current])).toEqual([
      ['laptop', false],
      ['desktop', true],
    ]);
  });

  it('stores the password as an Argon2id hash', async () => {
    const { session, password } = await signUp(server);
    const row = await backend.admin.query<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE id = $1',
      [session.userId],
    );
    expect(row.rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.rows[0]?.password_hash).not.toContain(password);
  });

  it('refuses a taken email with 409 and a wrong password with 401', async () => {
    const { email, password } = await signUp(server);
    const anon = httpClient(server);
    const taken = await anon.account.signUp
      .mutate({ email, password, deviceName: 'x', wrappedDataKey: 'w' })
      .catch((e: unknown) => e);
    expect(taken).toMatchObject({ data: { httpStatus: 409, reason: 'email-taken' } });
    const wrong = anon.account.signIn.mutate({ email, password: 'not-it', deviceName: 'x' });
    expect(await statusOf(wrong)).toBe(401);
    const unknown = anon.account.signIn.mutate({
      email: 'nobody@example.test',
      password: 'whatever',
      deviceName: 'x',
    });
    expect(await statusOf(unknown)).toBe(401);
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
  it('changes the password, signs out other devices and keeps this one', async () => {
    const { email, password, client } = await signUp(server);
    const other = await httpClient(server).account.signIn.mutate({
      email,
      password,
      deviceName: 'other',
    });
    expect(
      await statusOf(
        client.account.changePassword.mutate({
          currentPassword: 'wrong',
          newPassword: 'x'.repeat(12),
        }),
      ),
    ).toBe(401);
    const newPassword = 'new-password-123';
    await client.account.changePassword.mutate({
      currentPassword: password,
      newPassword,
      wrappedDataKey: 'rewrapped',
    });
    expect(await statusOf(httpClient(server, other.accessToken).devices.list.query())).toBe(401);
    expect(await client.devices.list.query()).toHaveLength(1);
    const anon = httpClient(server);
    expect(await statusOf(anon.account.signIn.mutate({ email, password, deviceName: 'x' }))).toBe(
      401,
    );
    const again = await anon.account.signIn.mutate({
      email,
      password: newPassword,
      deviceName: 'x',
    });
    expect(again.wrappedDataKey).toBe('rewrapped');
  });

  it('deleting the account removes every row of the user', async () => {
    const { email, password, session, client, dataKey } = await signUp(server);
    await httpClient(server).account.signIn.mutate({ email, password, deviceName: 'second' });
    await client.account.refresh
      .mutate({ refreshToken: session.refreshToken })
      .catch(() => undefined);
    await client.sync.push.mutate({ changes: [sealedChange({ dataKey, plaintext: 'bye' })] });
    const survivor = await signUp(server);

    expect(await statusOf(client.account.deleteAccount.mutate({ password: 'wrong' }))).toBe(401);
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
