import { ModelsScreen } from '@codeface/ui/models';
import { useEffect } from 'react';
import { useSlice, useStores } from './stores/context';

/** The models screen wired to its store; a chunk of its own. */
export default function ModelsPane() {
  const { models, settings } = useStores();
  const state = useSlice(models, (s) => s);
  const canPickFiles = useSlice(settings, (s) => s.canPickFiles);
  useEffect(() => {
    void models.getState().loadCatalog();
    void models.getState().refresh();
  }, [models]);
  return (
    <ModelsScreen
      engine={state.engine}
      catalog={state.catalog}
      downloads={Object.values(state.downloads)}
      models={state.models}
      canPickFiles={canPickFiles}
      pendingModelId={state.pendingModelId}
      actions={state}
    />
  );
}
