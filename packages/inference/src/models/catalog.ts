import { z } from 'zod';
import bundledCatalog from './catalog.json';
import { catalogSchema } from './catalog-schema';
import type { Catalog, CatalogModel, Quantisation } from './catalog-schema';
import { ModelError } from './model-error';

/**
 * Validates catalog JSON. A broken catalog is a `catalog-invalid` error listing every problem
 * with its path, so a bad edit to catalog.json fails loudly in the tests, not in a user's app.
 */
export function parseCatalog(json: unknown): Catalog {
  const result = catalogSchema.safeParse(json);
  if (!result.success) {
    throw new ModelError(
      'catalog-invalid',
      `The model catalog is invalid:\n${z.prettifyError(result.error)}`,
      { issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    );
  }
  return result.data;
}

/** The catalog shipped with the app. */
export function loadCatalog(): Catalog {
  return parseCatalog(bundledCatalog);
}

export type CatalogEntry = { model: CatalogModel; quantisation: Quantisation };

/** Finds one downloadable file by model id and quantisation name. */
export function findCatalogEntry(
  catalog: Catalog,
  ref: { modelId: string; quant: string },
): CatalogEntry {
  const model = catalog.models.find((m) => m.id === ref.modelId);
  const quantisation = model?.quantisations.find((q) => q.quant === ref.quant);
  if (!model || !quantisation) {
    throw new ModelError('not-found', `No catalog entry ${ref.modelId} ${ref.quant}`, ref);
  }
  return { model, quantisation };
}
