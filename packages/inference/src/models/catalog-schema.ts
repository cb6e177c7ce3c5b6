import { z } from 'zod';

/** Bumped when the catalog's shape changes; the loader refuses other versions. */
export const CATALOG_VERSION = 1;

const HF_RESOLVE_URL = /^https:\/\/huggingface\.co\/([^/]+\/[^/]+)\/resolve\/main\/(.+\.gguf)$/;

export const quantisationSchema = z.object({
  /** llama.cpp's name for the quantisation, e.g. `Q4_K_M`. */
  quant: z.string().regex(/^(Q\d(_K)?(_[SML0-9])?|IQ\d_\w+|F16|BF16|F32)$/),
  file: z.string().regex(/^[^/\\]+\.gguf$/),
  url: z
    .string()
    .regex(HF_RESOLVE_URL, 'must be https://huggingface.co/<repo>/resolve/main/<file>.gguf'),
  sizeBytes: z.number().int().positive(),
  /**
   * True when `sizeBytes` is the rounded figure Hugging Face shows rather than the exact byte
   * count. The downloader then trusts the server's Content-Length instead of this number.
   */
  sizeApproximate: z.boolean(),
  /** Lower-case hex SHA-256 of the file when known; otherwise the server's linked ETag is used. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

/**
 * The attention shape that sizes the KV cache, copied from the model's config.json, so that
 * the fit estimate works before the file is on disk.
 */
export const catalogArchitectureSchema = z.object({
  type: z.string().min(1),
  layers: z.number().int().positive(),
  kvHeads: z.number().int().positive(),
  headDim: z.number().int().positive(),
});

export const catalogModelSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
    name: z.string().min(1),
    family: z.string().min(1),
    /** `base` models complete code; `instruct` models follow chat turns. */
    kind: z.enum(['instruct', 'base']),
    repo: z.string().regex(/^[^/]+\/[^/]+$/),
    parameters: z.number().positive(),
    /** For mixture-of-experts models: parameters used per token. */
    activeParameters: z.number().positive().optional(),
    contextLength: z.number().int().positive(),
    license: z.string().min(1),
    architecture: catalogArchitectureSchema,
    quantisations: z.array(quantisationSchema).min(1),
  })
  .superRefine((model, ctx) => {
    model.quantisations.forEach((q, index) => {
      const match = HF_RESOLVE_URL.exec(q.url);
      if (match?.[1] !== model.repo || match[2] !== q.file) {
        ctx.addIssue({
          code: 'custom',
          path: ['quantisations', index, 'url'],
          message: `url must point at ${model.repo} and file ${q.file}`,
        });
      }
    });
    const quants = model.quantisations.map((q) => q.quant);
    if (new Set(quants).size !== quants.length) {
      ctx.addIssue({ code: 'custom', path: ['quantisations'], message: 'duplicate quantisation' });
    }
  });

export const catalogSchema = z
  .object({
    version: z.literal(CATALOG_VERSION),
    models: z.array(catalogModelSchema).min(1),
  })
  .superRefine((catalog, ctx) => {
    const seen = new Set<string>();
    catalog.models.forEach((model, index) => {
      if (seen.has(model.id)) {
        ctx.addIssue({ code: 'custom', path: ['models', index, 'id'], message: 'duplicate id' });
      }
      seen.add(model.id);
    });
  });

export type Quantisation = z.infer<typeof quantisationSchema>;
export type CatalogModel = z.infer<typeof catalogModelSchema>;
export type Catalog = z.infer<typeof catalogSchema>;
