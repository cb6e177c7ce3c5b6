import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { basename } from 'node:path';
import { readGgufSummary } from './gguf-metadata';
import type { GgufSummary } from './gguf-metadata';

/** Where a model file on this machine came from. Files are always used where they lie. */
export type LocalModelSource =
  'downloaded' | 'imported' | 'lm-studio' | 'ollama' | 'huggingface-cache';

export type LocalModel = GgufSummary & {
  /** Stable across runs: derived from the file's real path. */
  id: string;
  source: LocalModelSource;
  /** What the person recognises: the Ollama tag, the Hugging Face repo and file, the file name. */
  displayName: string;
  /** The path with symbolic links resolved; two entries with the same one are the same file. */
  realPath: string;
};

export function localModelId(realPath: string): string {
  return `local-${createHash('sha256').update(realPath).digest('hex').slice(0, 16)}`;
}

/** Reads a GGUF file's metadata and describes it as a local model, without moving it. */
export async function describeLocalModel(input: {
  path: string;
  source: LocalModelSource;
  displayName?: string;
}): Promise<LocalModel> {
  const summary = await readGgufSummary(input.path);
  const realPath = await realpath(input.path);
  return {
    ...summary,
    id: localModelId(realPath),
    source: input.source,
    displayName: input.displayName ?? summary.name ?? basename(input.path),
    realPath,
  };
}

/**
 * Validates a GGUF file the person picked and returns the record the app registers. The file
 * is used in place, never copied: a 20 GB model must not cost another 20 GB of disk.
 */
export function importGgufFile(path: string): Promise<LocalModel> {
  return describeLocalModel({ path, source: 'imported', displayName: basename(path) });
}
