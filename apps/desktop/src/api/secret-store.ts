import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** The file of the data folder that holds the secrets, on every platform. */
export const SECRETS_FILE = 'secrets.json';

/**
 * Where the app keeps what must not sit in the database or a settings file in clear: the sync
 * refresh token and data key, remote model servers' API keys, the store's encryption key.
 * Every secret the app holds goes through this one store.
 */
export interface SecretStore {
  /** How the secrets are protected on disk, for the docs and the Settings screen. */
  readonly protection: 'os-keychain' | 'user-only-file';
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
}

/** Encrypts and decrypts one secret; Electron passes `safeStorage`, the web host passes none. */
export type SecretSealer = {
  seal(plaintext: string): string;
  open(sealed: string): string;
};

const secretsFileSchema = z.object({ v: z.literal(1), secrets: z.record(z.string(), z.string()) });

/**
 * One JSON file, readable and writable by the user only (0600), written atomically. With a
 * sealer (Electron's `safeStorage`) each value is encrypted by the OS keychain; without one (the
 * web host, which has no keychain) the file's permissions are the protection, as for ssh keys.
 */
export function createFileSecretStore(options: {
  path: string;
  sealer?: SecretSealer;
}): SecretStore {
  const { path, sealer } = options;
  const readAll = (): Record<string, string> => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return {};
    }
    const parsed = secretsFileSchema.safeParse(safeJson(text));
    // A file we cannot read is not silently replaced: the next write would lose its secrets.
    if (!parsed.success) throw new Error(`The secrets file ${path} is damaged; move it aside.`);
    return parsed.data.secrets;
  };
  const writeAll = (secrets: Record<string, string>) => {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.tmp`;
    writeFileSync(temporary, JSON.stringify({ v: 1, secrets }), { mode: 0o600 });
    // The mode above applies only when the file is created; a leftover temporary keeps its own.
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  };
  return {
    protection: sealer ? 'os-keychain' : 'user-only-file',
    get(name) {
      const sealed = readAll()[name];
      if (sealed === undefined) return null;
      return sealer ? sealer.open(sealed) : sealed;
    },
    set(name, value) {
      writeAll({ ...readAll(), [name]: sealer ? sealer.seal(value) : value });
    },
    delete(name) {
      const secrets = readAll();
      if (!(name in secrets)) return;
      delete secrets[name];
      writeAll(secrets);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
