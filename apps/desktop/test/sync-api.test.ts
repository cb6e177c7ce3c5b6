import { statSync } from 'node:fs';
import { Socket } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SYNC_PROTOCOL_VERSION } from '@codeface/sync/protocol';
import { SECRETS_FILE } from '../src/api';
import { waitFor } from './support/collect';
import { useSyncServer } from './support/sync-server';

/** Every TCP connection this process opens, as `host:port`. */
function countConnections(): { targets: string[]; stop(): void } {
  const targets: string[] = [];
  const original = Socket.prototype.connect;
  Socket.prototype.connect = function connect(this: Socket, ...args: unknown[]) {
    // `net.connect` passes its normalized arguments as an array, a caller an options object.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    if (typeof first === 'object' && first !== null && 'port' in first) {
      const target = first as { host?: string; port: number };
      targets.push(`${target.host ?? 'localhost'}:${target.port}`);
    }
    return (original as (...a: unknown[]) => Socket).apply(this, args);
  } as typeof original;
  return { targets, stop: () => (Socket.prototype.connect = original) };
}

/**
 * Settings → Sync through the app API: two web hosts (two data folders) and a real sync
 * server process (PGlite), over HTTP and WebSocket.
 */
describe('sync through the app API', () => {
  const sync = useSyncServer();
  const connections = countConnections();

  afterAll(() => connections.stop());

  const serverPort = () => new URL(sync.url).port;
  const hostPorts = () => sync.devices.map((each) => String(each.host.port));

  it('keeps two devices in step, lists and revokes devices, and opens no connection while off', async () => {
    const email = `person-${randomUUID()}@example.test`;
    const password = 'correct horse battery';
    const a = await sync.device();
    const b = await sync.device();

    // Off: nothing but the hosts themselves (the test's clients) is connected to.
    const off = await a.client.api.sync.view.query();
    expect(off).toMatchObject({ signedIn: false, status: { state: 'stopped' }, email: null });
    await a.client.api.chats.create.mutate({ title: 'Before sync' });
    expect(
      connections.targets.every((target) => hostPorts().includes(target.split(':')[1] ?? '')),
    ).toBe(true);

    await expect(a.client.api.sync.testConnection.mutate({ url: sync.url })).resolves.toMatchObject(
      { protocolVersion: SYNC_PROTOCOL_VERSION },
    );
    await expect(
      a.client.api.sync.signUp.mutate({ url: sync.url, email, password: 'short' }),
    ).rejects.toThrow('Choose a password of at least 10 characters.');

    const signedUp = await a.client.api.sync.signUp.mutate({ url: sync.url, email, password });
    expect(signedUp).toMatchObject({
      signedIn: true,
      email,
      serverUrl: sync.url,
      recoveryKeyPending: true,
    });
    // The recovery key is shown in 13 groups of 4 until the person says they saved it.
    const recovery = await a.client.api.sync.recoveryKey.query();
    expect(recovery?.groups).toHaveLength(13);
    expect(recovery?.groups.every((group) => /^[0-9A-Z]{4}$/.test(group))).toBe(true);
    await a.client.api.sync.confirmRecoveryKeySaved.mutate();
    expect(await a.client.api.sync.recoveryKey.query()).toBeNull();
    // The secrets are in the data folder's 0600 file, not in the sync document.
    expect(statSync(join(a.host.dataDir, SECRETS_FILE)).mode & 0o777).toBe(0o600);

    await expect(
      b.client.api.sync.signIn.mutate({ url: sync.url, email, password: 'wrong password' }),
    ).rejects.toThrow('That email and password do not match. Check them and try again.');
    await b.client.api.sync.setDeviceName.mutate({ name: 'Device B' });
    await b.client.api.sync.signIn.mutate({ url: sync.url, email, password });

    // What A had before signing up reaches B, and a chat made on A afterwards does too.
    await waitFor(
      () => b.client.api.chats.list.query(),
      (chats) => chats.some((chat) => chat.title === 'Before sync'),
      60_000,
    );
    const typed = await a.client.api.chats.create.mutate({ title: 'Typed on A' });
    await waitFor(
      () => b.client.api.chats.list.query(),
      (chats) => chats.some((chat) => chat.id === typed.id && chat.title === 'Typed on A'),
      60_000,
    );
    await waitFor(
      () => a.client.api.sync.view.query(),
      (view) => view.status.state === 'synced' && view.status.lastSyncedAt !== null,
      60_000,
    );
    // A deletes it: it leaves B too.
    await a.client.api.chats.delete.mutate({ chatId: typed.id });
    await waitFor(
      () => b.client.api.chats.list.query(),
      (chats) => !chats.some((chat) => chat.id === typed.id),
      60_000,
    );

    // With sync on, the hosts connect to the sync server and to nothing else.
    const allowed = [...hostPorts(), serverPort()];
    expect(
      connections.targets.filter((target) => !allowed.includes(target.split(':')[1] ?? '')),
    ).toEqual([]);
    expect(connections.targets.some((target) => target.endsWith(`:${serverPort()}`))).toBe(true);

    const listed = await a.client.api.sync.devices.query();
    expect(listed.map((each) => each.name).sort()).toEqual([
      `CodeFace on ${hostname()}`,
      'Device B',
    ]);
    const deviceB = listed.find((each) => each.name === 'Device B');
    const deviceA = listed.find((each) => each.current);
    expect(deviceB?.lastSeenAt).toBeGreaterThan(0);
    await expect(
      a.client.api.sync.revokeDevice.mutate({ deviceId: deviceA?.id ?? '' }),
    ).rejects.toThrow('That is this device: use Sign out to stop syncing it.');

    const afterRevoke = await a.client.api.sync.revokeDevice.mutate({
      deviceId: deviceB?.id ?? '',
    });
    expect(afterRevoke.map((each) => each.id)).not.toContain(deviceB?.id);
    // B hears it on its live stream and says so in a sentence; its secrets are gone.
    const revoked = await waitFor(
      () => b.client.api.sync.view.query(),
      (view) => !view.signedIn,
      60_000,
    );
    expect(revoked.status).toMatchObject({ state: 'signed-out' });
    expect(revoked.status.error?.message).toMatch(/Sign in again/);
    expect(b.host.runtime.services.sync.view().signedIn).toBe(false);

    // C restores the account with the recovery key and a new password: it gets the chats, and
    // A, whose password is no longer the account's, is signed out.
    const c = await sync.device();
    const newPassword = 'a brand new passphrase';
    await expect(
      c.client.api.sync.signIn.mutate({
        url: sync.url,
        email,
        recoveryKey: 'ABCD-EFGH',
        newPassword,
      }),
    ).rejects.toThrow();
    const restored = await c.client.api.sync.signIn.mutate({
      url: sync.url,
      email,
      recoveryKey: (recovery?.groups ?? []).join(' ').toLowerCase(),
      newPassword,
    });
    // The used key is replaced: the new one is shown once, until "I saved it".
    expect(restored).toMatchObject({ signedIn: true, recoveryKeyPending: true });
    const replacement = await c.client.api.sync.recoveryKey.query();
    expect(replacement?.groups).toHaveLength(13);
    expect(replacement?.groups).not.toEqual(recovery?.groups);
    await c.client.api.sync.confirmRecoveryKeySaved.mutate();
    await waitFor(
      () => c.client.api.chats.list.query(),
      (chats) => chats.some((chat) => chat.title === 'Before sync'),
      60_000,
    );
    await waitFor(
      () => a.client.api.sync.view.query(),
      (view) => !view.signedIn,
      60_000,
    );

    // Changing the password on C: a wrong current one is refused, the right one works.
    await expect(
      c.client.api.sync.changePassword.mutate({ currentPassword: password, newPassword: password }),
    ).rejects.toThrow();
    await c.client.api.sync.changePassword.mutate({
      currentPassword: newPassword,
      newPassword: password,
    });

    // Signing out deletes the session; the email stays for the next sign-in.
    const signedOut = await c.client.api.sync.signOut.mutate();
    expect(signedOut).toMatchObject({ signedIn: false, email, status: { state: 'stopped' } });
    await expect(c.client.api.sync.devices.query()).rejects.toThrow(
      'This device is not signed in to sync. Sign in first.',
    );

    // The used recovery key opens nothing any more; its replacement does.
    await expect(
      c.client.api.sync.signIn.mutate({
        url: sync.url,
        email,
        recoveryKey: (recovery?.groups ?? []).join('-'),
        newPassword,
      }),
    ).rejects.toThrow('That email and recovery key do not match.');
    await c.client.api.sync.signIn.mutate({
      url: sync.url,
      email,
      recoveryKey: (replacement?.groups ?? []).join('-'),
      newPassword: password,
    });
    await c.client.api.sync.confirmRecoveryKeySaved.mutate();
    await c.client.api.sync.signOut.mutate();

    // Deleting the account: signed out, the email forgotten, and the account gone.
    await c.client.api.sync.signIn.mutate({ url: sync.url, email, password });
    const deleted = await c.client.api.sync.deleteAccount.mutate({ password });
    expect(deleted).toMatchObject({ signedIn: false, email: null });
    await expect(
      c.client.api.sync.signIn.mutate({ url: sync.url, email, password }),
    ).rejects.toThrow('That email and password do not match. Check them and try again.');
  }, 300_000);
});
