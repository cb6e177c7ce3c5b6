import { messageOf, type Api } from './client/api';
import { useStores } from './stores/context';
import { showError, useToasts } from './stores/toasts';

function saveFile(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Export of all chats as a download, and import of a JSON export, in a browser or Electron. */
export function useChatFiles(api: Api) {
  const stores = useStores();
  return {
    exportChats(format: 'markdown' | 'json'): void {
      const chatIds = stores.chats.getState().chats.map((c) => c.id);
      if (chatIds.length === 0) return showError('There are no chats to export yet.');
      api.chats.export.query({ chatIds, format }).then(
        (file) => saveFile(file.filename, file.content, file.mimeType),
        (error: unknown) => showError(`Export failed: ${messageOf(error)}`),
      );
    },
    importChats(file: File): void {
      file
        .text()
        .then((content) => api.chats.import.mutate({ content }))
        .then(
          () => {
            useToasts.getState().show({ kind: 'info', text: `Imported chats from ${file.name}.` });
            void stores.chats.getState().refresh();
          },
          (error: unknown) => showError(`Import failed: ${messageOf(error)}`),
        );
    },
  };
}
