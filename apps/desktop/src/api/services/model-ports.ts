/**
 * What the models procedures need from @codeface/inference's model management: the catalog
 * with fit estimates, files on disk, downloads and discovery.
 */

export type Fit = 'fits' | 'partial-offload' | 'too-big';

export type CatalogQuantization = {
  id: string;
  fileName: string;
  sizeBytes: number;
  memoryBytes: number;
  fit: Fit;
  gpuLayers: number | null;
  /** The local model made from this file, when it has been downloaded. */
  downloadedModelId: string | null;
};

export type CatalogModel = {
  id: string;
  name: string;
  description: string;
  parameters: string;
  contextLength: number;
  quantizations: CatalogQuantization[];
};

export type LocalModelSource = 'downloaded' | 'imported' | 'lm-studio' | 'ollama' | 'hugging-face';

export type LocalModel = {
  id: string;
  name: string;
  path: string;
  sizeBytes: number;
  source: LocalModelSource;
  architecture: string | null;
  quantization: string | null;
  contextLength: number | null;
};

export type DownloadState = 'downloading' | 'verifying' | 'done' | 'failed' | 'cancelled';

export type DownloadProgress = {
  id: string;
  modelId: string;
  quantizationId: string;
  fileName: string;
  state: DownloadState;
  receivedBytes: number;
  totalBytes: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
  error: string | null;
  /** Set when the download is done: the model to load. */
  localModelId: string | null;
};

export interface ModelLibrary {
  catalog(options: { contextSize: number | 'auto' }): Promise<CatalogModel[]>;
  /** Models on disk that CodeFace knows: downloaded, imported and discovered ones. */
  localModels(): Promise<LocalModel[]>;
  importFile(path: string): Promise<LocalModel>;
  /** Looks in LM Studio's, Ollama's and the Hugging Face cache's folders; files stay in place. */
  discover(): Promise<LocalModel[]>;
  startDownload(request: { modelId: string; quantizationId: string }): DownloadProgress;
  cancelDownload(downloadId: string): void;
  downloads(): DownloadProgress[];
  /** Calls back on every change of any download; returns the function that stops it. */
  onDownloadProgress(listener: (progress: DownloadProgress) => void): () => void;
}
