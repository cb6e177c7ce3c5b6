import { z } from 'zod';
import {
  type CryptoError,
  deriveRecoveryKeys,
  generateDataKey,
  generateRecoveryKey,
  unwrapDataKeyWithKey,
  wrapDataKeyWithKey,
} from '../crypto';
import { bytesToBase64Url } from '../crypto/encoding';
import { deriveAccountKeys, type AccountKeys } from '../crypto/account-keys';
import { secureRandomBytes } from '../crypto/random';
import type { KeyWrapPurpose } from '../crypto/key-wrap';
import { accountParamsOutputSchema, type AccountKdf, type Session } from '../protocol';
import { passwordSchema, sessionSchema } from '../protocol/schemas';
import { createAuthedCaller, createPublicCaller } from './http-transport';
import type { SyncCredentials } from './ports';
import type { SessionTokens } from './session';
import { SyncError } from './sync-error';

/** The sync server a call goes to. */
export type AccountServer = {
  /** e.g. `https://sync.example.com` (no trailing `/trpc`). */
  url: string;
  fetch?: typeof globalThis.fetch;
  /** A request with no answer after this long fails as `network`; 30 s by default. */
  timeoutMs?: number;
};

/**
 * A device signed in to an account. Keep `tokens` and `dataKey` in the platform's secret store;
 * `createRefreshingSession({ tokens, … })` turns the tokens into the engine's credentials.
 */
export type SignedIn = {
  userId: string;
  deviceId: string;
  tokens: SessionTokens;
  /** The account's data key: it seals and opens every change. */
  dataKey: Uint8Array;
};

const SALT_BYTES = 16;
const okSchema = z.object({ ok: z.literal(true) });
const wrappedDataKeyOutputSchema = z.object({ wrappedDataKey: z.string() });

/**
 * Creates an account (protocol v2): the password never leaves the device; the server gets the
 * server password derived from it, the data key wrapped under the password's key and under a
 * new recovery key. `recoveryKey` is in groups of 4 for a person to copy or print: show it
 * once, ask them to confirm they saved it, and keep it nowhere.
 */
export async function signUp(
  options: AccountServer & { email: string; password: string; deviceName: string },
): Promise<SignedIn & { recoveryKey: string }> {
  checkNewPassword(options.password);
  const http = callerFor(options);
  const kdf = freshKdf((await params(http, options.email)).kdf);
  const keys = await deriveAccountKeys({ password: options.password, kdf });
  const dataKey = generateDataKey();
  const recoveryKey = generateRecoveryKey();
  const session = await http({
    path: 'account.signUp',
    kind: 'mutation',
    input: {
      email: options.email,
      password: keys.serverPassword,
      deviceName: options.deviceName,
      kdf,
      wrappedDataKey: wrap(dataKey, keys.wrappingKey, 'password'),
      recovery: recoveryInput(dataKey, recoveryKey),
    },
    output: sessionSchema,
  });
  return { ...signedIn(session, dataKey), recoveryKey };
}

/** Signs this device in with the account's password; a wrong one is `invalid-credentials`. */
export async function signIn(
  options: AccountServer & { email: string; password: string; deviceName: string },
): Promise<SignedIn> {
  const http = callerFor(options);
  const keys = await keysOf(http, options.email, options.password);
  const session = await http({
    path: 'account.signIn',
    kind: 'mutation',
    input: { email: options.email, password: keys.serverPassword, deviceName: options.deviceName },
    output: sessionSchema,
  });
  return signedIn(session, unwrap(session.wrappedDataKey, keys.wrappingKey));
}

/**
 * Signs this device in with the recovery key and sets `newPassword` in the same step: every
 * other device is signed out and signs in again with the new password. The used recovery key
 * is replaced in the same call (protocol 3): `recoveryKey` is the new one, to show once, as at
 * sign-up; the old one no longer works.
 */
export async function signInWithRecoveryKey(
  options: AccountServer & {
    email: string;
    recoveryKey: string;
    newPassword: string;
    deviceName: string;
  },
): Promise<SignedIn & { recoveryKey: string }> {
  checkNewPassword(options.newPassword);
  const recovery = recoveryKeysOf(options.recoveryKey);
  const http = callerFor(options);
  const session = await http({
    path: 'account.signInWithRecoveryKey',
    kind: 'mutation',
    input: {
      email: options.email,
      recoverySecret: recovery.serverSecret,
      deviceName: options.deviceName,
    },
    output: sessionSchema,
  });
  const dataKey = unwrap(session.wrappedDataKey, recovery.wrappingKey);
  const recoveryKey = generateRecoveryKey();
  await setPassword(http, {
    email: options.email,
    accessToken: session.accessToken,
    proof: { recoverySecret: recovery.serverSecret, recovery: recoveryInput(dataKey, recoveryKey) },
    newPassword: options.newPassword,
    dataKey,
  });
  return { ...signedIn(session, dataKey), recoveryKey };
}

/**
 * Replaces the password in one call: the data key is re-wrapped under the new one, nothing is
 * re-encrypted, and every other device is signed out. A wrong current password is
 * `invalid-credentials`.
 */
export async function changePassword(
  options: AccountServer & {
    credentials: SyncCredentials;
    email: string;
    currentPassword: string;
    newPassword: string;
  },
): Promise<void> {
  checkNewPassword(options.newPassword);
  const http = callerFor(options);
  const authed = createAuthedCaller(options);
  const current = await keysOf(http, options.email, options.currentPassword);
  const { wrappedDataKey } = await authed({
    path: 'account.wrappedDataKey',
    kind: 'query',
    output: wrappedDataKeyOutputSchema,
  });
  const dataKey = unwrapOrWrongPassword(wrappedDataKey, current.wrappingKey);
  await setPassword(http, {
    email: options.email,
    accessToken: await options.credentials.accessToken(),
    proof: { currentPassword: current.serverPassword },
    newPassword: options.newPassword,
    dataKey,
  });
}

/** Deletes the account and everything the server holds of it; asks for the password again. */
export async function deleteAccount(
  options: AccountServer & { credentials: SyncCredentials; email: string; password: string },
): Promise<void> {
  const http = callerFor(options);
  const keys = await keysOf(http, options.email, options.password);
  await createAuthedCaller(options)({
    path: 'account.deleteAccount',
    kind: 'mutation',
    input: { password: keys.serverPassword },
    output: okSchema,
  });
}

type HttpCaller = ReturnType<typeof createPublicCaller>;

function callerFor(server: AccountServer): HttpCaller {
  return createPublicCaller(server);
}

/** The account's parameters (or a stand-in for an unknown email), floors checked here. */
function params(http: HttpCaller, email: string) {
  return http({
    path: 'account.params',
    kind: 'mutation',
    input: { email },
    output: accountParamsOutputSchema,
  });
}

async function keysOf(http: HttpCaller, email: string, password: string): Promise<AccountKeys> {
  const { kdf } = await params(http, email);
  return deriveAccountKeys({ password, kdf });
}

/** The server's cost with a salt drawn here: each new password gets a new salt. */
function freshKdf(cost: AccountKdf): AccountKdf {
  return { ...cost, salt: bytesToBase64Url(secureRandomBytes(SALT_BYTES)) };
}

async function setPassword(
  http: HttpCaller,
  options: {
    email: string;
    accessToken: string;
    /** A recovery key proves one change: the one that replaces it comes with it. */
    proof:
      | { currentPassword: string }
      | { recoverySecret: string; recovery: { secret: string; wrappedDataKey: string } };
    newPassword: string;
    dataKey: Uint8Array;
  },
): Promise<void> {
  const kdf = freshKdf((await params(http, options.email)).kdf);
  const keys = await deriveAccountKeys({ password: options.newPassword, kdf });
  await http({
    path: 'account.changePassword',
    kind: 'mutation',
    accessToken: options.accessToken,
    input: {
      ...options.proof,
      newPassword: keys.serverPassword,
      kdf,
      wrappedDataKey: wrap(options.dataKey, keys.wrappingKey, 'password'),
    },
    output: okSchema,
  });
}

/** What the server keeps of a recovery key: its server secret and the data key wrapped under it. */
function recoveryInput(dataKey: Uint8Array, recoveryKey: string) {
  const recovery = deriveRecoveryKeys(recoveryKey);
  return {
    secret: recovery.serverSecret,
    wrappedDataKey: wrap(dataKey, recovery.wrappingKey, 'recovery'),
  };
}

/** A recovery key as typed, or `invalid-input` saying what it should look like. */
function recoveryKeysOf(recoveryKey: string): ReturnType<typeof deriveRecoveryKeys> {
  try {
    return deriveRecoveryKeys(recoveryKey);
  } catch (error) {
    // deriveRecoveryKeys throws only CryptoError('malformed'), whose message is for a person.
    throw new SyncError('invalid-input', (error as CryptoError).message, {
      fields: ['recoveryKey'],
    });
  }
}

function checkNewPassword(password: string): void {
  if (!passwordSchema.safeParse(password).success) {
    throw new SyncError(
      'invalid-input',
      'Choose a password of 10 to 1,024 characters (letters, digits, spaces, anything you can type).',
      { fields: ['newPassword'] },
    );
  }
}

function wrap(dataKey: Uint8Array, wrappingKey: Uint8Array, purpose: KeyWrapPurpose): string {
  return wrapDataKeyWithKey({ dataKey, wrappingKey, purpose });
}

/**
 * The server accepted the password, so its wrapped key must open: one that does not was
 * changed on the way or on the server, and nothing is signed in with it.
 */
function unwrap(wrappedDataKey: string, wrappingKey: Uint8Array): Uint8Array {
  try {
    return unwrapDataKeyWithKey({ wrappedDataKey, wrappingKey });
  } catch {
    throw new SyncError(
      'invalid-response',
      "The account's key from the sync server does not open: it was changed on the server or on the way. Nothing was synced; tell the server's operator.",
    );
  }
}

/** Before the server is asked, the current password is checked by opening the data key. */
function unwrapOrWrongPassword(wrappedDataKey: string, wrappingKey: Uint8Array): Uint8Array {
  try {
    return unwrapDataKeyWithKey({ wrappedDataKey, wrappingKey });
  } catch {
    throw new SyncError('invalid-credentials', 'The current password is wrong.', {
      path: 'account.changePassword',
    });
  }
}

function signedIn(session: Session, dataKey: Uint8Array): SignedIn {
  return {
    userId: session.userId,
    deviceId: session.deviceId,
    tokens: {
      accessToken: session.accessToken,
      accessTokenExpiresAt: session.accessTokenExpiresAt,
      refreshToken: session.refreshToken,
    },
    dataKey,
  };
}
