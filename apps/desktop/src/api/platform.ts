import type { SecretStore } from './secret-store';

/**
 * What differs between the Electron app and the web host. `main/` implements it with Electron,
 * `host/` headlessly; nothing else imports an implementation.
 */
export interface Platform {
  readonly kind: 'electron' | 'web';
  /** The folder that holds the database and models. */
  readonly dataDir: string;
  /** Whether `pickModelFile` can show a native file dialog. */
  readonly canPickFiles: boolean;
  /** Asks for a GGUF file; null when the person cancels or the platform cannot ask. */
  pickModelFile(): Promise<string | null>;
  /** Opens an http(s) link in the system browser. */
  openExternal(url: string): Promise<void>;
  /** Tokens, keys and passwords: the OS keychain in Electron, a 0600 file in the web host. */
  readonly secrets: SecretStore;
}
