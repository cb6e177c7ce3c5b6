import { randomUUID } from 'node:crypto';
import { readdir, realpath, stat } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import type { Store } from '@codeface/db';
import {
  describeLocalModel,
  discoverLocalModels,
  downloadRequestFor,
  estimateFitFromCatalog,
  findCatalogEntry,
  importGgufFile,
  isGpuBackend,
  loadCatalog,
  ModelDownloader,
} from '@codeface/inference';
import type {
  DiscoveryRoots,
  LocalModel as InferenceLocalModel,
  MachineMemory,
} from '@codeface/inference';
import { AppError } from '../errors';
import { toAppError } from '../to-app-error';
import type {
  CatalogModel,
  DownloadProgress,
  Fit,
  LocalModel,
  LocalModelSource,
  ModelFolder,
  ModelLibrary,
} from '../services/model-ports';
import type { EngineInfo } from '../services/ports';

export type InferenceModelLibraryOptions = {
  store: Store;
  /** Where downloads go. */
  modelsDir: string;
  discoveryRoots: DiscoveryRoots;
  /** The folder the file browser shows first and never leaves. */
  home: string;
  /** The engine's view of the GPU, for fit estimates. */
  engineInfo: () => Promise<EngineInfo>;
  /** A Hugging Face mirror (`HF_ENDPOINT`), e.g. for a company proxy; the tests serve one locally. */
  huggingFaceEndpoint?: string;
  newId?: () => string;
};

/** More entries than anyone scrolls through; a folder with more is cut here. */
const MAX_FOLDER_ENTRIES = 2000;

const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * Lists `path` (the home folder for null) for the web host's file browser: its sub-folders and
 * GGUF files, hidden ones left out, symbolic links followed (the Hugging Face cache links its
 * files). Nothing outside the home folder is listed, whatever the path says.
 */
async function browseFolder(
  options: InferenceModelLibraryOptions,
  path: string | null,
): Promise<ModelFolder> {
  const home = await realpath(options.home);
  const target = path === null ? home : await realpath(resolve(home, path)).catch(() => null);
  if (target === null || !isInside(home, target)) {
    throw new AppError('invalid-path', 'Choose a folder inside your home folder.');
  }
  const names = await readdir(target).catch(() => {
    throw new AppError('invalid-path', 'That folder cannot be opened; choose another one.');
  });
  const entries: ModelFolder['entries'] = [];
  for (const name of names.sort((a, b) => a.localeCompare(b))) {
    if (name.startsWith('.') || entries.length >= MAX_FOLDER_ENTRIES) continue;
    const full = join(target, name);
    const info = await stat(full).catch(() => null);
    if (info?.isDirectory()) entries.push({ name, path: full, kind: 'folder', sizeBytes: null });
    else if (info?.isFile() && name.toLowerCase().endsWith('.gguf')) {
      entries.push({ name, path: full, kind: 'model', sizeBytes: info.size });
    }
  }
  entries.sort((a, b) => Number(a.kind === 'model') - Number(b.kind === 'model'));
  const roots = options.discoveryRoots;
  const candidates = [
    ...roots.lmStudio.map((root) => ({ label: 'LM Studio', path: root })),
    ...roots.huggingFace.map((root) => ({ label: 'Hugging Face cache', path: root })),
    { label: 'CodeFace downloads', path: options.modelsDir },
    { label: 'Downloads', path: join(home, 'Downloads') },
    { label: 'Home', path: home },
  ];
  const places: ModelFolder['places'] = [];
  for (const place of candidates) {
    const real = await realpath(place.path).catch(() => null);
    if (real !== null && isInside(home, real) && !places.some((p) => p.path === real)) {
      places.push({ label: place.label, path: real });
    }
  }
  return { path: target, parent: target === home ? null : dirname(target), entries, places };
}

/** Context size assumed for fit badges when the setting is `auto`. */
const FIT_CONTEXT = 8192;

const fitOf: Record<'fits' | 'partial' | 'too-big', Fit> = {
  fits: 'fits',
  partial: 'partial-offload',
  'too-big': 'too-big',
};

const sourceOf: Record<InferenceLocalModel['source'], LocalModelSource> = {
  downloaded: 'downloaded',
  imported: 'imported',
  'lm-studio': 'lm-studio',
  ollama: 'ollama',
  'huggingface-cache': 'hugging-face',
};

const knownSources = new Set<string>(Object.values(sourceOf));

/**
 * The app's model library over @codeface/inference's model code: the catalog with fit badges,
 * downloads with progress, import and discovery of GGUF files (used in place), all recorded in
 * the store's models table so the list survives restarts.
 */
export function createInferenceModelLibrary(options: InferenceModelLibraryOptions): ModelLibrary {
  const { store } = options;
  const newId = options.newId ?? randomUUID;
  const catalog = loadCatalog();
  const downloader = new ModelDownloader({ modelsDir: options.modelsDir });
  const downloads = new Map<string, { progress: DownloadProgress; controller: AbortController }>();
  const listeners = new Set<(progress: DownloadProgress) => void>();

  const publish = (id: string, change: Partial<DownloadProgress>) => {
    const entry = downloads.get(id);
    if (!entry) return;
    entry.progress = { ...entry.progress, ...change };
    for (const listener of listeners) listener(entry.progress);
  };

  const register = (model: InferenceLocalModel): LocalModel => {
    store.models.put({
      id: model.id,
      name: model.displayName,
      filePath: model.realPath,
      format: 'gguf',
      origin:
        model.source === 'downloaded'
          ? 'catalog'
          : model.source === 'imported'
            ? 'import'
            : 'discovered',
      sizeBytes: model.sizeBytes,
      quantization: model.quantisation,
      contextLength: model.contextLength,
      metadata: {
        architecture: model.architecture,
        source: sourceOf[model.source],
        parameters: model.parameters,
      },
    });
    return {
      id: model.id,
      name: model.displayName,
      path: model.realPath,
      sizeBytes: model.sizeBytes,
      source: sourceOf[model.source],
      architecture: model.architecture,
      quantization: model.quantisation,
      contextLength: model.contextLength,
    };
  };

  const machineMemory = async (): Promise<MachineMemory> => {
    const info = await options.engineInfo();
    const ram = { total: totalmem(), free: freemem() };
    const { backend } = info;
    if (info.vramTotalBytes === null || !isGpuBackend(backend)) return { gpu: null, ram };
    return {
      gpu: {
        name: info.gpuName ?? backend,
        backend,
        vram: { total: info.vramTotalBytes, free: info.vramFreeBytes ?? info.vramTotalBytes },
      },
      ram,
    };
  };

  const localModels = (): LocalModel[] =>
    store.models.list().flatMap((record) => {
      if (record.filePath === null || record.format !== 'gguf') return [];
      const { architecture, source } = record.metadata;
      return [
        {
          id: record.id,
          name: record.name,
          path: record.filePath,
          sizeBytes: record.sizeBytes ?? 0,
          source:
            typeof source === 'string' && knownSources.has(source)
              ? (source as LocalModelSource)
              : 'imported',
          architecture: typeof architecture === 'string' ? architecture : null,
          quantization: record.quantization,
          contextLength: record.contextLength,
        },
      ];
    });

  return {
    async catalog({ contextSize }): Promise<CatalogModel[]> {
      const memory = await machineMemory();
      const downloaded = new Map(localModels().map((model) => [basename(model.path), model.id]));
      return catalog.models.map((model) => {
        const context =
          contextSize === 'auto' ? Math.min(model.contextLength, FIT_CONTEXT) : contextSize;
        return {
          id: model.id,
          name: model.name,
          description: `${model.family} · ${model.kind} · ${model.license}`,
          parameters: `${(model.parameters / 1e9).toFixed(1)}B`,
          contextLength: model.contextLength,
          quantizations: model.quantisations.map((quantisation) => {
            const fit = estimateFitFromCatalog({
              model,
              quantisation,
              contextSize: context,
              memory,
            });
            return {
              id: quantisation.quant,
              fileName: quantisation.file,
              sizeBytes: quantisation.sizeBytes,
              memoryBytes: fit.vramBytes + fit.ramBytes,
              fit: fitOf[fit.verdict],
              gpuLayers: fit.gpuLayers,
              downloadedModelId: downloaded.get(quantisation.file) ?? null,
            };
          }),
        };
      });
    },
    localModels: () => Promise.resolve(localModels()),
    importFile: async (path) => register(await importGgufFile(path)),
    browse: (path) => browseFolder(options, path),
    async discover() {
      const { models } = await discoverLocalModels(options.discoveryRoots);
      return models.map(register);
    },
    startDownload(request) {
      const entry = findCatalogEntry(catalog, {
        modelId: request.modelId,
        quant: request.quantizationId,
      });
      const busy = [...downloads.values()].find(
        (download) =>
          download.progress.fileName === entry.quantisation.file &&
          download.progress.state === 'downloading',
      );
      if (busy) return busy.progress;
      // A resumed download takes the place of the failed or cancelled one of the same file.
      for (const [key, download] of downloads) {
        const ended =
          download.progress.state === 'failed' || download.progress.state === 'cancelled';
        if (ended && download.progress.fileName === entry.quantisation.file) downloads.delete(key);
      }
      const downloadRequest = downloadRequestFor(entry);
      const endpoint = options.huggingFaceEndpoint?.replace(/\/$/, '');
      const url = endpoint
        ? downloadRequest.url.replace(/^https:\/\/huggingface\.co/, endpoint)
        : downloadRequest.url;
      const id = newId();
      const controller = new AbortController();
      const progress: DownloadProgress = {
        id,
        modelId: request.modelId,
        quantizationId: request.quantizationId,
        fileName: entry.quantisation.file,
        state: 'downloading',
        receivedBytes: 0,
        totalBytes: entry.quantisation.sizeBytes,
        bytesPerSecond: 0,
        etaSeconds: null,
        error: null,
        connecting: true,
        retry: null,
        localModelId: null,
      };
      downloads.set(id, { progress, controller });
      void downloader
        .download(
          { ...downloadRequest, url },
          {
            signal: controller.signal,
            onEvent: (event) => {
              if (event.type === 'connecting') {
                publish(id, { connecting: true });
              } else if (event.type === 'retrying') {
                publish(id, {
                  connecting: false,
                  bytesPerSecond: 0,
                  etaSeconds: null,
                  retry: {
                    attempt: event.failuresInARow + 1,
                    attempts: event.maxFailuresInARow,
                    inSeconds: Math.ceil(event.delayMs / 1000),
                  },
                });
              } else if (event.type === 'progress') {
                publish(id, {
                  connecting: false,
                  retry: null,
                  receivedBytes: event.receivedBytes,
                  totalBytes: event.totalBytes,
                  bytesPerSecond: event.bytesPerSecond,
                  etaSeconds: event.etaSeconds,
                });
              } else if (event.type === 'verifying') {
                publish(id, { state: 'verifying', connecting: false, receivedBytes: event.bytes });
              }
            },
          },
        )
        .then(async (result) => {
          const model = register(
            await describeLocalModel({ path: result.path, source: 'downloaded' }),
          );
          publish(id, {
            state: 'done',
            receivedBytes: result.bytes,
            totalBytes: result.bytes,
            etaSeconds: 0,
            localModelId: model.id,
          });
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) {
            publish(id, { state: 'cancelled', connecting: false, retry: null });
          } else {
            publish(id, {
              state: 'failed',
              connecting: false,
              retry: null,
              error: toAppError(error).message,
            });
          }
        });
      return progress;
    },
    cancelDownload(downloadId) {
      downloads.get(downloadId)?.controller.abort();
    },
    async removeDownload(downloadId) {
      const entry = downloads.get(downloadId);
      if (!entry) return;
      downloads.delete(downloadId);
      await downloader.discardPartial(entry.progress.fileName);
    },
    downloads: () => [...downloads.values()].map((download) => download.progress),
    onDownloadProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
