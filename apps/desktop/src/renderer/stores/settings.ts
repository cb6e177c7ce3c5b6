import type { GenerationParams, LocalApiStatus, Preset, ThemePreference } from '@codeface/ui';
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
  refresh: () => Promise<void>;
  setTheme: (theme: ThemePreference) => Promise<void>;
  saveParams: (params: GenerationParams) => Promise<void>;
  savePreset: (preset: { id: string; name: string; systemPrompt: string }) => Promise<void>;
  /** Rejects with the sentence that says why (the port is taken), shown beside the field. */
  configureLocalApi: (settings: { enabled: boolean; port: number }) => Promise<void>;
  regenerateLocalApiToken: () => Promise<void>;
};

export function createSettingsStore(api: Api) {
  return createStore<SettingsState>()((set, get) => ({
    settings: null,
    presets: [],
    dataDir: null,
    canPickFiles: false,
    localApi: null,

    async refresh() {
      try {
        const [settings, presets, platform, localApi] = await Promise.all([
          api.settings.get.query(),
          api.presets.list.query(),
          api.platform.info.query(),
          api.localApi.status.query(),
        ]);
        set({
          settings,
          presets,
          dataDir: platform.dataDir,
          canPickFiles: platform.canPickFiles,
          localApi,
        });
      } catch (error) {
        showError(`Could not load settings: ${messageOf(error)}`);
      }
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

    async savePreset(preset) {
      const saved = await api.presets.save.mutate(preset);
      set({ presets: get().presets.map((p) => (p.id === saved.id ? saved : p)) });
    },

    async configureLocalApi(settings) {
      set({ localApi: await api.localApi.configure.mutate(settings) });
    },

    async regenerateLocalApiToken() {
      set({ localApi: await api.localApi.regenerateToken.mutate() });
    },
  }));
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
