import type { SyncDevice, SyncView } from '@codeface/ui';
import type { SyncActions } from '@codeface/ui/settings';
import { createStore } from 'zustand/vanilla';
import type { RemoteChange } from '../../api';
import { messageOf, type Api } from '../client/api';
import { showError } from './toasts';

/** The sync form's actions are the store's, but copying and printing, which the platform does. */
export type SyncState = Omit<SyncActions, 'copyText' | 'printRecoveryKey'> & {
  /** Null until the host answered. */
  view: SyncView | null;
  devices: SyncDevice[] | null;
  recoveryKey: string[] | null;
  refreshDevices: () => Promise<void>;
  /** Follows the host's sync view and its remote changes; returns the function that stops. */
  watch: (onRemoteChange: (change: RemoteChange) => void) => () => void;
};

/**
 * Settings → Sync and the sidebar indicator. The view follows `sync.watch`; the forms' errors
 * are thrown on to them, which show the sentence beside the fields.
 */
export function createSyncStore(api: Api) {
  return createStore<SyncState>()((set, get) => {
    const afterSignIn = async (view: SyncView) => {
      set({ view, devices: null });
      const key = view.recoveryKeyPending ? await api.sync.recoveryKey.query() : null;
      set({ recoveryKey: key?.groups ?? null });
      await get().refreshDevices();
    };
    return {
      view: null,
      devices: null,
      recoveryKey: null,

      async refreshDevices() {
        if (get().view?.signedIn !== true) return set({ devices: null });
        try {
          set({ devices: await api.sync.devices.query() });
        } catch (error) {
          showError(`Could not list your devices: ${messageOf(error)}`);
        }
      },

      testConnection: (url) => api.sync.testConnection.mutate({ url }),

      async signUp(input) {
        await afterSignIn(await api.sync.signUp.mutate(input));
      },

      async signIn(input) {
        await afterSignIn(await api.sync.signIn.mutate(input));
      },

      async setDeviceName(name) {
        set({ view: await api.sync.setDeviceName.mutate({ name }) });
      },

      async revokeDevice(deviceId) {
        set({ devices: await api.sync.revokeDevice.mutate({ deviceId }) });
      },

      async changePassword(input) {
        await api.sync.changePassword.mutate(input);
        await get().refreshDevices();
      },

      async signOut() {
        set({ view: await api.sync.signOut.mutate(), devices: null, recoveryKey: null });
      },

      async deleteAccount(input) {
        set({ view: await api.sync.deleteAccount.mutate(input), devices: null });
      },

      async confirmRecoveryKeySaved() {
        set({ view: await api.sync.confirmRecoveryKeySaved.mutate(), recoveryKey: null });
      },

      syncNow() {
        api.sync.syncNow.mutate().then(
          (view) => set({ view }),
          (error: unknown) => {
            showError(messageOf(error));
          },
        );
      },

      watch(onRemoteChange) {
        const views = api.sync.watch.subscribe(undefined, {
          onData: (view) => {
            const was = get().view;
            set({ view });
            // Signed in elsewhere (another tab) or out (revoked): the device list follows.
            if (was?.signedIn !== view.signedIn) void get().refreshDevices();
          },
          onError: (error) => showError(`Sync status stopped updating: ${messageOf(error)}`),
        });
        const changes = api.sync.remoteChanges.subscribe(undefined, {
          onData: onRemoteChange,
          onError: (error) => showError(`Live updates stopped: ${messageOf(error)}`),
        });
        return () => {
          views.unsubscribe();
          changes.unsubscribe();
        };
      },
    };
  });
}
