import { open, stat } from 'node:fs/promises';
import { GgmlType, GgufFileType, readGgufFileInfo } from 'node-llama-cpp';
import type { GgufFileInfo } from 'node-llama-cpp';
import { ModelError } from './model-error';

/** What the app shows and needs about a GGUF file, read from its header only. */
export type GgufSummary = {
  path: string;
  sizeBytes: number;
  architecture: string;
  /** `general.name` when the file sets it. */
  name: string | null;
  /** Sum of all tensor elements: the model's parameter count. */
  parameters: number;
  /** llama.cpp's quantisation name (`Q4_K_M`, `F16`, …) from `general.file_type`, else null. */
  quantisation: string | null;
  /** The context length the model was trained for. */
  contextLength: number | null;
  layers: number | null;
  /** The Jinja chat template embedded in the file, which the engine uses to format chats. */
  chatTemplate: string | null;
};

const GGUF_MAGIC = Buffer.from('GGUF', 'ascii');

/**
 * Vocabulary arrays are the bulk of a GGUF header (150k strings for Qwen); nothing here needs
 * them, so they are skipped, which makes scanning a folder of models quick.
 */
const SKIPPED_KEYS = [
  'tokenizer.ggml.tokens',
  'tokenizer.ggml.token_type',
  'tokenizer.ggml.scores',
  'tokenizer.ggml.merges',
];

/** Checks the 4-byte magic, so a random file is `not-gguf` rather than a parser crash. */
export async function isGgufFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.equals(GGUF_MAGIC);
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

function quantisationName(fileType: GgufFileType | undefined): string | null {
  if (fileType === undefined) return null;
  const name = GgufFileType[fileType] as string | undefined;
  return name?.replace(/^(MOSTLY|ALL)_/, '') ?? null;
}

function countParameters(info: GgufFileInfo): number {
  let total = 0;
  for (const tensor of info.fullTensorInfo ?? info.tensorInfo ?? []) {
    total += tensor.dimensions.reduce<number>((product, d) => product * Number(d), 1);
  }
  return total;
}

/** Bytes per block and elements per block of the common ggml tensor types (ggml's type traits). */
const BLOCK_LAYOUT: Partial<Record<GgmlType, { bytes: number; elements: number }>> = {
  [GgmlType.F32]: { bytes: 4, elements: 1 },
  [GgmlType.F16]: { bytes: 2, elements: 1 },
  [GgmlType.BF16]: { bytes: 2, elements: 1 },
  [GgmlType.Q4_0]: { bytes: 18, elements: 32 },
  [GgmlType.Q4_1]: { bytes: 20, elements: 32 },
  [GgmlType.Q5_0]: { bytes: 22, elements: 32 },
  [GgmlType.Q5_1]: { bytes: 24, elements: 32 },
  [GgmlType.Q8_0]: { bytes: 34, elements: 32 },
  [GgmlType.Q2_K]: { bytes: 84, elements: 256 },
  [GgmlType.Q3_K]: { bytes: 110, elements: 256 },
  [GgmlType.Q4_K]: { bytes: 144, elements: 256 },
  [GgmlType.Q5_K]: { bytes: 176, elements: 256 },
  [GgmlType.Q6_K]: { bytes: 210, elements: 256 },
};

/**
 * The byte where the last tensor's data ends, or null when a tensor type is not in the table.
 * A file shorter than this was cut off mid-download or mid-copy.
 */
function tensorDataEnd(info: GgufFileInfo): number | null {
  let end = 0;
  for (const tensor of info.tensorInfo ?? []) {
    const layout = BLOCK_LAYOUT[tensor.ggmlType];
    if (!layout) return null;
    const elements = tensor.dimensions.reduce<number>((product, d) => product * Number(d), 1);
    end = Math.max(end, Number(tensor.fileOffset) + (elements / layout.elements) * layout.bytes);
  }
  return end;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' || typeof value === 'bigint' ? Number(value) : null;
}

/**
 * Reads a GGUF file's header with node-llama-cpp's parser. Missing, non-GGUF and truncated
 * files are distinct errors, never a parser exception.
 */
export async function readGgufInfo(
  path: string,
): Promise<{ info: GgufFileInfo; sizeBytes: number }> {
  let sizeBytes: number;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) throw new Error('not a file');
    sizeBytes = stats.size;
  } catch {
    throw new ModelError('not-found', `No model file at ${path}.`, { path });
  }
  if (!(await isGgufFile(path))) {
    throw new ModelError('not-gguf', `${path} is not a GGUF model file.`, { path });
  }
  let info: GgufFileInfo;
  try {
    info = await readGgufFileInfo(path, {
      sourceType: 'filesystem',
      logWarnings: false,
      ignoreKeys: SKIPPED_KEYS,
      spliceSplitFiles: false,
    });
  } catch (error) {
    throw new ModelError(
      'unreadable-gguf',
      `${path} looks like GGUF but its header cannot be read (truncated or damaged).`,
      { path, cause: error instanceof Error ? error.message : String(error) },
    );
  }
  const dataEnd = tensorDataEnd(info) ?? info.infoEndOffset ?? 0;
  if (dataEnd > sizeBytes) {
    throw new ModelError(
      'unreadable-gguf',
      `${path} is truncated: its tensors need ${dataEnd} bytes but the file has ${sizeBytes}.`,
      { path, expectedBytes: dataEnd, sizeBytes },
    );
  }
  return { info, sizeBytes };
}

/** The summary the app shows for a GGUF file. */
export async function readGgufSummary(path: string): Promise<GgufSummary> {
  const { info, sizeBytes } = await readGgufInfo(path);
  const arch = info.architectureMetadata;
  return {
    path,
    sizeBytes,
    architecture: info.metadata.general.architecture,
    name: info.metadata.general.name ?? null,
    parameters: countParameters(info),
    quantisation: quantisationName(info.metadata.general.file_type),
    contextLength: numberOrNull(arch.context_length),
    layers: numberOrNull(arch.block_count),
    chatTemplate: info.metadata.tokenizer?.chat_template ?? null,
  };
}
