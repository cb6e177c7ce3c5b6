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
  /** Forgets a failed or cancelled download and deletes what it left. */
  removeDownload: (downloadId: string) => Promise<void>;
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
            // Only a change seen happening is told in a toast: a download that had already
            // ended when the window (re)opened is shown on its row in Models, with Resume.
            const changed = (state: string) =>
              progress.state === state && before !== undefined && before.state !== state;
            if (progress.state === 'done' && before?.state !== 'done') void get().refresh();
            if (changed('done')) {
              useToasts.getState().show({ kind: 'info', text: `${progress.fileName} is ready.` });
            }
            if (changed('failed')) {
              showError(`${progress.fileName} was not downloaded. ${progress.error ?? ''}`.trim());
            }
          },
          onError: (error) => showError(`Lost download progress: ${messageOf(error)}`),
        });
        return () => subscription.unsubscribe();
      },

      download: (request) =>
        attempt(async () => {
          const progress = await api.models.startDownload.mutate(request);
          // A resumed download takes the place of the failed or cancelled row of its file.
          const kept = Object.values(get().downloads).filter(
            (d) =>
              d.fileName !== progress.fileName || (d.state !== 'failed' && d.state !== 'cancelled'),
          );
          // The answer is a snapshot from the start: progress the subscription brought while
          // it travelled is newer, and is kept over it.
          set({
            downloads: Object.fromEntries(
              [progress, ...kept].map((download) => [download.id, download]),
            ),
          });
        }),

      cancelDownload: (downloadId) =>
        attempt(async () => {
          await api.models.cancelDownload.mutate({ downloadId });
        }),

      removeDownload: (downloadId) =>
        attempt(async () => {
          await api.models.removeDownload.mutate({ downloadId });
          const { [downloadId]: _removed, ...rest } = get().downloads;
          set({ downloads: rest });
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
