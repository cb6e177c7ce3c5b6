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

export type DownloadRetry = { attempt: number; attempts: number; inSeconds: number };

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
  /** Waiting for the server's first byte (offline, this lasts until a retry or the failure). */
  connecting: boolean;
  /** The last attempt failed: the next one's number (of how many) and the wait before it. */
  retry: DownloadRetry | null;
  /** Set when the download is done: the model to load. */
  localModelId: string | null;
};

/** A folder as the web host's file browser shows it: sub-folders and GGUF files, nothing else. */
export type ModelFolder = {
  path: string;
  /** The folder above, or null at the home folder (the browser goes no higher). */
  parent: string | null;
  entries: { name: string; path: string; kind: 'folder' | 'model'; sizeBytes: number | null }[];
  /** Where models usually are (LM Studio, the Hugging Face cache, downloads), that exist here. */
  places: { label: string; path: string }[];
};

export interface ModelLibrary {
  catalog(options: { contextSize: number | 'auto' }): Promise<CatalogModel[]>;
  /** Models on disk that CodeFace knows: downloaded, imported and discovered ones. */
  localModels(): Promise<LocalModel[]>;
  importFile(path: string): Promise<LocalModel>;
  /** Lists a folder inside the home folder (the home folder itself for null). */
  browse(path: string | null): Promise<ModelFolder>;
  /** Looks in LM Studio's, Ollama's and the Hugging Face cache's folders; files stay in place. */
  discover(): Promise<LocalModel[]>;
  startDownload(request: { modelId: string; quantizationId: string }): DownloadProgress;
  cancelDownload(downloadId: string): void;
  /** Forgets a failed or cancelled download and deletes the part of the file it left. */
  removeDownload(downloadId: string): Promise<void>;
  downloads(): DownloadProgress[];
  /** Calls back on every change of any download; returns the function that stops it. */
  onDownloadProgress(listener: (progress: DownloadProgress) => void): () => void;
}
