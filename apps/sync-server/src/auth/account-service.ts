import type {
  AccountKdf,
  AccountParamsOutput,
  ChangePasswordInput,
  DeleteAccountInput,
  Device,
  RecoverySignInInput,
  Session,
  SignInInput,
  SignUpInput,
} from '@codeface/sync/protocol';
import type { AccountKdfCost } from '../config';
import type { EventBus } from '../bus/event-bus';
import { SyncServerError } from '../errors';
import type { SqlDatabase, SqlExecutor } from '../storage/sql-database';
import { toBytes, toSafeNumber } from '../storage/sql-database';
import type { AccessTokens } from './access-token';
import type { AttemptLimits } from './attempt-limits';
import type { PasswordHasher } from './password-hasher';
import { formatRefreshToken, hashSecret, parseRefreshToken, sameHash } from './refresh-token';

export type AccountServiceDeps = {
  db: SqlDatabase;
  bus: EventBus;
  hasher: PasswordHasher;
  attempts: AttemptLimits;
  accessTokens: AccessTokens;
  /** What new passwords are derived with, at least (config `accountKdf`). */
  kdfCost: AccountKdfCost;
  /** `account.params` for an email with no account (account-params.ts). */
  standInParams: (normalizedEmail: string) => AccountKdf;
  refreshTokenTtlMs: number;
  now: () => number;
  randomUUID: () => string;
  randomBytes: (length: number) => Uint8Array;
  onAuthFailure: (reason: string) => void;
};

/** The address a request came from, as the rate limits see it. */
export type ClientIp = string;

/** Who made an authenticated request. */
export type Caller = { userId: string; deviceId: string };

/** A caller whose access token was checked, and until when that token holds. */
export type AuthenticatedCaller = Caller & { accessTokenExpiresAt: number };

const UNIQUE_VIOLATION = '23505';

export function createAccountService(deps: AccountServiceDeps) {
  const { db, now } = deps;

  function fail(reason: 'invalid-credentials' | 'unauthenticated', message: string): never {
    deps.onAuthFailure(reason);
    throw new SyncServerError(reason, message);
  }

  async function issueSession(
    tx: SqlExecutor,
    options: Caller & { wrappedDataKey: string },
  ): Promise<Session> {
    const tokenId = deps.randomUUID();
    const secret = deps.randomBytes(32);
    const at = now();
    await tx.query(
      `INSERT INTO refresh_tokens (id, user_id, device_id, token_hash, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        tokenId,
        options.userId,
        options.deviceId,
        hashSecret(secret),
        at,
        at + deps.refreshTokenTtlMs,
      ],
    );
    const access = deps.accessTokens.issue({
      userId: options.userId,
      deviceId: options.deviceId,
      now: at,
    });
    return {
      userId: options.userId,
      deviceId: options.deviceId,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: formatRefreshToken({ id: tokenId, secret }),
      wrappedDataKey: options.wrappedDataKey,
    };
  }

  async function createDevice(tx: SqlExecutor, options: { userId: string; name: string }) {
    const deviceId = deps.randomUUID();
    const at = now();
    await tx.query(
      'INSERT INTO devices (id, user_id, name, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)',
      [deviceId, options.userId, options.name, at],
    );
    return deviceId;
  }

  /** Revokes devices and every refresh token they hold, then tells their subscriptions. */
  async function revokeDevices(options: { userId: string; deviceIds: string[] }): Promise<void> {
    if (options.deviceIds.length === 0) return;
    const at = now();
    await db.transaction(async (tx) => {
      await tx.query(
        'UPDATE devices SET revoked_at = $3 WHERE user_id = $1 AND id = ANY($2::uuid[]) AND revoked_at IS NULL',
        [options.userId, options.deviceIds, at],
      );
      await tx.query(
        'UPDATE refresh_tokens SET revoked_at = $3 WHERE user_id = $1 AND device_id = ANY($2::uuid[]) AND revoked_at IS NULL',
        [options.userId, options.deviceIds, at],
      );
    });
    for (const deviceId of options.deviceIds) {
      await deps.bus
        .publish(options.userId, { type: 'device-revoked', deviceId })
        .catch(() => undefined);
    }
  }

  /** A password re-check (change password, delete account) counts as a guess like a sign-in. */
  async function checkPassword(userId: string, password: string, ip: ClientIp): Promise<void> {
    const user = await db.query<{ email: string; password_hash: string }>(
      'SELECT email, password_hash FROM users WHERE id = $1',
      [userId],
    );
    const row = user.rows[0];
    if (!row) fail('invalid-credentials', 'The password is wrong.');
    await deps.attempts.passwordAttempt(row.email, ip);
    if (!(await deps.hasher.verify(row.password_hash, password))) {
      fail('invalid-credentials', 'The password is wrong.');
    }
    await deps.attempts.passwordAccepted(row.email, ip);
  }

  /**
   * A recovery secret counts as a guess like a password (it is 256 bits, so the limit is for
   * consistency, not need). An unknown account hashes a stand-in, so it answers in the same time.
   */
  async function checkRecoverySecret<Row extends { recovery_secret_hash: unknown }>(
    row: Row | undefined,
    attempt: { account: string; secret: string; ip: ClientIp },
  ): Promise<Row> {
    const { account, ip } = attempt;
    await deps.attempts.passwordAttempt(account, ip);
    const presented = hashSecret(Buffer.from(attempt.secret, 'utf8'));
    if (!row || !sameHash(toBytes(row.recovery_secret_hash), presented)) {
      fail('invalid-credentials', 'The email or the recovery key is wrong.');
    }
    await deps.attempts.passwordAccepted(account, ip);
    return row;
  }

  /** A device may derive with more than the server asks, never with less. */
  function checkKdfCost(kdf: AccountKdf): void {
    const { t, m, p } = deps.kdfCost;
    if (kdf.t < t || kdf.m < m || kdf.p < p) {
      throw new SyncServerError(
        'invalid-input',
        `This server asks for at least ${t} passes over ${m} KiB in ${p} lanes of Argon2id; ask account.params for them and derive again.`,
        { t, m, p },
      );
    }
  }

  return {
    /**
     * Before sign-in: the account's KDF parameters, or for an unknown email a stand-in of the same
     * shape and the same work (one lookup, one HMAC), so the answer does not tell who has one.
     */
    async params(email: string): Promise<AccountParamsOutput> {
      const normalized = normalizeEmail(email);
      const standIn = deps.standInParams(normalized);
      const result = await db.query<{
        kdf_time_cost: number;
        kdf_memory_kib: number;
        kdf_parallelism: number;
        kdf_salt: string;
      }>(
        'SELECT kdf_time_cost, kdf_memory_kib, kdf_parallelism, kdf_salt FROM users WHERE email = $1',
        [normalized],
      );
      const row = result.rows[0];
      if (!row) return { kdf: standIn };
      return {
        kdf: {
          alg: 'argon2id',
          t: row.kdf_time_cost,
          m: row.kdf_memory_kib,
          p: row.kdf_parallelism,
          salt: row.kdf_salt,
        },
      };
    },

    async signUp(input: SignUpInput, ip: ClientIp): Promise<Session> {
      await deps.attempts.signUpAttempt(ip);
      checkKdfCost(input.kdf);
      const email = normalizeEmail(input.email);
      const passwordHash = await deps.hasher.hash(input.password);
      const userId = deps.randomUUID();
      try {
        return await db.transaction(async (tx) => {
          await tx.query(
            `INSERT INTO users (id, email, password_hash, wrapped_data_key, created_at,
               kdf_time_cost, kdf_memory_kib, kdf_parallelism, kdf_salt,
               recovery_wrapped_data_key, recovery_secret_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
            [
              userId,
              email,
              passwordHash,
              input.wrappedDataKey,
              now(),
              input.kdf.t,
              input.kdf.m,
              input.kdf.p,
              input.kdf.salt,
              input.recovery.wrappedDataKey,
              hashSecret(Buffer.from(input.recovery.secret, 'utf8')),
            ],
          );
          await tx.query('INSERT INTO sync_state (user_id) VALUES ($1)', [userId]);
          const deviceId = await createDevice(tx, { userId, name: input.deviceName });
          return issueSession(tx, { userId, deviceId, wrappedDataKey: input.wrappedDataKey });
        });
      } catch (error) {
        if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
          throw new SyncServerError('email-taken', 'An account with this email already exists.');
        }
        throw error;
      }
    },

    async signIn(input: SignInInput, ip: ClientIp): Promise<Session> {
      const email = normalizeEmail(input.email);
      // Keyed on the account being guessed, before any work on the password.
      await deps.attempts.passwordAttempt(email, ip);
      const result = await db.query<{
        id: string;
        password_hash: string;
        wrapped_data_key: string;
      }>('SELECT id, password_hash, wrapped_data_key FROM users WHERE email = $1', [email]);
      const user = result.rows[0];
      if (!user) {
        await deps.hasher.verifyNothing(input.password);
        fail('invalid-credentials', 'The email or the password is wrong.');
      }
      if (!(await deps.hasher.verify(user.password_hash, input.password))) {
        fail('invalid-credentials', 'The email or the password is wrong.');
      }
      await deps.attempts.passwordAccepted(email, ip);
      return db.transaction(async (tx) => {
        const deviceId = await createDevice(tx, { userId: user.id, name: input.deviceName });
        return issueSession(tx, {
          userId: user.id,
          deviceId,
          wrappedDataKey: user.wrapped_data_key,
        });
      });
    },

    /**
     * Signs a new device in with the recovery key's server secret. The session carries the data
     * key wrapped under the recovery key; the device then sets a new password (changePassword
     * with the recovery secret as proof).
     */
    async signInWithRecoveryKey(input: RecoverySignInInput, ip: ClientIp): Promise<Session> {
      const email = normalizeEmail(input.email);
      const result = await db.query<{
        id: string;
        email: string;
        recovery_secret_hash: unknown;
        recovery_wrapped_data_key: string;
      }>(
        'SELECT id, email, recovery_secret_hash, recovery_wrapped_data_key FROM users WHERE email = $1',
        [email],
      );
      const user = await checkRecoverySecret(result.rows[0], {
        account: email,
        secret: input.recoverySecret,
        ip,
      });
      return db.transaction(async (tx) => {
        const deviceId = await createDevice(tx, { userId: user.id, name: input.deviceName });
        return issueSession(tx, {
          userId: user.id,
          deviceId,
          wrappedDataKey: user.recovery_wrapped_data_key,
        });
      });
    },

    /**
     * Rotates a refresh token. A token is good once: presenting one that was already rotated (or
     * revoked) means it leaked, so the whole family, the device, is revoked, and the thief and the
     * owner both have to sign in again.
     */
    async refresh(refreshToken: string): Promise<Session> {
      const parsed = parseRefreshToken(refreshToken);
      if (!parsed) fail('unauthenticated', 'The refresh token is not valid.');
      const found = await db.query<{
        user_id: string;
        device_id: string;
        token_hash: unknown;
        expires_at: unknown;
        used_at: unknown;
        revoked_at: unknown;
      }>(
        'SELECT user_id, device_id, token_hash, expires_at, used_at, revoked_at FROM refresh_tokens WHERE id = $1',
        [parsed.id],
      );
      const token = found.rows[0];
      if (!token || !sameHash(toBytes(token.token_hash), parsed.secretHash)) {
        deps.onAuthFailure('refresh-token-invalid');
        throw new SyncServerError('refresh-token-invalid', 'The refresh token is not valid.');
      }
      const caller = { userId: token.user_id, deviceId: token.device_id };
      const reused = async (): Promise<never> => {
        await revokeDevices({ userId: caller.userId, deviceIds: [caller.deviceId] });
        deps.onAuthFailure('refresh-token-reused');
        throw new SyncServerError(
          'refresh-token-reused',
          'This refresh token was already used; the device has been signed out. Sign in again.',
        );
      };
      if (token.used_at !== null || token.revoked_at !== null) return reused();
      if (toSafeNumber(token.expires_at) <= now()) {
        deps.onAuthFailure('refresh-token-expired');
        throw new SyncServerError('refresh-token-invalid', 'The refresh token has expired.');
      }
      const rotated = await db.transaction(async (tx) => {
        // Only one of two racing rotations of the same token gets the row.
        const claimed = await tx.query(
          'UPDATE refresh_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL RETURNING id',
          [parsed.id, now()],
        );
        if (claimed.rowCount === 0) return undefined;
        const device = await tx.query<{ wrapped_data_key: string }>(
          `UPDATE devices d SET last_seen_at = $3 FROM users u
           WHERE d.id = $1 AND d.user_id = $2 AND d.revoked_at IS NULL AND u.id = d.user_id
           RETURNING u.wrapped_data_key`,
          [caller.deviceId, caller.userId, now()],
        );
        const row = device.rows[0];
        if (!row) return 'device-revoked' as const;
        return issueSession(tx, { ...caller, wrappedDataKey: row.wrapped_data_key });
      });
      if (rotated === undefined) return reused();
      if (rotated === 'device-revoked') {
        deps.onAuthFailure('device-revoked');
        throw new SyncServerError('device-revoked', 'This device was signed out. Sign in again.');
      }
      return rotated;
    },

    /** Checks an access token and that its device still stands; every authed request does. */
    async authenticate(accessToken: string | undefined): Promise<AuthenticatedCaller> {
      if (!accessToken) fail('unauthenticated', 'Sign in first: no access token was sent.');
      const claims = deps.accessTokens.verify(accessToken, now());
      if (claims === 'invalid') fail('unauthenticated', 'The access token is not valid.');
      if (claims === 'expired') {
        deps.onAuthFailure('token-expired');
        throw new SyncServerError('token-expired', 'The access token has expired; refresh it.');
      }
      const device = await db.query<{ revoked_at: unknown }>(
        'SELECT revoked_at FROM devices WHERE id = $1 AND user_id = $2',
        [claims.did, claims.sub],
      );
      const row = device.rows[0];
      if (!row || row.revoked_at !== null) {
        deps.onAuthFailure('device-revoked');
        throw new SyncServerError('device-revoked', 'This device was signed out. Sign in again.');
      }
      return { userId: claims.sub, deviceId: claims.did, accessTokenExpiresAt: claims.exp };
    },

    async signOut(caller: Caller): Promise<void> {
      await revokeDevices({ userId: caller.userId, deviceIds: [caller.deviceId] });
    },

    /**
     * Replaces the server password, the KDF parameters and the password-wrapped data key in one
     * statement, then signs out every other device; no change is re-encrypted. The proof is the
     * current server password, or the recovery secret after a recovery sign-in: then the new
     * recovery key replaces the used one in the same statement, which holds only while the
     * account still has the key that was checked, so one recovery key proves one change.
     */
    async changePassword(caller: Caller, input: ChangePasswordInput, ip: ClientIp): Promise<void> {
      checkKdfCost(input.kdf);
      let usedRecoveryHash: Buffer | null = null;
      if (input.recoverySecret !== undefined) {
        const result = await db.query<{ email: string; recovery_secret_hash: unknown }>(
          'SELECT email, recovery_secret_hash FROM users WHERE id = $1',
          [caller.userId],
        );
        const row = result.rows[0];
        // Keyed on the account's email, as a sign-in's guesses are.
        await checkRecoverySecret(row, {
          account: row?.email ?? caller.userId,
          secret: input.recoverySecret,
          ip,
        });
        usedRecoveryHash = hashSecret(Buffer.from(input.recoverySecret, 'utf8'));
      } else {
        await checkPassword(caller.userId, input.currentPassword ?? '', ip);
      }
      const passwordHash = await deps.hasher.hash(input.newPassword);
      const password = [
        caller.userId,
        passwordHash,
        input.wrappedDataKey,
        input.kdf.t,
        input.kdf.m,
        input.kdf.p,
        input.kdf.salt,
      ];
      const updated =
        usedRecoveryHash === null || input.recovery === undefined
          ? await db.query(
              `UPDATE users SET password_hash = $2, wrapped_data_key = $3, kdf_time_cost = $4,
                 kdf_memory_kib = $5, kdf_parallelism = $6, kdf_salt = $7
               WHERE id = $1`,
              password,
            )
          : await db.query(
              `UPDATE users SET password_hash = $2, wrapped_data_key = $3, kdf_time_cost = $4,
                 kdf_memory_kib = $5, kdf_parallelism = $6, kdf_salt = $7,
                 recovery_secret_hash = $8, recovery_wrapped_data_key = $9
               WHERE id = $1 AND recovery_secret_hash = $10`,
              [
                ...password,
                hashSecret(Buffer.from(input.recovery.secret, 'utf8')),
                input.recovery.wrappedDataKey,
                usedRecoveryHash,
              ],
            );
      // Another change spent the same recovery key first.
      if (usedRecoveryHash !== null && updated.rowCount === 0)
        fail('invalid-credentials', 'The recovery key was already used.');
      const others = await db.query<{ id: string }>(
        'SELECT id FROM devices WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL',
        [caller.userId, caller.deviceId],
      );
      await revokeDevices({ userId: caller.userId, deviceIds: others.rows.map((r) => r.id) });
    },

    /** Deletes the account and, through ON DELETE CASCADE, every row that belongs to it. */
    async deleteAccount(caller: Caller, input: DeleteAccountInput, ip: ClientIp): Promise<void> {
      await checkPassword(caller.userId, input.password, ip);
      const devices = await db.query<{ id: string }>('SELECT id FROM devices WHERE user_id = $1', [
        caller.userId,
      ]);
      await db.query('DELETE FROM users WHERE id = $1', [caller.userId]);
      for (const device of devices.rows) {
        await deps.bus
          .publish(caller.userId, { type: 'device-revoked', deviceId: device.id })
          .catch(() => undefined);
      }
    },

    async listDevices(caller: Caller): Promise<Device[]> {
      const result = await db.query<{
        id: string;
        name: string;
        created_at: unknown;
        last_seen_at: unknown;
      }>(
        'SELECT id, name, created_at, last_seen_at FROM devices WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at, id',
        [caller.userId],
      );
      return result.rows.map((row) => ({
        id: row.id,
        name: row.name,
        createdAt: toSafeNumber(row.created_at),
        lastSeenAt: toSafeNumber(row.last_seen_at),
        current: row.id === caller.deviceId,
      }));
    },

    async revokeDevice(caller: Caller, deviceId: string): Promise<void> {
      const found = await db.query(
        'SELECT 1 FROM devices WHERE user_id = $1 AND id = $2 AND revoked_at IS NULL',
        [caller.userId, deviceId],
      );
      if (found.rows.length === 0) {
        throw new SyncServerError('not-found', 'No such device on this account.', { deviceId });
      }
      await revokeDevices({ userId: caller.userId, deviceIds: [deviceId] });
    },

    async wrappedDataKey(caller: Caller): Promise<string> {
      const result = await db.query<{ wrapped_data_key: string }>(
        'SELECT wrapped_data_key FROM users WHERE id = $1',
        [caller.userId],
      );
      const row = result.rows[0];
      if (!row) throw new SyncServerError('not-found', 'The account no longer exists.');
      return row.wrapped_data_key;
    },
  };
}
export type AccountService = ReturnType<typeof createAccountService>;

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
