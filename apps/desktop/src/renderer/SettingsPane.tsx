import { SettingsScreen } from '@codeface/ui/settings';
import { useEffect, useState } from 'react';
import { useSlice, useStores } from './stores/context';

type SettingsPaneProps = {
  onExport: (format: 'markdown' | 'json') => void;
  onImport: (file: File) => void;
  /** Raised to scroll Settings → Sync into view (the sidebar's sync indicator). */
  showSync: number;
};

/** Keys are named as on this computer's keyboard (Cmd and Option on a Mac). */
const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform);

/** The settings screen wired to its store; a chunk of its own. */
export default function SettingsPane({ onExport, onImport, showSync }: SettingsPaneProps) {
  const { settings, sync } = useStores();
  const state = useSlice(settings, (s) => s);
  const syncState = useSlice(sync, (s) => s);
  // The device list's "last seen" is read against a clock that moves while the screen is open.
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    void sync.getState().refreshDevices();
  }, [sync]);
  useEffect(() => {
    if (showSync > 0 && state.settings !== null) {
      document.getElementById('settings-sync')?.scrollIntoView({ block: 'start' });
    }
  }, [showSync, state.settings]);
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
        maxAnswerTokens: state.settings.maxAnswerTokens,
      }}
      presets={state.presets}
      dataFolder={state.dataDir}
      localApi={state.localApi}
      chatStates={state.chatStates}
      privacy={state.privacy}
      sync={{
        view: syncState.view,
        devices: syncState.devices,
        recoveryKey: syncState.recoveryKey,
        now,
      }}
      workspaceFolder={state.settings.workspaceFolder}
      hotkey={{
        accelerator: state.settings.quickAskHotkey,
        status: state.hotkey,
        mac: IS_MAC,
      }}
      actions={{
        setTheme: (theme) => void state.setTheme(theme),
        saveParams: state.saveParams,
        presets: { save: state.savePreset, delete: state.deletePreset },
        exportChats: onExport,
        importChats: onImport,
        privacy: state.privacyActions,
        localApi: {
          configure: state.configureLocalApi,
          regenerateToken: state.regenerateLocalApiToken,
          copyText: (text) => navigator.clipboard.writeText(text),
        },
        saveChatStatesBudget: state.saveChatStatesBudget,
        clearChatStates: state.clearChatStates,
        sync: {
          testConnection: syncState.testConnection,
          signUp: syncState.signUp,
          signIn: syncState.signIn,
          setDeviceName: syncState.setDeviceName,
          revokeDevice: syncState.revokeDevice,
          changePassword: syncState.changePassword,
          signOut: syncState.signOut,
          deleteAccount: syncState.deleteAccount,
          confirmRecoveryKeySaved: syncState.confirmRecoveryKeySaved,
          copyText: (text) => navigator.clipboard.writeText(text),
          printRecoveryKey,
          syncNow: syncState.syncNow,
        },
        workspace: {
          save: state.saveWorkspaceFolder,
          choose: state.canPickFiles ? state.chooseWorkspaceFolder : undefined,
        },
        hotkey: { save: state.saveHotkey },
      }}
    />
  );
}

/** Prints only the recovery key (the stylesheet hides the rest while the class is on). */
function printRecoveryKey(): void {
  document.body.classList.add('cf-printing-recovery-key');
  window.print();
  document.body.classList.remove('cf-printing-recovery-key');
}
