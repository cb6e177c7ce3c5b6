import type { GenerationParams, Preset, ThemePreference } from '@codeface/ui';
import { createStore } from 'zustand/vanilla';
import type { Settings } from '../../api';
import { messageOf, type Api } from '../client/api';
import { showError } from './toasts';

export type SettingsState = {
  settings: Settings | null;
  presets: Preset[];
  dataDir: string | null;
  canPickFiles: boolean;
  refresh: () => Promise<void>;
  setTheme: (theme: ThemePreference) => Promise<void>;
  saveParams: (params: GenerationParams) => Promise<void>;
  savePreset: (preset: { id: string; name: string; systemPrompt: string }) => Promise<void>;
};

export function createSettingsStore(api: Api) {
  return createStore<SettingsState>()((set, get) => ({
    settings: null,
    presets: [],
    dataDir: null,
    canPickFiles: false,

    async refresh() {
      try {
        const [settings, presets, platform] = await Promise.all([
          api.settings.get.query(),
          api.presets.list.query(),
          api.platform.info.query(),
        ]);
        set({ settings, presets, dataDir: platform.dataDir, canPickFiles: platform.canPickFiles });
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
  }));
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
