import { useState } from 'react';
import { Segmented } from '../forms/Segmented';
import { TextField } from '../forms/Field';
import { FormStatus } from '../forms/FormStatus';
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
import { SettingsSection } from './SettingsSection';
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
        <TextField
          key={key}
          id={`cf-param-${key}`}
          label={PARAM_LIMITS[key].label}
          hint={hints[key]}
          problem={problems[key]}
          inputMode="decimal"
          data-testid={`param-${key}`}
          placeholder={PARAM_LIMITS[key].optional ? 'Automatic' : undefined}
          value={draft[key]}
          onValueChange={(value) => {
            setStatus(null);
            setDraft({ ...draft, [key]: value });
          }}
        />
      ))}
      <div className="cf-row">
        <button type="submit" className="cf-button cf-button-primary" data-testid="save-params">
          Save
        </button>
        <FormStatus text={status} />
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
      <TextField
        id="cf-chat-states-budget"
        label="Space for saved chat states (GB)"
        hint="A chat reopened later, even after a restart, answers at once instead of reading its whole conversation again. The least recently used go first; 0 keeps none."
        problem={problem}
        inputMode="decimal"
        data-testid="chat-states-budget"
        value={draft}
        onValueChange={(value) => {
          setStatus(null);
          setDraft(value);
        }}
      />
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
        <FormStatus text={status} />
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
      <SettingsSection title="Appearance">
        <Segmented
          label="Theme"
          options={themes}
          value={theme}
          onChange={actions.setTheme}
          testIdPrefix="theme-"
        />
      </SettingsSection>
      <SettingsSection title="Quick ask">
        <HotkeySettings {...hotkey} actions={actions.hotkey} />
      </SettingsSection>
      <SettingsSection title="Sync" id="settings-sync" testId="sync-settings">
        <SyncSettings {...sync} actions={actions.sync} />
      </SettingsSection>
      <SettingsSection title="Generation">
        <ParamsForm params={params} onSave={actions.saveParams} />
      </SettingsSection>
      {chatStates && (
        <SettingsSection title="Saved chat states">
          <ChatStatesForm
            use={chatStates}
            onSave={actions.saveChatStatesBudget}
            onClear={actions.clearChatStates}
          />
        </SettingsSection>
      )}
      <SettingsSection title="Presets">
        <PresetSettings presets={presets} actions={actions.presets} />
      </SettingsSection>
      <SettingsSection title="Code to files" testId="workspace-settings">
        <WorkspaceSettings folder={workspaceFolder} actions={actions.workspace} />
      </SettingsSection>
      <SettingsSection title="Local API" testId="local-api-settings">
        <LocalApiSettings status={localApi} actions={actions.localApi} />
      </SettingsSection>
      <SettingsSection title="Privacy" testId="privacy-settings">
        <PrivacySettings status={privacy} actions={actions.privacy} />
      </SettingsSection>
      <SettingsSection title="Your data">
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
      </SettingsSection>
    </div>
  );
}
