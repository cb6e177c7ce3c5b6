import { TransformersEngine } from '@codeface/inference';
import type { Embedder } from '../services/semantic-index';

/** Embeddings from a local ONNX model through the inference package's TransformersEngine. */
export function createTransformersEmbedder(model: {
  localModelPath: string;
  modelId: string;
}): Embedder {
  const engine = new TransformersEngine({
    localModelPath: model.localModelPath,
    modelId: model.modelId,
  });
  return { modelId: model.modelId, embed: (texts) => engine.embed(texts) };
}
