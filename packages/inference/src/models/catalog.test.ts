import { describe, expect, it } from 'vitest';
import { findCatalogEntry, loadCatalog, parseCatalog } from './catalog';
import { ModelError } from './model-error';

describe('model catalog', () => {
  it('ships the code models the app offers, each with several quantisations', () => {
    const catalog = loadCatalog();
    const ids = catalog.models.map((m) => m.id);
    for (const expected of [
      'qwen2.5-coder-0.5b-instruct',
      'qwen2.5-coder-1.5b-instruct',
      'qwen2.5-coder-3b-instruct',
      'qwen2.5-coder-7b-instruct',
      'qwen2.5-coder-14b-instruct',
      'qwen2.5-coder-32b-instruct',
      'qwen3-coder-30b-a3b-instruct',
      'deepseek-coder-v2-lite-instruct',
      'codestral-22b-v0.1',
      'starcoder2-3b',
      'starcoder2-7b',
      'starcoder2-15b',
    ]) {
      expect(ids).toContain(expected);
    }
    for (const model of catalog.models) {
      const quants = model.quantisations.map((q) => q.quant);
      expect(quants).toEqual(expect.arrayContaining(['Q4_K_M', 'Q5_K_M', 'Q8_0']));
      // Bigger quantisations of one model are bigger files: a cheap guard against typos.
      const size = (quant: string) =>
        model.quantisations.find((q) => q.quant === quant)?.sizeBytes ?? 0;
      expect(size('Q4_K_M')).toBeLessThan(size('Q5_K_M'));
      expect(size('Q5_K_M')).toBeLessThan(size('Q8_0'));
    }
  });

  it('finds an entry by model id and quantisation', () => {
    const entry = findCatalogEntry(loadCatalog(), {
      modelId: 'qwen2.5-coder-7b-instruct',
      quant: 'Q4_K_M',
    });
    expect(entry.quantisation.url).toBe(
      'https://huggingface.co/bartowski/Qwen2.5-Coder-7B-Instruct-GGUF/resolve/main/Qwen2.5-Coder-7B-Instruct-Q4_K_M.gguf',
    );
    expect(() => findCatalogEntry(loadCatalog(), { modelId: 'nope', quant: 'Q4_K_M' })).toThrow(
      ModelError,
    );
  });

  it('rejects a catalog whose URL points at another file, naming the path', () => {
    const broken = structuredClone(loadCatalog());
    const first = broken.models[0]?.quantisations[0];
    if (!first) throw new Error('catalog is empty');
    first.url = first.url.replace('q4_k_m', 'q8_0');
    try {
      parseCatalog(broken);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).code).toBe('catalog-invalid');
      expect((error as ModelError).message).toContain('models[0].quantisations[0].url');
    }
  });

  it('rejects duplicate ids, a wrong version and missing sizes', () => {
    const catalog = loadCatalog();
    const first = catalog.models[0];
    if (!first) throw new Error('catalog is empty');
    expect(() => parseCatalog({ ...catalog, models: [first, first] })).toThrow(/duplicate id/);
    expect(() => parseCatalog({ ...catalog, version: 99 })).toThrow(ModelError);
    const noSize = structuredClone(catalog);
    delete (noSize.models[0]?.quantisations[0] as { sizeBytes?: number }).sizeBytes;
    expect(() => parseCatalog(noSize)).toThrow(/sizeBytes/);
  });
});
