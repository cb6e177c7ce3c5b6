import { useState } from 'react';
import type { RemoteServerDraft, RemoteServerModels } from '../types';
import { TextField } from '../forms/Field';
import { ModelRow } from './ModelRow';

export type RemoteServerActions = {
  /** Resolves with the names of the server's models; rejects with a sentence saying what failed. */
  test: (draft: RemoteServerDraft) => Promise<string[]>;
  /** Resolves once added; rejects with a sentence saying what failed. */
  add: (draft: RemoteServerDraft) => Promise<void>;
  remove: (serverId: string) => void;
  load: (modelId: string) => void;
  unload: () => void;
};

type RemoteServersProps = {
  /** Null while the servers are being asked for their models. */
  servers: readonly RemoteServerModels[] | null;
  loadedModelId: string | null;
  pendingModelId: string | null;
  actions: RemoteServerActions;
};

const DEFAULT_CONTEXT = 8192;

const errorText = (error: unknown): string =>
  error instanceof Error && error.message ? error.message : 'The server could not be reached.';

type Result = { kind: 'ok' | 'problem'; text: string };

function draftOf(fields: {
  url: string;
  apiKey: string;
  contextSize: string;
}): { draft: RemoteServerDraft } | { problem: string } {
  const context = fields.contextSize.trim();
  if (context !== '' && !/^\d+$/.test(context)) {
    return { problem: 'The context length must be a whole number of tokens.' };
  }
  return {
    draft: {
      url: fields.url.trim(),
      apiKey: fields.apiKey.trim() === '' ? undefined : fields.apiKey.trim(),
      contextSize: context === '' ? null : Number(context),
    },
  };
}

function AddServerForm(props: { actions: RemoteServerActions; onClose: () => void }) {
  const [fields, setFields] = useState({ url: '', apiKey: '', contextSize: '' });
  const [result, setResult] = useState<Result | null>(null);
  const [busy, setBusy] = useState(false);
  const edit = (name: keyof typeof fields) => (value: string) => {
    setResult(null);
    setFields({ ...fields, [name]: value });
  };
  const run = async (action: 'test' | 'add') => {
    const parsed = draftOf(fields);
    if ('problem' in parsed) return setResult({ kind: 'problem', text: parsed.problem });
    setBusy(true);
    setResult(null);
    try {
      if (action === 'add') {
        await props.actions.add(parsed.draft);
        props.onClose();
        return;
      }
      const models = await props.actions.test(parsed.draft);
      setResult({
        kind: 'ok',
        text:
          models.length === 0
            ? 'Connected, but the server lists no models yet.'
            : `Connected. ${models.length === 1 ? 'One model' : `${models.length} models`}: ${models.join(', ')}.`,
      });
    } catch (error) {
      setResult({ kind: 'problem', text: errorText(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="cf-form cf-remote-form"
      data-testid="remote-server-form"
      aria-label="Add a remote model server"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void run('add');
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          props.onClose();
        }
      }}
    >
      <TextField
        id="cf-remote-url"
        label="Address"
        hint="Ollama, LM Studio, llama.cpp’s server, vLLM or any OpenAI-compatible API. Without a path, /v1 is added."
        wide
        data-testid="remote-url"
        placeholder="http://192.168.1.20:11434"
        autoComplete="off"
        spellCheck={false}
        autoFocus
        value={fields.url}
        onValueChange={edit('url')}
      />
      <TextField
        id="cf-remote-key"
        label="API key (optional)"
        hint="Kept in CodeFace’s secret store, never in the settings or the chats."
        wide
        data-testid="remote-api-key"
        type="password"
        autoComplete="off"
        value={fields.apiKey}
        onValueChange={edit('apiKey')}
      />
      <TextField
        id="cf-remote-context"
        label="Context length"
        hint={`Tokens, for models whose server does not say. Leave empty for ${DEFAULT_CONTEXT.toLocaleString('en')}.`}
        data-testid="remote-context"
        inputMode="numeric"
        placeholder={String(DEFAULT_CONTEXT)}
        value={fields.contextSize}
        onValueChange={edit('contextSize')}
      />
      {result && (
        <p
          className={result.kind === 'ok' ? 'cf-text-success' : 'cf-text-danger'}
          role={result.kind === 'ok' ? 'status' : 'alert'}
          data-testid="remote-test-result"
        >
          {result.text}
        </p>
      )}
      <div className="cf-row cf-wrap">
        <button
          type="button"
          className="cf-button"
          data-testid="remote-test"
          disabled={busy}
          onClick={() => void run('test')}
        >
          Test connection
        </button>
        <button
          type="submit"
          className="cf-button cf-button-primary"
          data-testid="remote-add"
          disabled={busy}
        >
          Add server
        </button>
        <button type="button" className="cf-button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * Models on other machines, beside the ones on this computer: each remote server with its
 * models (marked remote, with the host name), and the form that adds a server.
 */
export function RemoteServers({
  servers,
  loadedModelId,
  pendingModelId,
  actions,
}: RemoteServersProps) {
  const [adding, setAdding] = useState(false);
  return (
    <section className="cf-card" aria-label="On other machines" data-testid="remote-servers">
      <div className="cf-row cf-row-between cf-card-heading cf-wrap">
        <h2>On other machines</h2>
        {!adding && (
          <button
            type="button"
            className="cf-button cf-button-small"
            data-testid="add-remote-server"
            onClick={() => setAdding(true)}
          >
            Add a remote model server
          </button>
        )}
      </div>
      <p className="cf-muted">
        Models that run on another computer. While one is loaded, what you send in a chat (the
        messages of the conversation that fit, its system prompt and any clipboard text in a quick
        ask) goes to that server.
      </p>
      {adding && <AddServerForm actions={actions} onClose={() => setAdding(false)} />}
      {servers === null && <p className="cf-muted">Asking the servers for their models…</p>}
      {servers?.map(({ server, models, error }) => (
        <div key={server.id} className="cf-remote-server" data-testid="remote-server">
          <div className="cf-row cf-row-between cf-wrap">
            <strong className="cf-ellipsis" title={server.baseUrl}>
              {server.host}
            </strong>
            <button
              type="button"
              className="cf-button cf-button-small"
              data-testid="remove-remote-server"
              aria-label={`Remove ${server.host}`}
              onClick={() => actions.remove(server.id)}
            >
              Remove
            </button>
          </div>
          {error && (
            <p className="cf-text-danger" role="alert">
              {error}
            </p>
          )}
          {!error && models.length === 0 && (
            <p className="cf-muted">This server lists no models.</p>
          )}
          <ul className="cf-list">
            {models.map((model) => (
              <ModelRow
                key={model.id}
                testId="remote-model"
                modelId={model.id}
                name={model.name}
                detail={
                  model.contextLength === null
                    ? 'Context length not reported'
                    : `${model.contextLength.toLocaleString('en')} tokens of context`
                }
                badge={<span className="cf-badge cf-badge-remote">Remote · {model.host}</span>}
                loaded={loadedModelId === model.id}
                pendingModelId={pendingModelId}
                loadLabel="Use"
                loadingLabel="Connecting…"
                onLoad={actions.load}
                onUnload={actions.unload}
              />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
