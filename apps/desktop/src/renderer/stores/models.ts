import type {
  CatalogModel,
  DownloadProgress,
  EngineInfo,
  LocalModel,
  ModelFolder,
} from '@codeface/ui';
import { createStore } from 'zustand/vanilla';
import { messageOf, type Api } from '../client/api';
import { showError, useToasts } from './toasts';

export type ModelsState = {
  engine: EngineInfo | null;
  /** Null until the catalog has arrived. */
  catalog: CatalogModel[] | null;
  models: LocalModel[];
  /** Whether the model list has arrived: the first-run guide waits for it. */
  loaded: boolean;
  downloads: Record<string, DownloadProgress>;
  pendingModelId: string | null;
  refresh: () => Promise<void>;
  loadCatalog: () => Promise<void>;
  /** Follows download progress until the returned function is called. */
  watchDownloads: () => () => void;
  download: (request: { modelId: string; quantizationId: string }) => Promise<void>;
  cancelDownload: (downloadId: string) => Promise<void>;
  importFile: (path: string | null) => Promise<void>;
  browseFolder: (path: string | null) => Promise<ModelFolder>;
  discover: () => Promise<void>;
  load: (modelId: string) => Promise<void>;
  unload: () => Promise<void>;
};

export function createModelsStore(api: Api) {
  return createStore<ModelsState>()((set, get) => {
    const attempt = async (run: () => Promise<void>): Promise<void> => {
      try {
        await run();
      } catch (error) {
        showError(messageOf(error));
      }
    };
    return {
      engine: null,
      catalog: null,
      models: [],
      loaded: false,
      downloads: {},
      pendingModelId: null,

      refresh: () =>
        attempt(async () => {
          const [engine, models] = await Promise.all([
            api.models.info.query(),
            api.models.local.query(),
          ]);
          set({ engine, models, loaded: true });
        }),

      loadCatalog: () =>
        attempt(async () => {
          try {
            set({ catalog: await api.models.catalog.query() });
          } catch (error) {
            set({ catalog: [] });
            throw error;
          }
        }),

      watchDownloads() {
        const subscription = api.models.watchDownloads.subscribe(undefined, {
          onData: (progress) => {
            const before = get().downloads[progress.id];
            set({ downloads: { ...get().downloads, [progress.id]: progress } });
            if (progress.state === 'done' && before?.state !== 'done') {
              useToasts.getState().show({ kind: 'info', text: `${progress.fileName} is ready.` });
              void get().refresh();
            }
            if (progress.state === 'failed' && before?.state !== 'failed') {
              showError(
                `Download of ${progress.fileName} failed: ${progress.error ?? 'unknown error'}`,
              );
            }
          },
          onError: (error) => showError(`Lost download progress: ${messageOf(error)}`),
        });
        return () => subscription.unsubscribe();
      },

      download: (request) =>
        attempt(async () => {
          const progress = await api.models.startDownload.mutate(request);
          set({ downloads: { ...get().downloads, [progress.id]: progress } });
        }),

      cancelDownload: (downloadId) =>
        attempt(async () => {
          await api.models.cancelDownload.mutate({ downloadId });
        }),

      importFile: (path) =>
        attempt(async () => {
          const model =
            path === null
              ? await api.models.pickAndImport.mutate()
              : await api.models.import.mutate({ path });
          if (model) {
            useToasts.getState().show({ kind: 'info', text: `Imported ${model.name}.` });
            await get().refresh();
          }
        }),

      browseFolder: (path) => api.models.browse.query({ path }),

      discover: () =>
        attempt(async () => {
          const found = await api.models.discover.mutate();
          useToasts.getState().show({
            kind: 'info',
            text: found.length === 0 ? 'No other models found.' : `Found ${found.length} models.`,
          });
          await get().refresh();
        }),

      load: (modelId) =>
        attempt(async () => {
          set({ pendingModelId: modelId });
          try {
            set({ engine: await api.models.load.mutate({ modelId }) });
          } finally {
            set({ pendingModelId: null });
          }
        }),

      unload: () =>
        attempt(async () => {
          set({ engine: await api.models.unload.mutate() });
        }),
    };
  });
}

export type ModelsStore = ReturnType<typeof createModelsStore>;
