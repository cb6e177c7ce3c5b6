import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTinyModel } from '@codeface/inference/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGgufSummary } from './gguf-metadata';

let tinyPath: string;
let dir: string;

beforeAll(async () => {
  tinyPath = await ensureTinyModel();
  dir = await mkdtemp(join(tmpdir(), 'codeface-gguf-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readGgufSummary', () => {
  it('reads architecture, parameters, quantisation, context length and chat template', async () => {
    const summary = await readGgufSummary(tinyPath);
    expect(summary).toMatchObject({
      path: tinyPath,
      architecture: 'llama',
      name: 'codeface-tiny',
      quantisation: 'F32',
      contextLength: 4096,
      layers: 2,
    });
    expect(summary.parameters).toBeGreaterThan(100_000);
    // f32 weights: four bytes a parameter, plus the header.
    expect(summary.sizeBytes).toBeGreaterThan(summary.parameters * 4);
    expect(summary.chatTemplate).toContain('<|im_start|>');
  });

  it('tells a missing file, a non-GGUF file and a truncated one apart', async () => {
    await expect(readGgufSummary(join(dir, 'absent.gguf'))).rejects.toMatchObject({
      code: 'not-found',
    });
    const text = join(dir, 'notes.gguf');
    await writeFile(text, 'just some text, not a model');
    await expect(readGgufSummary(text)).rejects.toMatchObject({ code: 'not-gguf' });

    const bytes = await readFile(tinyPath);
    const cutInData = join(dir, 'cut-in-data.gguf');
    await writeFile(cutInData, bytes.subarray(0, bytes.length - 1000));
    await expect(readGgufSummary(cutInData)).rejects.toMatchObject({
      code: 'unreadable-gguf',
      data: { sizeBytes: bytes.length - 1000, expectedBytes: bytes.length },
    });
    const cutInHeader = join(dir, 'cut-in-header.gguf');
    await writeFile(cutInHeader, bytes.subarray(0, 200));
    await expect(readGgufSummary(cutInHeader)).rejects.toMatchObject({ code: 'unreadable-gguf' });
  });
});
