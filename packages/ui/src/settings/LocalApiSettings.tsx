import { useState } from 'react';
import type { LocalApiStatus } from '../types';

export type LocalApiActions = {
  /** Resolves with the new status; rejects with a sentence (the port is taken, …). */
  configure: (settings: { enabled: boolean; port: number }) => Promise<void>;
  regenerateToken: () => Promise<void>;
  copyText: (text: string) => Promise<void>;
};

const errorText = (error: unknown): string =>
  error instanceof Error && error.message ? error.message : 'Could not change the local API.';

/** Port text as typed, or the sentence that says what is wrong with it. */
function portOf(text: string): { port: number } | { problem: string } {
  const port = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || port < 1024 || port > 65535) {
    return { problem: 'Pick a port from 1024 to 65535.' };
  }
  return { port };
}

function CopyButton(props: {
  text: string;
  label: string;
  testId: string;
  copy: LocalApiActions['copyText'];
}) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="cf-button cf-button-small"
      data-testid={props.testId}
      aria-label={props.label}
      onClick={() =>
        void props.copy(props.text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
      onBlur={() => setCopied(false)}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

/**
 * Settings → Local API: an OpenAI-compatible API on 127.0.0.1 over the loaded model, for
 * editors and tools on this computer. Off until turned on; the key is shown to copy into them.
 */
export function LocalApiSettings(props: {
  status: LocalApiStatus | null;
  actions: LocalApiActions;
}) {
  const { status, actions } = props;
  const [port, setPort] = useState<string | null>(null);
  const [result, setResult] = useState<{ kind: 'ok' | 'problem'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  if (!status) return <p className="cf-muted">Loading the local API…</p>;
  const portText = port ?? String(status.port);
  const apply = async (enabled: boolean) => {
    const parsed = portOf(portText);
    if ('problem' in parsed) return setResult({ kind: 'problem', text: parsed.problem });
    setBusy(true);
    setResult(null);
    try {
      await actions.configure({ enabled, port: parsed.port });
      setPort(null);
      setResult({ kind: 'ok', text: enabled ? 'The local API is on.' : 'The local API is off.' });
    } catch (error) {
      setResult({ kind: 'problem', text: errorText(error) });
    } finally {
      setBusy(false);
    }
  };
  const baseUrl = status.baseUrl ?? `http://127.0.0.1:${status.port}/v1`;
  const model = status.model ?? 'the id /v1/models lists once a model is loaded';
  const environment = `OPENAI_BASE_URL=${baseUrl}\nOPENAI_API_KEY=${status.token}`;
  return (
    <div className="cf-local-api" data-testid="local-api">
      <p className="cf-muted">
        Lets editors and tools on this computer use the loaded model through an OpenAI-compatible
        API. It listens on 127.0.0.1 only, so other machines cannot reach it, and every request
        needs the key below.
      </p>
      <form
        className="cf-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void apply(status.enabled);
        }}
      >
        <label className="cf-check">
          <input
            type="checkbox"
            data-testid="local-api-enabled"
            checked={status.enabled}
            disabled={busy}
            onChange={(event) => void apply(event.target.checked)}
          />
          Turn on the local API
        </label>
        <div className="cf-field">
          <label className="cf-label" htmlFor="cf-local-api-port">
            Port
          </label>
          <div className="cf-row">
            <input
              id="cf-local-api-port"
              className="cf-input"
              inputMode="numeric"
              data-testid="local-api-port"
              value={portText}
              onChange={(event) => {
                setResult(null);
                setPort(event.target.value);
              }}
            />
            {status.enabled && port !== null && (
              <button
                type="submit"
                className="cf-button cf-button-small"
                data-testid="local-api-apply"
                disabled={busy}
              >
                Move to this port
              </button>
            )}
          </div>
        </div>
      </form>
      {result && (
        <p
          className={result.kind === 'ok' ? 'cf-text-success' : 'cf-text-danger'}
          role={result.kind === 'ok' ? 'status' : 'alert'}
          data-testid="local-api-result"
        >
          {result.text}
        </p>
      )}
      {status.problem && !result && (
        <p className="cf-text-danger" role="alert" data-testid="local-api-problem">
          {status.problem}
        </p>
      )}
      <p className="cf-muted" data-testid="local-api-state">
        {status.baseUrl ? (
          <>
            Running at <code className="cf-inline-code">{status.baseUrl}</code>
          </>
        ) : (
          'Off: nothing listens.'
        )}
      </p>
      <div className="cf-field">
        <span className="cf-label">API key</span>
        <div className="cf-row cf-wrap">
          <code className="cf-inline-code cf-secret" data-testid="local-api-token">
            {status.token}
          </code>
          <CopyButton
            text={status.token}
            label="Copy the API key"
            testId="local-api-copy"
            copy={actions.copyText}
          />
          <button
            type="button"
            className="cf-button cf-button-small"
            data-testid="local-api-regenerate"
            disabled={busy}
            onClick={() => {
              setResult(null);
              actions.regenerateToken().then(
                () =>
                  setResult({
                    kind: 'ok',
                    text: 'New key made: clients with the old one are refused.',
                  }),
                (error: unknown) => setResult({ kind: 'problem', text: errorText(error) }),
              );
            }}
          >
            Make a new key
          </button>
        </div>
      </div>
      <h3 className="cf-subheading">Set up a client</h3>
      <dl className="cf-setup" data-testid="local-api-setup">
        <dt>Base URL</dt>
        <dd>
          <code className="cf-inline-code">{baseUrl}</code>
        </dd>
        <dt>API key</dt>
        <dd>the key above</dd>
        <dt>Model</dt>
        <dd>
          <code className="cf-inline-code">{model}</code>
        </dd>
      </dl>
      <p className="cf-muted">
        Works with clients that let you set an OpenAI base URL: Continue (provider “openai” with
        apiBase), Cline and Roo Code (“OpenAI Compatible”), Aider (<code>--model openai/…</code>),
        and the OpenAI libraries for Python and JavaScript (base_url / baseURL and api_key). Many
        read these two variables:
      </p>
      <div className="cf-row cf-wrap">
        <pre className="cf-setup-env" data-testid="local-api-env">
          {environment}
        </pre>
        <CopyButton
          text={environment}
          label="Copy the two variables"
          testId="local-api-copy-env"
          copy={actions.copyText}
        />
      </div>
    </div>
  );
}
