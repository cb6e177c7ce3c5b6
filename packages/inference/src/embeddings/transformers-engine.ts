import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import { z } from 'zod';
import { EmbeddingError } from './embedding-error';

export const transformersEngineOptionsSchema = z.object({
  /** Folder holding one sub-folder per model (config.json, tokenizer.json, onnx/model.onnx). */
  localModelPath: z.string().min(1),
  /** The model's sub-folder name, e.g. `all-MiniLM-L6-v2`. */
  modelId: z.string().regex(/^[\w.-]+(\/[\w.-]+)?$/),
  /** Which ONNX weights to load: `fp32` is `onnx/model.onnx`. */
  dtype: z.enum(['fp32', 'fp16', 'q8']).default('fp32'),
  /** Texts per forward pass; larger is faster until memory runs short. */
  batchSize: z.number().int().min(1).max(1024).default(16),
});
export type TransformersEngineOptions = z.input<typeof transformersEngineOptionsSchema>;

const textsSchema = z.array(z.string().max(100_000)).max(100_000);

export type EmbeddingEngineInfo = {
  engine: 'transformers';
  modelId: string;
  /** Vector length; null until the model has run once. */
  dims: number | null;
  loaded: boolean;
};

/**
 * Text embeddings for semantic search with @huggingface/transformers on onnxruntime (CPU).
 * Models are loaded only from the local folder, never downloaded: the library's `env` is set
 * to local-only before each load. `env` is process-wide, so a process uses one model folder.
 */
export class TransformersEngine {
  private readonly options: z.output<typeof transformersEngineOptionsSchema>;
  private extractor: Promise<FeatureExtractionPipeline> | null = null;
  private dims: number | null = null;

  constructor(options: TransformersEngineOptions) {
    this.options = transformersEngineOptionsSchema.parse(options);
  }

  private load(): Promise<FeatureExtractionPipeline> {
    this.extractor ??= this.createPipeline().catch((error: unknown) => {
      this.extractor = null;
      throw error;
    });
    return this.extractor;
  }

  private async createPipeline(): Promise<FeatureExtractionPipeline> {
    const { localModelPath, modelId, dtype } = this.options;
    const modelDir = join(localModelPath, modelId);
    if (!existsSync(join(modelDir, 'config.json'))) {
      throw new EmbeddingError(
        'model-not-found',
        `No embedding model in ${modelDir} (config.json missing).`,
        { modelDir },
      );
    }
    // Loaded on first use: onnxruntime's native module is large, and most users of this
    // package never embed.
    const { env, pipeline } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = localModelPath.endsWith('/') ? localModelPath : `${localModelPath}/`;
    try {
      return await pipeline('feature-extraction', modelId, { dtype });
    } catch (error) {
      throw new EmbeddingError(
        'model-not-found',
        `The embedding model in ${modelDir} could not be loaded.`,
        { modelDir, cause: error instanceof Error ? error.message : String(error) },
      );
    }
  }

  /**
   * One unit-length vector per text: the mean of the token vectors over the attention mask,
   * normalised, so a dot product is the cosine similarity.
   */
  async embed(texts: string[]): Promise<number[][]> {
    const parsed = textsSchema.safeParse(texts);
    if (!parsed.success) {
      throw new EmbeddingError('invalid-input', 'embed() takes an array of strings.', {});
    }
    if (parsed.data.length === 0) return [];
    const extractor = await this.load();
    const vectors: number[][] = [];
    for (let start = 0; start < parsed.data.length; start += this.options.batchSize) {
      const batch = parsed.data.slice(start, start + this.options.batchSize);
      try {
        const output = await extractor(batch, { pooling: 'mean', normalize: true });
        vectors.push(...(output.tolist() as number[][]));
      } catch (error) {
        const cause = error instanceof Error ? error.message : String(error);
        throw new EmbeddingError('embedding-failed', `Embedding failed: ${cause}`, { cause });
      }
    }
    this.dims = vectors[0]?.length ?? this.dims;
    return vectors;
  }

  info(): EmbeddingEngineInfo {
    return {
      engine: 'transformers',
      modelId: this.options.modelId,
      dims: this.dims,
      loaded: this.extractor !== null,
    };
  }

  async dispose(): Promise<void> {
    const extractor = this.extractor;
    this.extractor = null;
    await (await extractor?.catch(() => null))?.dispose();
  }
}
