import { AppError } from '../errors';
import type { ChatEngine, EngineInfo, SavedStatesUse } from './ports';
import type { DownloadProgress, LocalModel, ModelFolder, ModelLibrary } from './model-ports';
import type { SettingsService } from './settings-service';
import { listen } from './listen';
import { parseRemoteModelId } from './remote-server-service';
import type { RemoteServerService } from './remote-server-service';

export type ModelInfo = EngineInfo & {
  loadedModelName: string | null;
  /** The model loaded last (loaded again at start): what the quick ask offers when none is. */
  lastModel: { id: string; name: string } | null;
};

/** Model files and the one loaded model: loading remembers the choice for the next start. */
export class ModelService {
  constructor(
    private readonly deps: {
      library: ModelLibrary;
      engine: ChatEngine;
      settings: SettingsService;
      remoteServers: RemoteServerService;
    },
  ) {}

  catalog() {
    return this.deps.library.catalog({
      contextSize: this.deps.settings.get().contextSize ?? 'auto',
    });
  }

  local(): Promise<LocalModel[]> {
    return this.deps.library.localModels();
  }

  import(path: string): Promise<LocalModel> {
    return this.deps.library.importFile(path);
  }

  browse(path: string | null): Promise<ModelFolder> {
    return this.deps.library.browse(path);
  }

  discover(): Promise<LocalModel[]> {
    return this.deps.library.discover();
  }

  /** Loads a model of this computer, or starts using one of a remote server. */
  async load(modelId: string): Promise<ModelInfo> {
    const remote = this.deps.remoteServers.connectionFor(modelId);
    if (remote) {
      await this.deps.engine.loadRemote({ id: modelId, ...remote });
      this.deps.settings.update({ defaultModelId: modelId });
      return this.info();
    }
    const model = (await this.local()).find((candidate) => candidate.id === modelId);
    if (!model)
      throw new AppError('model-not-found', 'That model file is no longer on this computer.', {
        modelId,
      });
    const { contextSize, gpuLayers } = this.deps.settings.get();
    await this.deps.engine.load({
      id: model.id,
      path: model.path,
      contextSize: contextSize ?? 'auto',
      gpuLayers: gpuLayers ?? 'auto',
    });
    this.deps.settings.update({ defaultModelId: model.id });
    return this.info();
  }

  /** Loads the model used last time, if it is still there; a failure leaves no model loaded. */
  async restoreLastModel(): Promise<void> {
    const { defaultModelId } = this.deps.settings.get();
    if (defaultModelId === null) return;
    try {
      await this.load(defaultModelId);
    } catch {
      // The file may have been moved or deleted since; the person picks another one.
    }
  }

  async unload(): Promise<ModelInfo> {
    await this.deps.engine.unload();
    return this.info();
  }

  /** The engine's state, with the loaded and the last model's names as the person knows them. */
  async info(): Promise<ModelInfo> {
    const info = await this.deps.engine.info();
    const { defaultModelId } = this.deps.settings.get();
    return {
      ...info,
      loadedModelName: info.loadedModel === null ? null : await this.nameOf(info.loadedModel),
      lastModel:
        defaultModelId === null
          ? null
          : { id: defaultModelId, name: await this.nameOf(defaultModelId) },
    };
  }

  private async nameOf(modelId: string): Promise<string> {
    const remote = parseRemoteModelId(modelId);
    if (remote) return remote.name;
    return (await this.local()).find((model) => model.id === modelId)?.name ?? modelId;
  }

  /** The chats' saved model states (0208): the space they take, or null where none are saved. */
  async savedStates(): Promise<SavedStatesUse | null> {
    return (await this.deps.engine.info()).savedStates;
  }

  /** Deletes every chat's saved model state: each chat reads its conversation again once. */
  clearSavedStates(): Promise<SavedStatesUse | null> {
    return this.deps.engine.savedStates({ type: 'clear' });
  }

  /**
   * Brings the saved states in line with the app at start: the budget as set (handed to the
   * engine before this returns its promise, so a model process started after it opens the
   * states with that budget), and no state of a chat deleted while the engine was not told.
   */
  async syncSavedStates(chatIds: string[]): Promise<void> {
    const { chatStatesBudgetGb } = this.deps.settings.get();
    await this.deps.engine.savedStates({
      type: 'set-budget',
      budgetBytes: gibToBytes(chatStatesBudgetGb),
    });
    await this.deps.engine.savedStates({ type: 'keep-only', chatIds });
  }

  startDownload(request: { modelId: string; quantizationId: string }): DownloadProgress {
    return this.deps.library.startDownload(request);
  }

  cancelDownload(downloadId: string): void {
    if (!this.deps.library.downloads().some((download) => download.id === downloadId)) {
      throw new AppError('download-not-found', 'That download is not running.', { downloadId });
    }
    this.deps.library.cancelDownload(downloadId);
  }

  /** Removes a download that failed or was cancelled, with the part of the file it left. */
  async removeDownload(downloadId: string): Promise<void> {
    const download = this.deps.library.downloads().find((d) => d.id === downloadId);
    if (!download) {
      throw new AppError('download-not-found', 'That download is no longer listed.', {
        downloadId,
      });
    }
    if (download.state !== 'failed' && download.state !== 'cancelled') {
      throw new AppError('download-busy', 'Cancel the download before removing it.', {
        downloadId,
      });
    }
    await this.deps.library.removeDownload(downloadId);
  }

  downloads(): DownloadProgress[] {
    return this.deps.library.downloads();
  }

  /** Every download's current state first, then each change as it happens. */
  async *watchDownloads(signal: AbortSignal): AsyncGenerator<DownloadProgress> {
    const updates = listen<DownloadProgress>({
      subscribe: (listener) => this.deps.library.onDownloadProgress(listener),
      keyOf: (progress) => progress.id,
      signal,
    });
    for (const download of this.downloads()) yield download;
    yield* updates;
  }
}

/** A budget in GiB, as the settings keep it, in whole bytes. */
export const gibToBytes = (gib: number): number => Math.round(gib * 1024 ** 3);
