import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '@codeface/db';
import type { LockReason } from './adapters/store-encryption';
import { DATABASE_FILE, openAppRuntime } from './compose';
import type { AppRuntime, AppRuntimeOptions } from './compose';
import { AppError } from './errors';
import type { Services } from './services';

/** Whether the app is open, or waits for the key of its encrypted data (the unlock screen). */
export type LockStatus =
  | { locked: false }
  | {
      locked: true;
      reason: LockReason;
      /** The desktop app may set the file aside and start with an empty one. */
      canStartFresh: boolean;
      /** After too many wrong passphrases: how long until the next is tried. */
      retryAfterMs: number;
    };

/** Wrong passphrases tried at once before each further one must wait. */
const FREE_ATTEMPTS = 3;
const MAX_WAIT_MS = 5 * 60_000;

/** The app behind its lock: the hosts serve the API through this from the first moment. */
export type AppGate = {
  status(): LockStatus;
  /** Opens the data with a passphrase; refuses a wrong one with a sentence, and paces guesses. */
  unlock(passphrase: string): Promise<LockStatus>;
  /**
   * The desktop app without its key: moves the encrypted file aside (never deleting it) and
   * starts with an empty store; resolves to the name it was kept under.
   */
  startFresh(): Promise<{ keptAs: string }>;
  /** The open app's services; throws `locked` while the data waits for its key. */
  services(): Services;
  runtime(): AppRuntime | null;
  /** Resolves once the data is open: at once, or when the unlock screen has opened it. */
  opened: Promise<AppRuntime>;
  close(): Promise<void>;
};

const lockReason = (error: unknown): LockReason | null =>
  error instanceof StoreError && error.code === 'key-required'
    ? ((error.data.reason as LockReason | undefined) ?? null)
    : null;

/**
 * Opens the app, or, where its data is encrypted and no key is at hand, waits behind a lock
 * (decision 0483): the web host for its passphrase, the desktop app whose keychain lost its key
 * for a passphrase or a fresh start. Every other failure to open is thrown as before.
 */
export async function openAppGate(options: AppRuntimeOptions): Promise<AppGate> {
  const now = options.now ?? Date.now;
  let runtime: AppRuntime | null = null;
  let reason: LockReason | null = null;
  let failures = 0;
  let retryAt = 0;
  let opening: Promise<unknown> | null = null;
  let markOpened: (runtime: AppRuntime) => void = () => undefined;
  const opened = new Promise<AppRuntime>((resolve) => {
    markOpened = resolve;
  });

  const open = async (passphrase: string | undefined) => {
    try {
      const started = await openAppRuntime({ ...options, passphrase });
      runtime = started;
      reason = null;
      markOpened(started);
    } catch (error) {
      const locked = lockReason(error);
      if (locked === null) throw error;
      reason = locked;
    }
  };
  await open(options.passphrase);

  const status = (): LockStatus =>
    reason === null
      ? { locked: false }
      : {
          locked: true,
          reason,
          canStartFresh: options.platform.kind === 'electron',
          retryAfterMs: Math.max(0, retryAt - now()),
        };
  /** One open at a time: a second click waits for the first instead of opening twice. */
  const serially = async <T>(work: () => Promise<T>): Promise<T> => {
    while (opening !== null) await opening.catch(() => undefined);
    const running = work();
    opening = running;
    try {
      return await running;
    } finally {
      opening = null;
    }
  };

  return {
    status,
    unlock: (passphrase) =>
      serially(async () => {
        if (reason === null) return status();
        const wait = retryAt - now();
        if (wait > 0) {
          throw new AppError(
            'too-many-attempts',
            `Too many wrong passphrases: try again in ${Math.ceil(wait / 1000)} seconds.`,
            { retryAfterMs: wait },
          );
        }
        try {
          await open(passphrase);
        } catch (error) {
          if (!(error instanceof StoreError && error.code === 'wrong-key')) throw error;
          failures += 1;
          if (failures >= FREE_ATTEMPTS) {
            retryAt = now() + Math.min(MAX_WAIT_MS, 1000 * 2 ** (failures - FREE_ATTEMPTS));
          }
          throw new AppError(
            'wrong-passphrase',
            'That passphrase does not open your CodeFace data. Check it and try again.',
            { retryAfterMs: Math.max(0, retryAt - now()) },
          );
        }
        failures = 0;
        retryAt = 0;
        return status();
      }),
    startFresh: () =>
      serially(async () => {
        if (reason === null || options.platform.kind !== 'electron') {
          throw new AppError('invalid-input', 'Your data is open: there is nothing to set aside.');
        }
        const file = join(options.dataDir, DATABASE_FILE);
        const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
        const keptAs = `${DATABASE_FILE}.locked-${stamp}`;
        for (const suffix of ['', '-wal', '-shm']) {
          if (existsSync(file + suffix)) {
            renameSync(file + suffix, join(options.dataDir, keptAs + suffix));
          }
        }
        await open(undefined);
        return { keptAs };
      }),
    services() {
      if (runtime !== null) return runtime.services;
      throw new AppError(
        'locked',
        'Your CodeFace data is encrypted and not open yet: unlock it first.',
      );
    },
    runtime: () => runtime,
    opened,
    async close() {
      await runtime?.close();
    },
  };
}
