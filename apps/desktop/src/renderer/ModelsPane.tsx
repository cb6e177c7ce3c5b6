import { ModelsScreen } from '@codeface/ui/models';
import { useEffect } from 'react';
import { useSlice, useStores } from './stores/context';

/** The models screen wired to its store; a chunk of its own. */
export default function ModelsPane({ startBrowsing }: { startBrowsing: boolean }) {
  const { models, settings, remoteServers } = useStores();
  const state = useSlice(models, (s) => s);
  const remote = useSlice(remoteServers, (s) => s);
  const canPickFiles = useSlice(settings, (s) => s.canPickFiles);
  useEffect(() => {
    void models.getState().loadCatalog();
    void models.getState().refresh();
    void remoteServers.getState().refresh();
  }, [models, remoteServers]);
  return (
    <ModelsScreen
      engine={state.engine}
      catalog={state.catalog}
      downloads={Object.values(state.downloads)}
      models={state.models}
      canPickFiles={canPickFiles}
      startBrowsing={startBrowsing}
      pendingModelId={state.pendingModelId}
      actions={state}
      remoteServers={remote.servers}
      remoteActions={{
        test: remote.test,
        add: remote.add,
        remove: (serverId) => void remote.remove(serverId),
        load: (modelId) => void state.load(modelId),
        unload: () => void state.unload(),
      }}
    />
  );
}
