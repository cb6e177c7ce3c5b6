import { ClockError, StoreError } from '@codeface/db';
import type { ClockErrorCode, StoreErrorCode } from '@codeface/db';
import { EmbeddingError, EngineError, ModelError, PromptError } from '@codeface/inference';
import type {
  EmbeddingErrorCode,
  EngineErrorCode,
  ModelErrorCode,
  PromptErrorCode,
} from '@codeface/inference';
import { CryptoError } from '@codeface/sync/crypto';
import { SyncError } from '@codeface/sync/engine';
import type { SyncFailure } from '@codeface/sync/engine';
import type { CryptoErrorCode } from '@codeface/sync/crypto';
import { SYNC_PROTOCOL_VERSION } from '@codeface/sync/protocol';
import { AppError, appErrorReasons } from './errors';
import type { AppErrorReason } from './errors';

/**
 * The API edge: every error that leaves the host for a page passes through `toAppError`, which
 * gives it one of our reasons and a message written for people. The packages' own messages are
 * for the host's log: they name files, SQL and engine internals (decision 0406).
 */

type Data = Record<string, unknown>;
type Explanation = { reason: AppErrorReason; message: string };
type Explain = Explanation | ((data: Data) => Explanation);

/**
 * The shape every package's error class has, by convention (packages may not import each other):
 * `new XError(code, message, data)`. Listing a class below with another constructor is a type
 * error, and `test/error-shape.test.ts` finds any exported error class that is not listed.
 */
type CodedErrorClass<Code extends string> = new (
  code: Code,
  message: string,
  data?: Data,
) => Error & { readonly code: Code; readonly data: Data };

/** Explains the errors of one package class, and nothing else (undefined). */
const packageError =
  <Code extends string>(type: CodedErrorClass<Code>, table: Record<Code, Explain>) =>
  (error: unknown): Explanation | undefined => {
    if (!(error instanceof type)) return undefined;
    const entry = table[error.code];
    return typeof entry === 'function' ? entry(error.data) : entry;
  };

const TOO_LONG: Explanation = {
  reason: 'prompt-too-long',
  message:
    "The message is too long for the model's context window. Shorten it, start a new chat, or raise the context size in Settings.",
};
const MODEL_FAILED: Explanation = {
  reason: 'model-error',
  message: 'The model stopped unexpectedly. Send again to restart it; the details are in the log.',
};
const STORAGE_FAILED: Explanation = {
  reason: 'storage-error',
  message: 'CodeFace could not read or write its data. The details are in its log.',
};
const DISK_FULL: Explanation = {
  reason: 'disk-full',
  message: 'The disk is full. Free some space and try again; nothing already saved was lost.',
};
const CHANGE_SET_ASIDE: Explanation = {
  reason: 'sync-error',
  message: 'A synced change could not be read and was set aside. Your other chats are fine.',
};

const gigabytes = (bytes: unknown) =>
  typeof bytes === 'number' ? `${(bytes / 1e9).toFixed(1)} GB` : 'more';

const storeErrors = packageError<StoreErrorCode>(StoreError, {
  'not-found': (data) =>
    data.entity === 'chat'
      ? { reason: 'chat-not-found', message: 'That chat no longer exists.' }
      : data.entity === 'model'
        ? { reason: 'model-not-found', message: 'That model is no longer in the library.' }
        : { reason: 'message-not-found', message: 'That message no longer exists.' },
  'invalid-input': {
    reason: 'invalid-input',
    message: 'That reply belongs to another chat. Reload the chat and try again.',
  },
  'not-streaming': { reason: 'answer-finished', message: 'That answer has already finished.' },
  'newer-version': {
    reason: 'storage-error',
    message: 'Your data was saved by a newer CodeFace. Update CodeFace to open it.',
  },
  'wrong-key': {
    reason: 'storage-error',
    message: 'That key does not open your CodeFace data.',
  },
  'key-required': {
    reason: 'storage-error',
    message: 'Your CodeFace data is encrypted: CodeFace needs its key to open it.',
  },
  'corrupt-file-moved': {
    reason: 'storage-error',
    message:
      "CodeFace's database was damaged, so it was set aside and a new one started. The old file is in the data folder.",
  },
  'migration-failed': {
    reason: 'storage-error',
    message:
      'Upgrading your CodeFace data failed. A copy from before the upgrade is in the data folder; the details are in the log.',
  },
  'encryption-failed': {
    reason: 'storage-error',
    message:
      'Encrypting your CodeFace data failed and it was left as it was; the details are in the log.',
  },
  busy: {
    reason: 'storage-busy',
    message: 'Your CodeFace data is being encrypted or decrypted. Try again in a moment.',
  },
  closed: {
    reason: 'storage-error',
    message: 'CodeFace is shutting down. Try again after it restarts.',
  },
});

const clockErrors = packageError<ClockErrorCode>(ClockError, {
  'clock-drift': {
    reason: 'sync-error',
    message:
      "Another device's clock is far ahead of this one. Check the date and time on your devices.",
  },
  'counter-overflow': { reason: 'sync-error', message: 'Too many changes at once. Try again.' },
  'invalid-timestamp': CHANGE_SET_ASIDE,
});

const engineErrors = packageError<EngineErrorCode>(EngineError, {
  'model-not-found': {
    reason: 'model-not-found',
    message: 'That model file is no longer on this computer. Import it again or pick another.',
  },
  'not-gguf': { reason: 'invalid-model', message: 'This file is not a GGUF model.' },
  'model-truncated': {
    reason: 'invalid-model',
    message: 'This model file is incomplete. Download it again.',
  },
  'model-invalid': {
    reason: 'invalid-model',
    message: 'This model file is damaged. Download it again or pick another model.',
  },
  'unsupported-architecture': {
    reason: 'invalid-model',
    message: 'This kind of model is not supported by this version of CodeFace.',
  },
  'model-too-big': {
    reason: 'model-too-big',
    message:
      'This model needs more memory than is free. Pick a smaller quantization, lower the context size or put fewer layers on the GPU.',
  },
  'invalid-options': {
    reason: 'invalid-settings',
    message: 'The context size or GPU layers in Settings do not suit this model.',
  },
  'invalid-params': {
    reason: 'invalid-settings',
    message: 'The temperature or answer length in Settings is not valid.',
  },
  'invalid-response-format': {
    reason: 'invalid-input',
    message: 'The JSON schema asked of the answer is not one the model can follow.',
  },
  'no-model-loaded': {
    reason: 'no-model-loaded',
    message: 'Load a model first: open Models and pick one.',
  },
  'context-overflow': TOO_LONG,
  'process-crashed': MODEL_FAILED,
  'generation-failed': MODEL_FAILED,
  'load-failed': {
    reason: 'model-error',
    message:
      'The model could not be loaded. The file may be damaged or too big for this computer; the details are in the log.',
  },
  // A call still on its way when the app closed: nothing failed.
  closed: { reason: 'closing', message: 'CodeFace is closing. Open it again to go on.' },
  'load-timeout': {
    reason: 'model-error',
    message: 'The model took too long to load. Try again, or pick a smaller model.',
  },
  unsupported: {
    reason: 'unsupported-on-platform',
    message: 'This model engine cannot do that.',
  },
  'connection-failed': {
    reason: 'model-server-error',
    message: 'The model server could not be reached. Check its address and that it is running.',
  },
  unauthorized: {
    reason: 'model-server-error',
    message: 'The model server refused the API key. Check the key in Settings.',
  },
  timeout: {
    reason: 'model-server-error',
    message: 'The model server did not answer in time. Try again.',
  },
  'malformed-stream': {
    reason: 'model-server-error',
    message: 'The model server sent an answer CodeFace cannot read. Is it OpenAI-compatible?',
  },
  'http-error': (data) => ({
    reason: 'model-server-error',
    message:
      typeof data.status === 'number'
        ? `The model server answered with HTTP status ${data.status}.`
        : 'The model server answered with an error.',
  }),
});

const modelErrors = packageError<ModelErrorCode>(ModelError, {
  'catalog-invalid': {
    reason: 'internal-error',
    message: "CodeFace's model catalog is damaged. Reinstall CodeFace.",
  },
  'not-found': (data) =>
    'path' in data
      ? { reason: 'model-not-found', message: 'There is no model file at that path.' }
      : { reason: 'model-not-found', message: 'That model is not in the catalog.' },
  'not-gguf': { reason: 'invalid-import', message: 'This file is not a GGUF model.' },
  'unreadable-gguf': {
    reason: 'invalid-import',
    message: 'This GGUF file is damaged or incomplete.',
  },
  'unsupported-architecture': {
    reason: 'invalid-import',
    message: "This model's architecture is not supported by llama.cpp.",
  },
  'download-http': (data) => ({
    reason: 'download-failed',
    message:
      typeof data.status === 'number'
        ? `The download server answered with HTTP status ${data.status}. Try again later.`
        : 'The download server could not be reached. Check your connection, then Resume: what arrived is kept.',
  }),
  'download-insufficient-disk': (data) => ({
    reason: 'download-failed',
    message: `There is not enough free disk space for this model: it needs ${gigabytes(data.neededBytes)} and ${gigabytes(data.freeBytes)} is free.`,
  }),
  'download-checksum-mismatch': {
    reason: 'download-failed',
    message: 'The downloaded file was damaged on the way and was removed. Try again.',
  },
  'download-size-mismatch': {
    reason: 'download-failed',
    message: 'The download was not the size the server announced and was removed. Try again.',
  },
  'download-cancelled': { reason: 'download-failed', message: 'The download was cancelled.' },
  'download-in-progress': {
    reason: 'download-busy',
    message: 'This model is already being downloaded.',
  },
  'download-stalled': {
    reason: 'download-failed',
    message:
      'The download kept stalling. What arrived is kept, so starting it again carries on from there.',
  },
  'download-write-failed': {
    reason: 'download-failed',
    message:
      'The model could not be written to disk (full, or no permission). What arrived is kept.',
  },
  'invalid-context-size': {
    reason: 'invalid-settings',
    message: 'The context size in Settings does not suit this model.',
  },
  'prompt-too-long': TOO_LONG,
});

const promptErrors = packageError<PromptErrorCode>(PromptError, {
  'invalid-budget': {
    reason: 'invalid-settings',
    message: 'The context size or answer length in Settings is not valid.',
  },
});

const embeddingErrors = packageError<EmbeddingErrorCode>(EmbeddingError, {
  'model-not-found': {
    reason: 'embedding-error',
    message: 'The search model is missing or damaged, so search matches words only for now.',
  },
  'invalid-input': {
    reason: 'embedding-error',
    message: 'Some messages could not be indexed for search.',
  },
  'embedding-failed': {
    reason: 'embedding-error',
    message: 'Indexing messages for search failed; it will try again later.',
  },
});

const cryptoErrors = packageError<CryptoErrorCode>(CryptoError, {
  'decrypt-failure': (data) =>
    data.what === 'wrapped-data-key'
      ? {
          reason: 'wrong-passphrase',
          message: 'That password or recovery key does not open your synced chats.',
        }
      : CHANGE_SET_ASIDE,
  malformed: CHANGE_SET_ASIDE,
  'unsupported-version': {
    reason: 'sync-error',
    message: 'Some synced changes come from a newer CodeFace. Update CodeFace to read them.',
  },
});

const SYNC_SIGNED_OUT: Explanation = {
  reason: 'sync-error',
  message: 'This device was signed out of sync. Sign in again in Settings → Sync.',
};

/** Why the sync server gave no answer (`SyncError` data `network`), and what to do about it. */
const SYNC_UNREACHABLE: Record<string, string> = {
  dns: 'No server answers to that name. Check the address of your sync server for typing mistakes.',
  refused:
    'Nothing answers at that address and port. Check the address of your sync server and that it is running.',
  tls: "The sync server's certificate is not trusted: it is self-signed, expired or made for another name. Ask its operator to install a valid certificate, then try again.",
  timeout:
    'The sync server did not answer in time. Check your connection and try again; your chats are safe here.',
  unreachable:
    'The sync server cannot be reached. Check your connection; your chats are safe here and sync resumes when it answers.',
};

/** "in 15 minutes", "in 40 seconds": a wait as a person reads it. */
function waitOf(ms: unknown): string {
  if (typeof ms !== 'number') return 'in a few minutes';
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 90) return `in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `in ${minutes} minutes`;
  return `in ${Math.ceil(minutes / 60)} hours`;
}

/** The password-guessing limits (decision 0306): keyed on the email typed, known or not. */
const PASSWORD_LIMITS = new Set(['passwordPerAccountAndIp', 'passwordPerAccount']);

/**
 * A wrong secret, by the call that refused it. The server answers an unknown email as it does a
 * wrong password, and so does this sentence: it never says whether the account exists.
 */
function wrongCredentials(path: unknown): Explanation {
  const message =
    path === 'account.signInWithRecoveryKey'
      ? 'That email and recovery key do not match. Check both; the key is the 13 groups of 4 shown when the account was made.'
      : path === 'account.changePassword'
        ? 'The current password is wrong. Type the password this account has now.'
        : path === 'account.deleteAccount'
          ? 'That password is wrong, so the account was not deleted. Type the password this account has now.'
          : 'That email and password do not match. Check them and try again.';
  return { reason: 'wrong-passphrase', message };
}

/** A refused field (`SyncError` data `fields`), named for the person who typed it. */
function refusedInput(fields: unknown): Explanation {
  const named = Array.isArray(fields) ? fields : [];
  const message = named.includes('recoveryKey')
    ? 'That is not a whole recovery key: it is 13 groups of 4 letters and digits, as shown when the account was made. Check it for a missing or extra group.'
    : named.includes('email')
      ? 'The sync server did not accept that email address. Check it for typing mistakes.'
      : named.includes('newPassword')
        ? 'Choose a password of 10 to 1,024 characters.'
        : named.includes('deviceName')
          ? 'The sync server did not accept this device’s name. Give it a shorter name in Settings → Sync.'
          : 'The sync server refused what was sent. Check the details you entered; if it keeps happening, the server’s log says why.';
  return { reason: 'invalid-input', message };
}

const syncErrors = packageError<SyncFailure>(SyncError, {
  network: (data) => ({
    reason: 'sync-error',
    message: SYNC_UNREACHABLE[String(data.network)] ?? String(SYNC_UNREACHABLE.unreachable),
  }),
  'server-error': {
    reason: 'sync-error',
    message: 'The sync server had a problem. Sync tries again by itself; nothing here was lost.',
  },
  'invalid-response': {
    reason: 'sync-error',
    message:
      'That address answers, but not as a CodeFace sync server. Check the server URL: it is the address the server’s operator gave, without /trpc.',
  },
  'invalid-input': (data) => refusedInput(data.fields),
  'protocol-version': (data) => ({
    reason: 'sync-error',
    message:
      typeof data.serverVersion === 'number' && data.serverVersion < SYNC_PROTOCOL_VERSION
        ? `The sync server is older than this CodeFace (protocol ${data.serverVersion}, this app speaks ${SYNC_PROTOCOL_VERSION}). Ask its operator to update it; your chats are safe here meanwhile.`
        : 'The sync server speaks a newer protocol. Update CodeFace to keep syncing; your chats are safe here meanwhile.',
  }),
  'email-taken': {
    reason: 'invalid-input',
    message: 'An account with that email already exists. Sign in instead.',
  },
  'invalid-credentials': (data) => wrongCredentials(data.path),
  unauthenticated: SYNC_SIGNED_OUT,
  'token-expired': SYNC_SIGNED_OUT,
  'device-revoked': {
    reason: 'sync-error',
    message: 'This device was removed from your account. Sign in again in Settings → Sync.',
  },
  'refresh-token-reused': SYNC_SIGNED_OUT,
  'refresh-token-invalid': SYNC_SIGNED_OUT,
  'not-found': {
    reason: 'sync-error',
    message: 'The sync server no longer has that item. Sync again from Settings → Sync.',
  },
  'limit-exceeded': {
    reason: 'sync-error',
    message: 'The sync server refused a change as too large for its limits.',
  },
  'rate-limited': (data) => ({
    reason: 'sync-error',
    message: PASSWORD_LIMITS.has(String(data.limit))
      ? `Too many password attempts for this email. Wait and try again ${waitOf(data.retryAfterMs)}.`
      : data.limit === 'signUpPerIp'
        ? `Too many accounts were made from this address. Try again ${waitOf(data.retryAfterMs)}.`
        : `The sync server asked to slow down. Try again ${waitOf(data.retryAfterMs)}.`,
  }),
  'origin-not-allowed': {
    reason: 'sync-error',
    message: 'The sync server does not accept this app. Its operator must allow it.',
  },
});

const packageErrors = [
  storeErrors,
  clockErrors,
  engineErrors,
  modelErrors,
  promptErrors,
  embeddingErrors,
  cryptoErrors,
  syncErrors,
];

/** Errors of the platform below the packages, by the `code` Node and SQLite give them. */
function explainPlatformError(code: string): Explanation | undefined {
  if (code === 'ENOSPC' || code === 'SQLITE_FULL') return DISK_FULL;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return {
      reason: 'storage-busy',
      message: "Another program is holding CodeFace's database. Try again in a moment.",
    };
  }
  if (code.startsWith('SQLITE_')) return STORAGE_FAILED;
  return undefined;
}

function explain(error: unknown): Explanation | undefined {
  for (const explainPackageError of packageErrors) {
    const explanation = explainPackageError(error);
    if (explanation) return explanation;
  }
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return explainPlatformError(error.code);
  }
  return undefined;
}

const UNKNOWN: Explanation = {
  reason: 'internal-error',
  message: 'Something went wrong inside CodeFace. The details are in its log.',
};

/**
 * Turns anything thrown into an AppError a page may see. Errors that are the host's fault
 * (every reason that maps to INTERNAL_SERVER_ERROR, and anything unknown) are written to the
 * host's log in full, since the page gets only a sentence.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const { reason, message } = explain(error) ?? UNKNOWN;
  if (appErrorReasons[reason] === 'INTERNAL_SERVER_ERROR') {
    console.error(`CodeFace: ${reason}:`, error);
  }
  return new AppError(reason, message);
}
