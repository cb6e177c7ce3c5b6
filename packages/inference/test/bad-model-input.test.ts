import { copyFile, mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../src/fixtures/index';
import { buildLlamaFixture, TINY_MODEL_SPEC } from '../src/fixtures/llama-fixture';
import { encodeGgufHeader, writeGgufFile } from '../src/fixtures/gguf-writer';
import { EngineError, LlamaCppEngine } from '../src/index';
import type { LoadOptions } from '../src/index';
import { collect } from './helpers';

async function loadError(
  engine: LlamaCppEngine,
  path: string,
  options: LoadOptions = { contextSize: 512, threads: 1 },
): Promise<EngineError> {
  try {
    await engine.load({ id: 'bad', path }, options);
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error(`loading ${path} did not fail`);
}

describe('an engine that was disposed', () => {
  it('refuses what is asked of it after (a call still on its way when the app closed)', async () => {
    const engine = new LlamaCppEngine({ gpu: false });
    await engine.dispose();
    await expect(engine.info()).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('bad model input gives a clear error, never a crash or a hang', () => {
  const engine = new LlamaCppEngine({ gpu: false });
  let dir = '';
  let tinyPath = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cf-bad-model-'));
    tinyPath = await ensureTinyModel();
  });
  afterAll(async () => {
    await engine.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a missing file', async () => {
    const error = await loadError(engine, join(dir, 'nowhere.gguf'));
    expect(error.code).toBe('model-not-found');
    expect(error.message).toContain('nowhere.gguf');
  });

  it('reports a file that is not GGUF', async () => {
    const path = join(dir, 'notes.gguf');
    await writeFile(path, 'just some text, not a model\n');
    expect((await loadError(engine, path)).code).toBe('not-gguf');
  });

  it('reports a download cut off in the tensor data', async () => {
    const path = join(dir, 'half.gguf');
    await copyFile(tinyPath, path);
    const size = (await readFile(tinyPath)).length;
    await truncate(path, Math.floor(size / 2));
    const error = await loadError(engine, path);
    expect(error.code).toBe('model-truncated');
    expect(error.message).toMatch(/incomplete download/);
  });

  it('reports a download cut off in the header', async () => {
    const path = join(dir, 'header.gguf');
    await copyFile(tinyPath, path);
    await truncate(path, 200);
    expect((await loadError(engine, path)).code).toBe('model-truncated');
  });

  it('reports a model bigger than this machine can hold', async () => {
    // A header that claims ~1 GiB per layer, on a sparse file of the claimed size:
    // the check must come from the metadata, not from reading the whole file.
    const spec = {
      ...TINY_MODEL_SPEC,
      embeddingLength: 8192,
      feedForwardLength: 28672,
      headCount: 64,
      blockCount: Math.ceil((2 * totalmem()) / 1024 ** 3) + 1,
    };
    const header = encodeGgufHeader(buildLlamaFixture(spec));
    const path = join(dir, 'huge.gguf');
    const handle = await open(path, 'w');
    await handle.write(header);
    await handle.close();
    await truncate(path, header.length + spec.blockCount * 4 * 1024 ** 3);
    const error = await loadError(engine, path);
    expect(error.code).toBe('model-too-big');
    expect(error.message).toMatch(/GiB/);
  });

  it('reports an architecture llama.cpp does not know', async () => {
    const fixture = buildLlamaFixture(TINY_MODEL_SPEC);
    const path = join(dir, 'alien.gguf');
    await writeGgufFile(path, {
      ...fixture,
      metadata: {
        ...fixture.metadata,
        'general.architecture': { type: 'string', value: 'codeface-alien' },
      },
    });
    const error = await loadError(engine, path);
    expect(error.code).toBe('unsupported-architecture');
    expect(error.message).toContain('codeface-alien');
  });

  it('rejects a context size of 0 or 10^9 before starting anything', async () => {
    for (const contextSize of [0, 1e9]) {
      const error = await loadError(engine, tinyPath, { contextSize, threads: 1 });
      expect(error.code).toBe('invalid-options');
      expect(error.message).toContain('contextSize');
    }
  });

  it('still loads and runs a good model afterwards', async () => {
    await engine.load({ id: 'tiny', path: tinyPath }, { contextSize: 512, threads: 1 });
    const result = await collect(
      engine.chat([{ role: 'user', content: 'ok?' }], { maxTokens: 4, temperature: 0 }),
    );
    expect(result.end).toMatchObject({ type: 'done', tokens: 4 });
  });
});
