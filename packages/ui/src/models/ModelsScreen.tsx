import { useState } from 'react';
import type {
  CatalogModel,
  DownloadProgress,
  EngineInfo,
  Fit,
  LocalModel,
  LocalModelSource,
  ModelFolder,
  RemoteServerModels,
} from '../types';
import { formatBytes, formatDuration, formatEta, formatCount } from './format';
import { ModelFileBrowser } from './ModelFileBrowser';
import { ModelRow } from './ModelRow';
import { ProgressBar } from '../feedback/ProgressBar';
import { RemoteServers } from './RemoteServers';
import type { RemoteServerActions } from './RemoteServers';

export type ModelActions = {
  download: (request: { modelId: string; quantizationId: string }) => void;
  cancelDownload: (downloadId: string) => void;
  /** Forgets a failed or cancelled download and deletes what it left. */
  removeDownload: (downloadId: string) => void;
  /** With a path, imports that file; without one, asks the platform's file dialog. */
  importFile: (path: string | null) => void;
  /** Lists a folder for the web host's file browser (the home folder for null). */
  browseFolder: (path: string | null) => Promise<ModelFolder>;
  discover: () => void;
  load: (modelId: string) => void;
  unload: () => void;
};

type ModelsScreenProps = {
  engine: EngineInfo | null;
  /** Null while the catalog is loading. */
  catalog: readonly CatalogModel[] | null;
  downloads: readonly DownloadProgress[];
  models: readonly LocalModel[];
  /** Electron shows a file dialog; the web host its own file browser, or a typed path. */
  canPickFiles: boolean;
  /** Opens the web host's file browser at once (first run's "Import a model file"). */
  startBrowsing?: boolean;
  /** A model being loaded or unloaded: its buttons wait. */
  pendingModelId: string | null;
  actions: ModelActions;
  /** Servers on other machines and their models; null while they are being asked. */
  remoteServers: readonly RemoteServerModels[] | null;
  remoteActions: RemoteServerActions;
};

/** What a fit verdict means here: with no GPU, a model that fits runs from RAM. */
function fitLabel(fit: Fit, hasGpu: boolean): string {
  switch (fit) {
    case 'fits':
      return hasGpu ? 'Fits your GPU' : 'Fits in memory';
    case 'partial-offload':
      return 'Partly on GPU';
    case 'too-big':
      return 'Too large';
  }
}

const sourceLabel: Record<LocalModelSource, string> = {
  downloaded: 'Downloaded',
  imported: 'Imported',
  'lm-studio': 'LM Studio',
  ollama: 'Ollama',
  'hugging-face': 'Hugging Face cache',
};

const WEIGHT_MEMORY_LABELS = {
  copied: 'Weights held in RAM',
  mapped: 'Weights may be paged out while idle',
} as const;

function HardwarePanel({
  engine,
  models,
}: {
  engine: EngineInfo | null;
  models: readonly LocalModel[];
}) {
  if (!engine) return <p className="cf-muted">Looking for a GPU…</p>;
  return (
    <dl className="cf-gpu" data-testid="gpu-info">
      <div>
        <dt>Backend</dt>
        <dd>{engine.backend}</dd>
      </div>
      <div>
        <dt>Device</dt>
        <dd>{engine.gpuName ?? 'No GPU found: models run on the CPU'}</dd>
      </div>
      {engine.vramTotalBytes !== null && (
        <div>
          <dt>VRAM</dt>
          <dd>
            {engine.vramFreeBytes !== null && `${formatBytes(engine.vramFreeBytes)} free of `}
            {formatBytes(engine.vramTotalBytes)}
          </dd>
        </div>
      )}
      <div>
        <dt>Loaded</dt>
        <dd data-testid="loaded-model">
          {engine.loadedModel === null
            ? 'Nothing loaded'
            : (engine.loadedModelName ??
              models.find((m) => m.id === engine.loadedModel)?.name ??
              engine.loadedModel)}
          {engine.remoteHost && ` (remote, on ${engine.remoteHost})`}
        </dd>
      </div>
      {engine.weightMemory && (
        <div>
          <dt>Memory</dt>
          <dd data-testid="weight-memory">{WEIGHT_MEMORY_LABELS[engine.weightMemory]}</dd>
        </div>
      )}
    </dl>
  );
}

function downloadStatus(download: DownloadProgress): string {
  switch (download.state) {
    case 'downloading': {
      if (download.retry !== null) {
        const { attempt, attempts, inSeconds } = download.retry;
        const when = inSeconds > 0 ? `retrying in ${inSeconds} s` : 'retrying';
        return `No connection — ${when} (attempt ${attempt} of ${attempts})`;
      }
      if (download.connecting) return 'Connecting…';
      const left =
        download.etaSeconds !== null
          ? formatDuration(download.etaSeconds)
          : download.totalBytes !== null
            ? formatEta(download.totalBytes - download.receivedBytes, download.bytesPerSecond)
            : null;
      return `${formatBytes(download.bytesPerSecond)}/s${left ? ` · ${left} left` : ''}`;
    }
    case 'verifying':
      return 'Checking the file…';
    case 'done':
      return 'Downloaded and verified';
    case 'cancelled':
      return 'Cancelled; the part already downloaded is kept';
    case 'failed':
      return download.error ?? 'The download failed';
  }
}

function DownloadRow({ download, actions }: { download: DownloadProgress; actions: ModelActions }) {
  const total = download.totalBytes;
  return (
    <li className="cf-download" data-testid="download" data-state={download.state}>
      <div className="cf-row cf-row-between cf-wrap">
        <strong className="cf-ellipsis">{download.fileName}</strong>
        <span className="cf-muted">
          {formatBytes(download.receivedBytes)}
          {total !== null && ` / ${formatBytes(total)}`}
        </span>
      </div>
      <ProgressBar
        value={download.connecting && download.receivedBytes === 0 ? null : download.receivedBytes}
        max={total}
        label={`Download of ${download.fileName}`}
        testId="download-progress"
      />
      <div className="cf-row cf-row-between">
        <span
          className={download.state === 'failed' ? 'cf-text-danger' : 'cf-muted'}
          data-testid="download-status"
        >
          {downloadStatus(download)}
        </span>
        {download.state === 'downloading' && (
          <button
            type="button"
            className="cf-button cf-button-small"
            data-testid="cancel-download"
            onClick={() => actions.cancelDownload(download.id)}
          >
            Cancel
          </button>
        )}
        {(download.state === 'failed' || download.state === 'cancelled') && (
          <button
            type="button"
            className="cf-button cf-button-small"
            data-testid="resume-download"
            onClick={() =>
              actions.download({
                modelId: download.modelId,
                quantizationId: download.quantizationId,
              })
            }
          >
            Resume
          </button>
        )}
        {(download.state === 'failed' || download.state === 'cancelled') && (
          <button
            type="button"
            className="cf-button cf-button-small"
            data-testid="remove-download"
            onClick={() => actions.removeDownload(download.id)}
          >
            Remove
          </button>
        )}
      </div>
    </li>
  );
}

function ImportForm({
  canPickFiles,
  startBrowsing,
  onImport,
  browse,
}: {
  canPickFiles: boolean;
  startBrowsing: boolean;
  onImport: (path: string | null) => void;
  browse: (path: string | null) => Promise<ModelFolder>;
}) {
  const [path, setPath] = useState('');
  const [browsing, setBrowsing] = useState(startBrowsing && !canPickFiles);
  if (canPickFiles) {
    return (
      <button
        type="button"
        className="cf-button"
        data-testid="import-model"
        onClick={() => onImport(null)}
      >
        Import a GGUF file…
      </button>
    );
  }
  return (
    <form
      className="cf-row cf-import"
      onSubmit={(event) => {
        event.preventDefault();
        onImport(path.trim());
      }}
    >
      <input
        className="cf-input"
        aria-label="Path of a .gguf file"
        data-testid="import-path"
        placeholder="/path/to/model.gguf"
        value={path}
        onChange={(event) => setPath(event.target.value)}
      />
      <button type="submit" className="cf-button" data-testid="import-model">
        Import
      </button>
      <button
        type="button"
        className="cf-button"
        data-testid="browse-models"
        onClick={() => setBrowsing(true)}
      >
        Browse…
      </button>
      {browsing && (
        <ModelFileBrowser
          browse={browse}
          onClose={() => setBrowsing(false)}
          onPick={(picked) => {
            setBrowsing(false);
            onImport(picked);
          }}
        />
      )}
    </form>
  );
}

export function ModelsScreen({
  engine,
  catalog,
  downloads,
  models,
  canPickFiles,
  startBrowsing = false,
  pendingModelId,
  actions,
  remoteServers,
  remoteActions,
}: ModelsScreenProps) {
  const active = downloads.filter((d) => d.state !== 'done');
  const running = (modelId: string, quantizationId: string): boolean =>
    downloads.some(
      (d) =>
        d.modelId === modelId &&
        d.quantizationId === quantizationId &&
        (d.state === 'downloading' || d.state === 'verifying'),
    );
  const installed = new Set(models.map((m) => m.name));
  return (
    <div className="cf-screen" data-testid="models-screen">
      <header className="cf-screen-header">
        <h1>Models</h1>
        <ImportForm
          canPickFiles={canPickFiles}
          startBrowsing={startBrowsing}
          onImport={actions.importFile}
          browse={actions.browseFolder}
        />
      </header>
      <section className="cf-card" aria-label="Your hardware">
        <h2>Your hardware</h2>
        <HardwarePanel engine={engine} models={models} />
      </section>
      {active.length > 0 && (
        <section className="cf-card" aria-label="Downloads">
          <h2>Downloads</h2>
          <ul className="cf-list">
            {active.map((d) => (
              <DownloadRow key={d.id} download={d} actions={actions} />
            ))}
          </ul>
        </section>
      )}
      <section className="cf-card" aria-label="On this computer">
        <div className="cf-row cf-row-between cf-card-heading">
          <h2>On this computer</h2>
          <button
            type="button"
            className="cf-button cf-button-small"
            data-testid="discover-models"
            onClick={actions.discover}
          >
            Look for models
          </button>
        </div>
        {models.length === 0 ? (
          <p className="cf-muted">
            No models yet. Download one from the catalog, import a file, or look for models that LM
            Studio, Ollama or Hugging Face already put on this computer.
          </p>
        ) : (
          <ul className="cf-list">
            {models.map((model) => (
              <ModelRow
                key={model.id}
                testId="local-model"
                modelId={model.id}
                name={model.name}
                detail={`${sourceLabel[model.source]} · ${formatBytes(model.sizeBytes)}${model.quantization ? ` · ${model.quantization}` : ''}`}
                detailTitle={model.path}
                loaded={engine?.loadedModel === model.id}
                pendingModelId={pendingModelId}
                loadLabel="Load"
                loadingLabel="Loading…"
                onLoad={actions.load}
                onUnload={actions.unload}
              />
            ))}
          </ul>
        )}
      </section>
      <RemoteServers
        servers={remoteServers}
        loadedModelId={engine?.loadedModel ?? null}
        pendingModelId={pendingModelId}
        actions={remoteActions}
      />
      <section className="cf-card" aria-label="Catalog">
        <h2>Catalog</h2>
        <ul className="cf-catalog">
          {(catalog ?? []).map((model) => (
            <li key={model.id} className="cf-catalog-model" data-testid="catalog-entry">
              <div className="cf-model-main">
                <strong>{model.name}</strong>
                <span className="cf-muted">
                  {model.parameters} parameters · {formatCount(model.contextLength)} tokens of
                  context
                </span>
                {model.description && (
                  <span className="cf-catalog-description">{model.description}</span>
                )}
              </div>
              <ul className="cf-quants">
                {model.quantizations.map((quant) => (
                  <li key={quant.id} className="cf-quant">
                    <span className="cf-quant-name">{quant.id}</span>
                    <span className="cf-muted">{formatBytes(quant.sizeBytes)}</span>
                    <span className={`cf-badge cf-badge-${quant.fit}`} data-testid="fit-badge">
                      {fitLabel(quant.fit, Boolean(engine?.gpuName))}
                    </span>
                    <button
                      type="button"
                      className="cf-button cf-button-small"
                      data-testid="download-model"
                      disabled={installed.has(quant.fileName) || running(model.id, quant.id)}
                      onClick={() =>
                        actions.download({ modelId: model.id, quantizationId: quant.id })
                      }
                    >
                      {running(model.id, quant.id) ? 'Downloading…' : 'Download'}
                    </button>
                  </li>
                ))}
              </ul>
            </li>
          ))}
          {catalog === null && <li className="cf-muted">Loading the catalog…</li>}
          {catalog?.length === 0 && (
            <li className="cf-muted">The catalog is not available; import a GGUF file instead.</li>
          )}
        </ul>
      </section>
    </div>
  );
}
