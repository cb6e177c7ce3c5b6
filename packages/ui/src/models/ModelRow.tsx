import type { ReactNode } from 'react';

type ModelRowProps = {
  /** `local-model` or `remote-model`: what the e2e tests and the list's styles find it by. */
  testId: 'local-model' | 'remote-model';
  name: string;
  /** What it is: where it came from and its size, or its context length. */
  detail: string;
  /** The whole of what a shortened detail leaves out, such as the file's path. */
  detailTitle?: string;
  /** Shown between the text and the button, such as where a remote model runs. */
  badge?: ReactNode;
  loaded: boolean;
  /** The model being loaded or unloaded now, if any: every row's button waits for it. */
  pendingModelId: string | null;
  modelId: string;
  /** The button's words: `Load` for a file here, `Use` for a model on a server. */
  loadLabel: string;
  /** The button's words while this model is being loaded. */
  loadingLabel: string;
  onLoad: (modelId: string) => void;
  onUnload: () => void;
};

/**
 * One model the app can load, from this computer or from a server on another machine: the
 * Models screen lists both kinds with this row, so they read and work the same way.
 */
export function ModelRow(props: ModelRowProps) {
  const waiting = props.pendingModelId !== null;
  return (
    <li className="cf-model" data-testid={props.testId} data-loaded={props.loaded}>
      <div className="cf-model-main">
        <strong className="cf-ellipsis" title={props.name}>
          {props.name}
        </strong>
        <span className="cf-muted cf-ellipsis" title={props.detailTitle}>
          {props.detail}
        </span>
      </div>
      {props.badge}
      {props.loaded ? (
        <button
          type="button"
          className="cf-button cf-button-small"
          data-testid="unload-model"
          disabled={waiting}
          onClick={props.onUnload}
        >
          Unload
        </button>
      ) : (
        <button
          type="button"
          className="cf-button cf-button-primary cf-button-small"
          data-testid="load-model"
          disabled={waiting}
          onClick={() => props.onLoad(props.modelId)}
        >
          {props.pendingModelId === props.modelId ? props.loadingLabel : props.loadLabel}
        </button>
      )}
    </li>
  );
}
