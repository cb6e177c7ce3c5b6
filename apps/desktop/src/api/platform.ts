import type { SecretStore } from './secret-store';

/** Whether the quick ask's global hotkey works, in words a person can act on. */
export type HotkeyStatus =
  | { state: 'registered'; accelerator: string }
  /** The desktop could not register it: another app holds it, or no way to register exists. */
  | { state: 'failed'; accelerator: string; message: string }
  /** This host has no global hotkeys (the web host: a browser tab cannot hear other apps' keys). */
  | { state: 'unsupported'; message: string };

/** What the quick ask may attach as context: the clipboard and, on Linux, the primary selection. */
export type QuickAskContext = { clipboard: string | null; selection: string | null };

/** A native dialog: an existing file, a new file's name, or a folder. */
export type PathRequest =
  | { kind: 'open-file'; title: string; defaultPath?: string }
  | { kind: 'save-file'; title: string; defaultPath?: string }
  | { kind: 'folder'; title: string; defaultPath?: string };

/**
 * What differs between the Electron app and the web host. `main/` implements it with Electron,
 * `host/` headlessly; nothing else imports an implementation.
 */
export interface Platform {
  readonly kind: 'electron' | 'web';
  /** The folder that holds the database and models. */
  readonly dataDir: string;
  /** Whether `pickModelFile` and `pickPath` can show a native dialog. */
  readonly canPickFiles: boolean;
  /** Asks for a GGUF file; null when the person cancels or the platform cannot ask. */
  pickModelFile(): Promise<string | null>;
  /** Asks for a path with a native dialog; null when the person cancels or there is none. */
  pickPath(request: PathRequest): Promise<string | null>;
  /** Opens an http(s) link in the system browser. */
  openExternal(url: string): Promise<void>;
  /** Tokens, keys and passwords: the OS keychain in Electron, a 0600 file in the web host. */
  readonly secrets: SecretStore;
  /** The quick ask's global hotkey: `apply` registers a new one, keeping the old on failure. */
  readonly hotkey: {
    status(): HotkeyStatus;
    apply(accelerator: string): HotkeyStatus;
  };
  /** Reads the quick ask's context; null where the page must read the clipboard itself. */
  readQuickAskContext(): Promise<QuickAskContext | null>;
}
