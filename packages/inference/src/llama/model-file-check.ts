import { open, stat } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { GgufInsights, readGgufFileInfo } from 'node-llama-cpp';
import type { GgufFileInfo, Llama } from 'node-llama-cpp';
import { EngineError } from '../engine/errors';

const GGUF_MAGIC = Buffer.from('GGUF', 'ascii');

async function readMagic(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function parseHeader(path: string): Promise<GgufFileInfo> {
  try {
    return await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
  } catch (error) {
    throw new EngineError(
      'model-truncated',
      `The model file ends before its header does (${error instanceof Error ? error.message : String(error)}); it is probably an incomplete download.`,
      { path },
    );
  }
}

export type CheckedModelFile = { info: GgufFileInfo; insights: GgufInsights };

/**
 * Checks a model file before llama.cpp sees it, so that each kind of bad file gets
 * its own error code instead of a native crash or an opaque load failure.
 */
export async function checkModelFile(path: string, llama: Llama): Promise<CheckedModelFile> {
  let size: number;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) throw new Error('not a file');
    size = stats.size;
  } catch {
    throw new EngineError('model-not-found', `No model file at ${path}.`, { path });
  }
  if (!(await readMagic(path)).equals(GGUF_MAGIC)) {
    throw new EngineError('not-gguf', `${path} is not a GGUF model file.`, { path });
  }
  const info = await parseHeader(path);
  const insights = await GgufInsights.from(info, llama);
  const offsets = (info.tensorInfo ?? []).map((t) => Number(t.fileOffset));
  const dataStart = offsets.length > 0 ? Math.min(...offsets) : size;
  if (size < dataStart + insights.modelSize) {
    throw new EngineError(
      'model-truncated',
      `The model file is ${size} bytes but its tensors need ${dataStart + insights.modelSize}; it is probably an incomplete download.`,
      { path, size, expected: dataStart + insights.modelSize },
    );
  }
  // Weights are memory-mapped, so free memory is not the limit; total memory (RAM
  // plus VRAM) is: a model larger than that can never run here.
  const vram = (await llama.getVramState()).total;
  if (insights.modelSize > totalmem() + vram) {
    throw new EngineError(
      'model-too-big',
      `The model needs ${formatGiB(insights.modelSize)} but this machine has ${formatGiB(totalmem())} of RAM and ${formatGiB(vram)} of VRAM.`,
      { path, modelBytes: insights.modelSize },
    );
  }
  return { info, insights };
}

function formatGiB(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
