import { SettingsScreen } from '@codeface/ui/settings';
import { useEffect } from 'react';
import { useSlice, useStores } from './stores/context';

type SettingsPaneProps = {
  onExport: (format: 'markdown' | 'json') => void;
  onImport: (file: File) => void;
};

/** The settings screen wired to its store; a chunk of its own. */
export default function SettingsPane({ onExport, onImport }: SettingsPaneProps) {
  const { settings } = useStores();
  const state = useSlice(settings, (s) => s);
  const loaded = state.settings !== null;
  useEffect(() => {
    if (loaded) void settings.getState().refreshChatStates();
  }, [settings, loaded]);
  if (!state.settings) return <div className="cf-pad cf-muted">Loading settings…</div>;
  return (
    <SettingsScreen
      theme={state.settings.theme}
      params={{
        temperature: state.settings.temperature,
        contextSize: state.settings.contextSize,
        gpuLayers: state.settings.gpuLayers,
      }}
      presets={state.presets}
      dataFolder={state.dataDir}
      localApi={state.localApi}
      chatStates={state.chatStates}
      privacy={state.privacy}
      actions={{
        setTheme: (theme) => void state.setTheme(theme),
        saveParams: state.saveParams,
        savePreset: state.savePreset,
        exportChats: onExport,
        importChats: onImport,
        encryptData: state.encryptData,
        localApi: {
          configure: state.configureLocalApi,
          regenerateToken: state.regenerateLocalApiToken,
          copyText: (text) => navigator.clipboard.writeText(text),
        },
        saveChatStatesBudget: state.saveChatStatesBudget,
        clearChatStates: state.clearChatStates,
      }}
    />
  );
}
