import { useState } from 'react';
import { formatBytes } from '../models/format';
import type {
  ChatStatesUse,
  GenerationParams,
  HotkeyStatus,
  LocalApiStatus,
  Preset,
  PrivacyStatus,
  SyncDevice,
  SyncView,
  ThemePreference,
} from '../types';
import { SyncSettings, type SyncActions } from '../sync/SyncSettings';
import { PrivacySettings } from './PrivacySettings';
import type { PrivacyActions } from './PrivacySettings';
import { HotkeySettings, type HotkeyActions } from './HotkeySettings';
import { LocalApiSettings } from './LocalApiSettings';
import { WorkspaceSettings, type WorkspaceActions } from './WorkspaceSettings';
import { PresetSettings, type PresetActions } from './PresetSettings';
import type { LocalApiActions } from './LocalApiSettings';
import {
  PARAM_LIMITS,
  toParamDraft,
  validateParams,
  type ParamDraft,
  type ParamProblems,
} from './validateParams';

export type SettingsActions = {
  setTheme: (theme: ThemePreference) => void;
  /** Resolves when saved; rejects with a readable message when the app refuses the values. */
  saveParams: (params: GenerationParams) => Promise<void>;
  presets: PresetActions;
  exportChats: (format: 'markdown' | 'json') => void;
  importChats: (file: File) => void;
  localApi: LocalApiActions;
  /** Resolves when saved; rejects with a readable message when the app refuses the value. */
  saveChatStatesBudget: (budgetGb: number) => Promise<void>;
  clearChatStates: () => Promise<void>;
  sync: SyncActions;
  workspace: WorkspaceActions;
  hotkey: HotkeyActions;
  privacy: PrivacyActions;
};

type SettingsScreenProps = {
  theme: ThemePreference;
  params: GenerationParams;
  presets: readonly Preset[];
  dataFolder: string | null;
  /** Null while it loads. */
  localApi: LocalApiStatus | null;
  /** Null until known, or where the engine saves none (a remote one). */
  chatStates: ChatStatesUse | null;
  /** Null while it loads. */
  privacy: PrivacyStatus | null;
  sync: {
    view: SyncView | null;
    devices: readonly SyncDevice[] | null;
    recoveryKey: readonly string[] | null;
    now: number;
  };
  /** Where code from answers is saved; null until the person chooses one. */
  workspaceFolder: string | null;
  /** The quick ask's hotkey: the saved one and whether it works (null while it loads). */
  hotkey: { accelerator: string; status: HotkeyStatus | null; mac: boolean };
  actions: SettingsActions;
};

const themes: ReadonlyArray<{ value: ThemePreference; label: string }> = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const hints: Record<keyof GenerationParams, string> = {
  temperature: '0 is focused and repeatable, 2 is adventurous.',
  contextSize: 'Tokens the model sees at once. Leave empty for the largest that fits.',
  gpuLayers: 'Layers offloaded to the GPU. Leave empty to decide automatically.',
  maxAnswerTokens:
    'Tokens one answer may take. An answer cut here says so and can be continued; a preset can set its own.',
};

const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : 'Could not save.';

function ParamsForm(props: { params: GenerationParams; onSave: SettingsActions['saveParams'] }) {
  const [draft, setDraft] = useState<ParamDraft>(() => toParamDraft(props.params));
  const [problems, setProblems] = useState<ParamProblems>({});
  const [status, setStatus] = useState<string | null>(null);
  return (
    <form
      className="cf-form"
      data-testid="params-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const result = validateParams(draft);
        setProblems(result.problems ?? {});
        setStatus(null);
        if (result.params) {
          props.onSave(result.params).then(
            () => setStatus('Saved.'),
            (error: unknown) => setStatus(errorText(error)),
          );
        }
      }}
    >
      {(Object.keys(PARAM_LIMITS) as Array<keyof GenerationParams>).map((key) => (
        <div key={key} className="cf-field">
          <label className="cf-label" htmlFor={`cf-param-${key}`}>
            {PARAM_LIMITS[key].label}
          </label>
          <input
            id={`cf-param-${key}`}
            className="cf-input"
            inputMode="decimal"
            data-testid={`param-${key}`}
            placeholder={PARAM_LIMITS[key].optional ? 'Automatic' : undefined}
            value={draft[key]}
            aria-invalid={problems[key] !== undefined}
            aria-describedby={`cf-param-${key}-hint`}
            onChange={(event) => {
              setStatus(null);
              setDraft({ ...draft, [key]: event.target.value });
            }}
          />
          {problems[key] ? (
            <div id={`cf-param-${key}-hint`} className="cf-field-problem" role="alert">
              {problems[key]}
            </div>
          ) : (
            <div id={`cf-param-${key}-hint`} className="cf-hint">
              {hints[key]}
            </div>
          )}
        </div>
      ))}
      <div className="cf-row">
        <button type="submit" className="cf-button cf-button-primary" data-testid="save-params">
          Save
        </button>
        {status && (
          <span className="cf-muted" role="status">
            {status}
          </span>
        )}
      </div>
    </form>
  );
}

/** The most disk the saved chat states may take, as the settings accept it. */
const MAX_CHAT_STATES_GB = 1024;

function ChatStatesForm(props: {
  use: ChatStatesUse;
  onSave: SettingsActions['saveChatStatesBudget'];
  onClear: SettingsActions['clearChatStates'];
}) {
  const [draft, setDraft] = useState(String(props.use.budgetGb));
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const { bytes, chats } = props.use;
  return (
    <form
      className="cf-form"
      data-testid="chat-states-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const budgetGb = Number(draft.trim());
        setStatus(null);
        if (draft.trim() === '' || !Number.isFinite(budgetGb) || budgetGb < 0) {
          return setProblem('Enter a number of GB, 0 or more.');
        }
        if (budgetGb > MAX_CHAT_STATES_GB) {
          return setProblem(`At most ${MAX_CHAT_STATES_GB.toLocaleString('en')} GB.`);
        }
        setProblem(null);
        props.onSave(budgetGb).then(
          () => setStatus('Saved.'),
          (error: unknown) => setStatus(errorText(error)),
        );
      }}
    >
      <p className="cf-muted" data-testid="chat-states-use">
        {chats === 0
          ? 'No chat state is saved.'
          : `${formatBytes(bytes)} used by ${chats} ${chats === 1 ? 'chat' : 'chats'}.`}
      </p>
      <div className="cf-field">
        <label className="cf-label" htmlFor="cf-chat-states-budget">
          Space for saved chat states (GB)
        </label>
        <input
          id="cf-chat-states-budget"
          className="cf-input"
          inputMode="decimal"
          data-testid="chat-states-budget"
          value={draft}
          aria-invalid={problem !== null}
          aria-describedby="cf-chat-states-hint"
          onChange={(event) => {
            setStatus(null);
            setDraft(event.target.value);
          }}
        />
        {problem ? (
          <div id="cf-chat-states-hint" className="cf-field-problem" role="alert">
            {problem}
          </div>
        ) : (
          <div id="cf-chat-states-hint" className="cf-hint">
            A chat reopened later, even after a restart, answers at once instead of reading its
            whole conversation again. The least recently used go first; 0 keeps none.
          </div>
        )}
      </div>
      <div className="cf-row">
        <button
          type="submit"
          className="cf-button cf-button-primary"
          data-testid="save-chat-states"
        >
          Save
        </button>
        <button
          type="button"
          className="cf-button"
          data-testid="clear-chat-states"
          disabled={chats === 0}
          onClick={() => {
            setStatus(null);
            props.onClear().then(
              () => setStatus('Cleared.'),
              (error: unknown) => setStatus(errorText(error)),
            );
          }}
        >
          Clear saved states
        </button>
        {status && (
          <span className="cf-muted" role="status">
            {status}
          </span>
        )}
      </div>
    </form>
  );
}

export function SettingsScreen({
  theme,
  params,
  presets,
  dataFolder,
  localApi,
  chatStates,
  privacy,
  sync,
  workspaceFolder,
  hotkey,
  actions,
}: SettingsScreenProps) {
  return (
    <div className="cf-screen" data-testid="settings-screen">
      <header className="cf-screen-header">
        <h1>Settings</h1>
      </header>
      <section className="cf-card" aria-label="Appearance">
        <h2>Appearance</h2>
        <div className="cf-segmented" role="radiogroup" aria-label="Theme">
          {themes.map((t) => (
            <button
              key={t.value}
              type="button"
              role="radio"
              aria-checked={theme === t.value}
              data-testid={`theme-${t.value}`}
              onClick={() => actions.setTheme(t.value)}
            >
              {t.label}
            </button>
          ))}
        </div>
      </section>
      <section className="cf-card" aria-label="Quick ask">
        <h2>Quick ask</h2>
        <HotkeySettings {...hotkey} actions={actions.hotkey} />
      </section>
      <section className="cf-card" aria-label="Sync" id="settings-sync" data-testid="sync-settings">
        <h2>Sync</h2>
        <SyncSettings {...sync} actions={actions.sync} />
      </section>
      <section className="cf-card" aria-label="Generation">
        <h2>Generation</h2>
        <ParamsForm params={params} onSave={actions.saveParams} />
      </section>
      {chatStates && (
        <section className="cf-card" aria-label="Saved chat states">
          <h2>Saved chat states</h2>
          <ChatStatesForm
            use={chatStates}
            onSave={actions.saveChatStatesBudget}
            onClear={actions.clearChatStates}
          />
        </section>
      )}
      <section className="cf-card" aria-label="Presets">
        <h2>Presets</h2>
        <PresetSettings presets={presets} actions={actions.presets} />
      </section>
      <section className="cf-card" aria-label="Code to files" data-testid="workspace-settings">
        <h2>Code to files</h2>
        <WorkspaceSettings folder={workspaceFolder} actions={actions.workspace} />
      </section>
      <section className="cf-card" aria-label="Local API" data-testid="local-api-settings">
        <h2>Local API</h2>
        <LocalApiSettings status={localApi} actions={actions.localApi} />
      </section>
      <section className="cf-card" aria-label="Privacy" data-testid="privacy-settings">
        <h2>Privacy</h2>
        <PrivacySettings status={privacy} actions={actions.privacy} />
      </section>
      <section className="cf-card" aria-label="Your data">
        <h2>Your data</h2>
        {dataFolder && (
          <p className="cf-muted">
            Chats are kept on this computer in{' '}
            <code className="cf-inline-code" data-testid="data-folder">
              {dataFolder}
            </code>
          </p>
        )}
        <div className="cf-row cf-wrap">
          <button
            type="button"
            className="cf-button"
            data-testid="export-markdown"
            onClick={() => actions.exportChats('markdown')}
          >
            Export as Markdown
          </button>
          <button
            type="button"
            className="cf-button"
            data-testid="export-json"
            onClick={() => actions.exportChats('json')}
          >
            Export as JSON
          </button>
          <label className="cf-button" data-testid="import-chats">
            Import chats (JSON)…
            <input
              type="file"
              accept="application/json,.json"
              className="cf-visually-hidden"
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (file) actions.importChats(file);
                event.target.value = '';
              }}
            />
          </label>
        </div>
      </section>
    </div>
  );
}
