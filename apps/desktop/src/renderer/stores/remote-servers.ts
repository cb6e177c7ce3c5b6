import type { RemoteServerDraft, RemoteServerModels } from '@codeface/ui';
import { createStore } from 'zustand/vanilla';
import { messageOf, type Api } from '../client/api';
import type { ModelsStore } from './models';
import { showError, useToasts } from './toasts';

export type RemoteServersState = {
  /** Null until every server has answered (or failed to). */
  servers: RemoteServerModels[] | null;
  refresh: () => Promise<void>;
  /** Resolves with the server's model names; rejects with the sentence that says what failed. */
  test: (draft: RemoteServerDraft) => Promise<string[]>;
  add: (draft: RemoteServerDraft) => Promise<void>;
  remove: (serverId: string) => Promise<void>;
};

/** Remote model servers and their models; loading one goes through the models store. */
export function createRemoteServersStore(api: Api, deps: { models: ModelsStore }) {
  return createStore<RemoteServersState>()((set, get) => ({
    servers: null,

    async refresh() {
      try {
        set({ servers: await api.remoteServers.models.query() });
      } catch (error) {
        set({ servers: [] });
        showError(`Could not list the remote servers: ${messageOf(error)}`);
      }
    },

    async test(draft) {
      return (await api.remoteServers.test.mutate(draft)).models;
    },

    // Errors go on to the form, which shows them beside the fields.
    async add(draft) {
      const server = await api.remoteServers.add.mutate(draft);
      useToasts.getState().show({ kind: 'info', text: `Added ${server.host}.` });
      await get().refresh();
    },

    async remove(serverId) {
      try {
        await api.remoteServers.remove.mutate({ serverId });
        await Promise.all([get().refresh(), deps.models.getState().refresh()]);
      } catch (error) {
        showError(messageOf(error));
      }
    },
  }));
}
