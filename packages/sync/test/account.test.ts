import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SyncError,
  changePassword,
  createRefreshingSession,
  deleteAccount,
  refreshTokens,
  signIn,
  signInWithRecoveryKey,
  signUp,
  type SignedIn,
} from '../src/engine';
import { SYNC_PROTOCOL_HEADER } from '../src/protocol';
import { type ServerProcess, startServerProcess } from './support/server-process';

/**
 * The account calls of protocol v2 from the device's side, with the real 64 MiB Argon2id,
 * against a real server process: what Settings → Sync does. A test derives up to five keys,
 * each a few hundred ms alone and seconds on a loaded machine.
 */
describe('one password, never sent', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  /** Every request body the device sent, to check that no password is in one. */
  const sent: string[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    if (typeof init?.body === 'string') sent.push(init.body);
    return fetch(input, init);
  };

  beforeAll(async () => {
    server = await startServerProcess();
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  const on = () => ({ url: server.url, fetch: recordingFetch });
  const credentialsOf = (device: SignedIn) =>
    createRefreshingSession({
      tokens: device.tokens,
      refresh: (refreshToken) => refreshTokens({ url: server.url, refreshToken }),
      onTokens: () => undefined,
    });
  const failureOf = (work: Promise<unknown>) =>
    work.then(
      () => undefined,
      (error: unknown) => (error instanceof SyncError ? error.code : error),
    );
  const pull = async (device: SignedIn) => {
    const response = await fetch(`${server.url}/trpc/devices.list`, {
      headers: { authorization: `Bearer ${device.tokens.accessToken}` },
    });
    return response.status;
  };

  it('signs up and in with one password, which never leaves the device', async () => {
    const email = `a-${randomUUID()}@example.test`;
    const password = `my own password ${randomUUID()}`;
    const first = await signUp({ ...on(), email, password, deviceName: 'laptop' });
    expect(first.dataKey).toHaveLength(32);
    expect(first.recoveryKey).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){12}[0-9A-HJKMNP-TV-Z]{4}$/);
    const second = await signIn({ ...on(), email, password, deviceName: 'desktop' });
    expect(second.userId).toBe(first.userId);
    expect(second.deviceId).not.toBe(first.deviceId);
    expect(second.dataKey).toEqual(first.dataKey);
    expect(
      await failureOf(signIn({ ...on(), email, password: 'not my password', deviceName: 'x' })),
    ).toBe('invalid-credentials');
    expect(
      await failureOf(signIn({ ...on(), email: `nobody-${email}`, password, deviceName: 'x' })),
    ).toBe('invalid-credentials');
    expect(sent.length).toBeGreaterThan(4);
    for (const body of sent) {
      expect(body).not.toContain(password);
      expect(body).not.toContain(first.recoveryKey.replace(/-/g, ''));
      expect(body).not.toContain(Buffer.from(first.dataKey).toString('base64url'));
    }
  });

  it('refuses a short new password before anything is sent', async () => {
    const before = sent.length;
    const email = `b-${randomUUID()}@example.test`;
    expect(await failureOf(signUp({ ...on(), email, password: 'short', deviceName: 'x' }))).toBe(
      'invalid-input',
    );
    expect(sent.length).toBe(before);
  });

  it('changes the password in one call; other devices are signed out, this one stays', async () => {
    const email = `c-${randomUUID()}@example.test`;
    const password = `first password ${randomUUID()}`;
    const laptop = await signUp({ ...on(), email, password, deviceName: 'laptop' });
    const phone = await signIn({ ...on(), email, password, deviceName: 'phone' });
    const credentials = credentialsOf(laptop);
    expect(
      await failureOf(
        changePassword({
          ...on(),
          credentials,
          email,
          currentPassword: 'a wrong password',
          newPassword: 'a new password',
        }),
      ),
    ).toBe('invalid-credentials');
    await changePassword({
      ...on(),
      credentials,
      email,
      currentPassword: password,
      newPassword: 'a new password',
    });
    expect(await pull(laptop)).toBe(200);
    expect(await pull(phone)).toBe(401);
    expect(await failureOf(signIn({ ...on(), email, password, deviceName: 'x' }))).toBe(
      'invalid-credentials',
    );
    const again = await signIn({ ...on(), email, password: 'a new password', deviceName: 'phone' });
    expect(again.dataKey).toEqual(laptop.dataKey);
  });

  it('signs in with the recovery key, however it was typed, and sets a new password', async () => {
    const email = `d-${randomUUID()}@example.test`;
    const password = `forgotten password ${randomUUID()}`;
    const laptop = await signUp({ ...on(), email, password, deviceName: 'laptop' });
    expect(
      await failureOf(
        signInWithRecoveryKey({
          ...on(),
          email,
          recoveryKey: 'not a recovery key',
          newPassword: 'a new password',
          deviceName: 'x',
        }),
      ),
    ).toBe('invalid-input');
    const typed = laptop.recoveryKey.toLowerCase().replace(/-/g, ' ');
    const restored = await signInWithRecoveryKey({
      ...on(),
      email,
      recoveryKey: typed,
      newPassword: 'a new password',
      deviceName: 'new laptop',
    });
    expect(restored.dataKey).toEqual(laptop.dataKey);
    expect(await pull(restored)).toBe(200);
    expect(await pull(laptop)).toBe(401);
    const next = await signIn({ ...on(), email, password: 'a new password', deviceName: 'phone' });
    expect(next.dataKey).toEqual(laptop.dataKey);
    // The used key was replaced by a new one, shown once: the old one opens nothing now.
    expect(restored.recoveryKey).not.toBe(laptop.recoveryKey);
    const withOld = signInWithRecoveryKey({
      ...on(),
      email,
      recoveryKey: laptop.recoveryKey,
      newPassword: 'another new password',
      deviceName: 'y',
    });
    expect(await failureOf(withOld)).toBe('invalid-credentials');
    const withNew = await signInWithRecoveryKey({
      ...on(),
      email,
      recoveryKey: restored.recoveryKey,
      newPassword: 'another new password',
      deviceName: 'tablet',
    });
    expect(withNew.dataKey).toEqual(laptop.dataKey);
  });

  it('deletes the account with the password', async () => {
    const email = `e-${randomUUID()}@example.test`;
    const password = `a password ${randomUUID()}`;
    const laptop = await signUp({ ...on(), email, password, deviceName: 'laptop' });
    const credentials = credentialsOf(laptop);
    expect(
      await failureOf(deleteAccount({ ...on(), credentials, email, password: 'wrong password' })),
    ).toBe('invalid-credentials');
    await deleteAccount({ ...on(), credentials, email, password });
    expect(await failureOf(signIn({ ...on(), email, password, deviceName: 'x' }))).toBe(
      'invalid-credentials',
    );
  });

  it('signs nothing in when the account key from the server was tampered with', async () => {
    const email = `f-${randomUUID()}@example.test`;
    const password = `a password ${randomUUID()}`;
    await signUp({ ...on(), email, password, deviceName: 'laptop' });
    // Whoever answers in the server's name flips a bit of the wrapped data key.
    const tampering: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith('/account.signIn')) return response;
      const body = (await response.json()) as { result: { data: { wrappedDataKey: string } } };
      const envelope = JSON.parse(body.result.data.wrappedDataKey) as { ct: string };
      const ct = Buffer.from(envelope.ct, 'base64url');
      ct[0] = (ct[0] ?? 0) ^ 1;
      body.result.data.wrappedDataKey = JSON.stringify({
        ...envelope,
        ct: ct.toString('base64url'),
      });
      return Response.json(body);
    };
    const refused = await signIn({
      url: server.url,
      fetch: tampering,
      email,
      password,
      deviceName: 'x',
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SyncError);
    expect(refused).toMatchObject({ code: 'invalid-response' });
    expect(String(refused)).toMatch(/does not open/);
  });

  it('a device of protocol 1 is told to update', async () => {
    const response = await fetch(`${server.url}/trpc/account.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SYNC_PROTOCOL_HEADER]: '1' },
      body: JSON.stringify({ email: 'a@example.test', password: 'typed', deviceName: 'x' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { data: { reason: 'protocol-version' } },
    });
  });
});
