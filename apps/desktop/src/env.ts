import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultDiscoveryRoots } from '@codeface/inference';
import type { DiscoveryRoots } from '@codeface/inference';
import { z } from 'zod';

/**
 * The environment variables the desktop app reads, validated once. Nothing else in the app
 * touches `process.env`.
 */
const envSchema = z.object({
  CODEFACE_DATA_DIR: z.string().min(1).optional(),
  CODEFACE_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** `false` keeps the model on the CPU (tests, machines with a broken GPU driver). */
  CODEFACE_GPU: z.enum(['auto', 'false']).default('auto'),
  CODEFACE_THREADS: z.coerce.number().int().positive().max(256).optional(),
  /** The web host's database passphrase: its data is encrypted with it (decision 0483). */
  CODEFACE_PASSPHRASE: z
    .string()
    .min(8, 'CODEFACE_PASSPHRASE must be at least 8 characters.')
    .optional(),
  XDG_DATA_HOME: z.string().min(1).optional(),
  APPDATA: z.string().min(1).optional(),
  /** A Hugging Face mirror for model downloads, as huggingface_hub reads it. */
  HF_ENDPOINT: z.url().optional(),
  /** Moved Hugging Face and Ollama folders, for discovery of models already on disk. */
  HF_HOME: z.string().min(1).optional(),
  OLLAMA_MODELS: z.string().min(1).optional(),
  /** A local ONNX text-embedding model (folder of model folders, and the model's folder name). */
  CODEFACE_EMBEDDING_MODELS_DIR: z.string().min(1).optional(),
  CODEFACE_EMBEDDING_MODEL: z.string().min(1).optional(),
  /** How the desktop app tells a Wayland session (global hotkeys go through a portal there). */
  XDG_SESSION_TYPE: z.string().optional(),
  WAYLAND_DISPLAY: z.string().optional(),
  /** Packaging only: the update feed built into the app (electron-updater's generic provider). */
  CODEFACE_UPDATE_URL: z.url().optional(),
});

export type DesktopEnv = z.infer<typeof envSchema>;

export function readEnv(source: Record<string, string | undefined> = process.env): DesktopEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid environment: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * Where CodeFace keeps its database, models and secrets unless told otherwise: one per-OS folder
 * that the Electron app and `codeface serve` both open, so a person who switches between them
 * sees the same chats (decision 0481).
 */
export function defaultDataDir(
  env: DesktopEnv,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.CODEFACE_DATA_DIR) return env.CODEFACE_DATA_DIR;
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'CodeFace');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'CodeFace');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'codeface');
}

/** The folders of other tools where models may already be, honouring moved ones. */
export function discoveryRootsFrom(env: DesktopEnv): DiscoveryRoots {
  return defaultDiscoveryRoots({
    home: homedir(),
    hfHome: env.HF_HOME,
    ollamaModels: env.OLLAMA_MODELS,
  });
}

/** The embedding model for semantic search, when both of its variables are set. */
export function embeddingModelFrom(
  env: DesktopEnv,
): { localModelPath: string; modelId: string } | undefined {
  if (!env.CODEFACE_EMBEDDING_MODELS_DIR || !env.CODEFACE_EMBEDDING_MODEL) return undefined;
  return {
    localModelPath: env.CODEFACE_EMBEDDING_MODELS_DIR,
    modelId: env.CODEFACE_EMBEDDING_MODEL,
  };
}

/** Whether this is a Linux Wayland session, where global hotkeys need the desktop's portal. */
export function isWaylandSession(
  env: DesktopEnv,
  platform: NodeJS.Platform = process.platform,
): boolean {
  return (
    platform === 'linux' && (env.XDG_SESSION_TYPE === 'wayland' || Boolean(env.WAYLAND_DISPLAY))
  );
}

/** This process's environment with the data folder set, for the Electron app `codeface start` runs. */
export function envWithDataDir(dataDir: string): Record<string, string | undefined> {
  return { ...process.env, CODEFACE_DATA_DIR: dataDir };
}

/**
 * npm hands `nodedir` (set in some npmrc files) to node-gyp through the environment, and
 * node-gyp then compiles against Node's headers: a Node build under an Electron label. Dropped
 * from this process's environment before building for Electron, whose headers it must use.
 */
export function dropNpmNodedir(): void {
  delete process.env.npm_config_nodedir;
  delete process.env.NPM_CONFIG_NODEDIR;
}
