export { findCatalogEntry, loadCatalog, parseCatalog } from './catalog';
export type { CatalogEntry } from './catalog';
export {
  CATALOG_VERSION,
  catalogArchitectureSchema,
  catalogModelSchema,
  catalogSchema,
  quantisationSchema,
} from './catalog-schema';
export type { Catalog, CatalogArchitecture, CatalogModel, Quantisation } from './catalog-schema';
export { defaultDiscoveryRoots, discoverLocalModels } from './discovery';
export type { DiscoveryProblem, DiscoveryResult, DiscoveryRoots } from './discovery';
export { downloadRequestFor } from './download-request';
export { downloadRequestSchema, ModelDownloader } from './download/model-downloader';
export type {
  DownloadEvent,
  DownloadOptions,
  DownloadRequest,
  DownloadResult,
  ModelDownloaderOptions,
} from './download/model-downloader';
export { PARTIAL_DOWNLOAD_VERSION } from './download/partial-download';
export {
  DEFAULT_APP_OVERHEAD,
  estimateCatalogFits,
  estimateFit,
  estimateFitFromCatalog,
  estimateFitFromFile,
} from './fit-estimate';
export type {
  AppOverhead,
  CatalogFit,
  CatalogFitOptions,
  FileFitOptions,
  FitEstimate,
  FitOptions,
  FitVerdict,
} from './fit-estimate';
export { isGgufFile, readGgufInfo, readGgufSummary } from './gguf-metadata';
export type { GgufSummary } from './gguf-metadata';
export { describeLocalModel, importGgufFile, localModelId } from './local-models';
export type { LocalModel, LocalModelSource } from './local-models';
export { isGpuBackend, readMachineMemory } from './machine-memory';
export type { GpuBackend, MachineMemory, MemoryState } from './machine-memory';
export { ModelError } from './model-error';
export type { ModelErrorCode } from './model-error';
