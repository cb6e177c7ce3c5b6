import type {
  ChatStatesUse,
  GenerationParams,
  HotkeyStatus,
  LocalApiStatus,
  Preset,
  PresetEdit,
  PrivacyStatus,
  ThemePreference,
} from '@codeface/ui';
import type { PrivacyActions } from '@codeface/ui/settings';
import { createStore } from 'zustand/vanilla';
import type { Settings } from '../../api';
import { messageOf, type Api } from '../client/api';
import { showError } from './toasts';

export type SettingsState = {
  settings: Settings | null;
  presets: Preset[];
  dataDir: string | null;
  canPickFiles: boolean;
  localApi: LocalApiStatus | null;
  /** The chats' saved model states; null until known or where the engine saves none. */
  chatStates: ChatStatesUse | null;
  privacy: PrivacyStatus | null;
  /** Whether the quick ask's hotkey works, and if not, why; null while it loads. */
  hotkey: HotkeyStatus | null;
  refresh: () => Promise<void>;
  /** Reads the saved states' use again (the settings screen opens; chats were saved since). */
  refreshChatStates: () => Promise<void>;
  setTheme: (theme: ThemePreference) => Promise<void>;
  saveParams: (params: GenerationParams) => Promise<void>;
  /** Creates (no id) or updates a preset; rejects with the sentence that says why. */
  savePreset: (preset: PresetEdit) => Promise<void>;
  deletePreset: (presetId: string) => Promise<void>;
  /** Rejects with the sentence that says why (the port is taken), shown beside the field. */
  configureLocalApi: (settings: { enabled: boolean; port: number }) => Promise<void>;
  regenerateLocalApiToken: () => Promise<void>;
  saveChatStatesBudget: (budgetGb: number) => Promise<void>;
  clearChatStates: () => Promise<void>;
  /** Settings → Privacy; each rejects with the sentence that says why, shown under its button. */
  privacyActions: PrivacyActions;
  /** The folder code from answers goes into; rejects with the sentence that says why. */
  saveWorkspaceFolder: (folder: string | null) => Promise<void>;
  /** A native folder dialog (desktop app); the choice is saved. */
  chooseWorkspaceFolder: () => Promise<void>;
  /** Rejects with the sentence that says why (another app holds it), shown under the recorder. */
  saveHotkey: (accelerator: string) => Promise<void>;
};

/** The API's saved-states use in the settings screen's shape. */
const toChatStates = (
  use: { bytes: number; chats: number } | null,
  settings: Settings,
): ChatStatesUse | null =>
  use && { bytes: use.bytes, chats: use.chats, budgetGb: settings.chatStatesBudgetGb };

/** How often the progress of a rewrite of the data file is read. */
const PRIVACY_POLL_MS = 250;

export function createSettingsStore(api: Api) {
  return createStore<SettingsState>()((set, get) => {
    /**
     * Runs one change of the encryption, reading its progress while the file is rewritten
     * (the host answers meanwhile: the work is on a worker thread), then shows the outcome.
     */
    const rekeying = async (change: () => Promise<PrivacyStatus>): Promise<void> => {
      const poll = setInterval(() => {
        api.privacy.status.query().then(
          (privacy) => {
            if (privacy.progress !== null) set({ privacy });
          },
          () => undefined,
        );
      }, PRIVACY_POLL_MS);
      try {
        set({ privacy: await change() });
      } finally {
        clearInterval(poll);
      }
    };
    return {
      settings: null,
      presets: [],
      dataDir: null,
      canPickFiles: false,
      localApi: null,
      chatStates: null,
      privacy: null,
      hotkey: null,

      async refresh() {
        try {
          const [settings, presets, platform, localApi, privacy, hotkey] = await Promise.all([
            api.settings.get.query(),
            api.presets.list.query(),
            api.platform.info.query(),
            api.localApi.status.query(),
            api.privacy.status.query(),
            api.quickAsk.hotkeyStatus.query(),
          ]);
          set({
            settings,
            presets,
            dataDir: platform.dataDir,
            canPickFiles: platform.canPickFiles,
            localApi,
            privacy,
            hotkey,
          });
        } catch (error) {
          showError(`Could not load settings: ${messageOf(error)}`);
        }
      },

      // Asking the engine can take seconds while its process starts; the screen shows the rest
      // meanwhile, and no section for them where it cannot say.
      async refreshChatStates() {
        const use = await api.models.savedStates.query().catch(() => null);
        const { settings } = get();
        set({ chatStates: settings && toChatStates(use, settings) });
      },

      async setTheme(theme) {
        try {
          set({ settings: await api.settings.update.mutate({ theme }) });
        } catch (error) {
          showError(messageOf(error));
        }
      },

      // Errors are thrown on to the form, which shows them beside the fields.
      async saveParams(params) {
        set({ settings: await api.settings.update.mutate(params) });
      },

      async saveChatStatesBudget(budgetGb) {
        const settings = await api.settings.update.mutate({ chatStatesBudgetGb: budgetGb });
        set({ settings, chatStates: toChatStates(await api.models.savedStates.query(), settings) });
      },

      async clearChatStates() {
        const use = await api.models.clearSavedStates.mutate();
        const { settings } = get();
        if (settings) set({ chatStates: toChatStates(use, settings) });
      },

      async savePreset(preset) {
        const saved = await api.presets.save.mutate(preset);
        const { presets } = get();
        set({
          presets: presets.some((p) => p.id === saved.id)
            ? presets.map((p) => (p.id === saved.id ? saved : p))
            : [...presets, saved],
        });
      },

      async deletePreset(presetId) {
        await api.presets.delete.mutate({ presetId });
        set({ presets: get().presets.filter((p) => p.id !== presetId) });
      },

      async configureLocalApi(settings) {
        set({ localApi: await api.localApi.configure.mutate(settings) });
      },

      privacyActions: {
        encryptData: (passphrase) => rekeying(() => api.privacy.encrypt.mutate({ passphrase })),
        decryptData: (currentPassphrase) =>
          rekeying(() => api.privacy.decrypt.mutate({ currentPassphrase })),
        changePassphrase: (currentPassphrase, newPassphrase) =>
          rekeying(() => api.privacy.changePassphrase.mutate({ currentPassphrase, newPassphrase })),
      },

      async saveWorkspaceFolder(workspaceFolder) {
        set({ settings: await api.settings.update.mutate({ workspaceFolder }) });
      },

      async chooseWorkspaceFolder() {
        const { folder } = await api.codeFiles.pickWorkspace.mutate();
        if (folder !== null) set({ settings: await api.settings.get.query() });
      },

      async saveHotkey(accelerator) {
        const settings = await api.settings.update.mutate({ quickAskHotkey: accelerator });
        set({ settings, hotkey: await api.quickAsk.hotkeyStatus.query() });
      },

      async regenerateLocalApiToken() {
        set({ localApi: await api.localApi.regenerateToken.mutate() });
      },
    };
  });
}
