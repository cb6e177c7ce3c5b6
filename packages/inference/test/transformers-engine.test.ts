import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { ensureTinyEmbeddingModel, TINY_EMBEDDING_SPEC } from '@codeface/inference/fixtures';
import { buildTinyEmbeddingWeights } from '../src/fixtures/tiny-embedding-model';
import type {
  TinyEmbeddingModel,
  TinyEmbeddingWeights,
} from '../src/fixtures/tiny-embedding-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersEngine } from '../src/embeddings/transformers-engine';

const dot = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

/**
 * The fixture graph computed by hand: e = word[id] + type[tt]; h = e + tanh(e·W + b); mean over
 * tokens; normalise. Agreement with the pipeline proves the ONNX model really ran.
 */
function referenceEmbedding(
  weights: TinyEmbeddingWeights,
  tokens: { ids: number[]; typeIds: number[] },
): number[] {
  const { dims } = weights;
  const sum = new Array<number>(dims).fill(0);
  tokens.ids.forEach((id, t) => {
    const type = tokens.typeIds[t] ?? 0;
    const e = Array.from(
      { length: dims },
      (_, d) =>
        (weights.wordEmbeddings[id * dims + d] ?? 0) +
        (weights.typeEmbeddings[type * dims + d] ?? 0),
    );
    for (let j = 0; j < dims; j += 1) {
      let z = weights.bias[j] ?? 0;
      for (let i = 0; i < dims; i += 1) z += (e[i] ?? 0) * (weights.dense[i * dims + j] ?? 0);
      sum[j] = (sum[j] ?? 0) + (e[j] ?? 0) + Math.tanh(z);
    }
  });
  const mean = sum.map((x) => x / tokens.ids.length);
  const norm = Math.sqrt(dot(mean, mean));
  return mean.map((x) => x / norm);
}

const CODE = [
  'function add(a, b) { return a + b; }',
  'def sort_list(values): return sorted(values)',
  'const error = new Error("file not found");',
  'class Test { fix() {} }',
];

let model: TinyEmbeddingModel;
let engine: TransformersEngine;
let scratch: string;

beforeAll(async () => {
  model = await ensureTinyEmbeddingModel();
  engine = new TransformersEngine(model);
  scratch = await mkdtemp(join(tmpdir(), 'codeface-embed-'));
});
afterAll(async () => {
  await engine.dispose();
  await rm(scratch, { recursive: true, force: true });
});

describe('TransformersEngine on the generated ONNX model', () => {
  it('returns one unit-length vector of the model width per text', async () => {
    const vectors = await engine.embed(CODE);
    expect(vectors).toHaveLength(CODE.length);
    for (const vector of vectors) {
      expect(vector).toHaveLength(TINY_EMBEDDING_SPEC.dims);
      expect(dot(vector, vector)).toBeCloseTo(1, 5);
    }
    expect(engine.info()).toMatchObject({ engine: 'transformers', dims: 32, loaded: true });
  });

  it('computes exactly what the graph defines, through the real tokenizer and ONNX runtime', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(model.modelId);
    const weights = buildTinyEmbeddingWeights(TINY_EMBEDDING_SPEC);
    const [vector] = await engine.embed([CODE[0] ?? '']);
    const encoded = tokenizer(CODE[0] ?? '');
    const ids = (encoded.input_ids.tolist() as bigint[][])[0]?.map(Number) ?? [];
    const typeIds = (encoded.token_type_ids?.tolist() as bigint[][])[0]?.map(Number) ?? [];
    expect(ids.length).toBeGreaterThan(5);
    const expected = referenceEmbedding(weights, { ids, typeIds });
    expect(vector).toHaveLength(expected.length);
    vector?.forEach((x, i) => expect(x).toBeCloseTo(expected[i] ?? Number.NaN, 5));
  });

  it('gives identical text identical vectors and different text different ones', async () => {
    const [a, b, c] = await engine.embed([CODE[0] ?? '', CODE[1] ?? '', CODE[0] ?? '']);
    const [again] = await engine.embed([CODE[0] ?? '']);
    expect(c).toEqual(a);
    expect(again).toEqual(a);
    expect(dot(a ?? [], b ?? [])).toBeLessThan(0.9999);
  });

  it('gives the same vectors in batches as one by one, padding included', async () => {
    const texts = Array.from(
      { length: 21 },
      (_, i) => `${CODE[i % CODE.length]} ${'x '.repeat(i)}`,
    );
    const smallBatches = new TransformersEngine({ ...model, batchSize: 4 });
    try {
      const batched = await smallBatches.embed(texts);
      for (const [i, text] of texts.entries()) {
        const [single] = await engine.embed([text]);
        expect(single).toHaveLength(TINY_EMBEDDING_SPEC.dims);
        single?.forEach((x, d) => expect(batched[i]?.[d]).toBeCloseTo(x, 5));
      }
    } finally {
      await smallBatches.dispose();
    }
  });

  it('changes its output when the weights change', async () => {
    const reseeded = await ensureTinyEmbeddingModel({
      dir: scratch,
      spec: { ...TINY_EMBEDDING_SPEC, seed: TINY_EMBEDDING_SPEC.seed + 1 },
    });
    const other = new TransformersEngine(reseeded);
    try {
      const [original] = await engine.embed([CODE[0] ?? '']);
      const [changed] = await other.embed([CODE[0] ?? '']);
      expect(changed).toHaveLength(original?.length ?? 0);
      expect(changed).not.toEqual(original);
    } finally {
      await other.dispose();
    }
  });

  it('returns nothing for nothing and refuses what is not text', async () => {
    expect(await engine.embed([])).toEqual([]);
    await expect(engine.embed([42 as unknown as string])).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });

  it('reports a missing model without reaching for the network', async () => {
    const missing = new TransformersEngine({ localModelPath: scratch, modelId: 'no-such-model' });
    await expect(missing.embed(['x'])).rejects.toMatchObject({ code: 'model-not-found' });
  });
});
