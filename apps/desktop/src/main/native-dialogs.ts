import type { BrowserWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { Platform } from '../api';

/** The part of Electron's `dialog` module that picking files needs; a test passes its own. */
export type DialogModule = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;

/**
 * The native file dialogs behind `Platform.pickModelFile` and `Platform.pickPath`, modal to the
 * app window when there is one. The renderer reaches them only through the app API (the
 * preload's IPC link), never through Electron directly.
 */
export function createPathPicker(options: {
  dialog: DialogModule;
  /** The window the dialog is modal to: the one the person asked from. */
  parentWindow: () => BrowserWindow | null;
  /** Told when a dialog opens and when it closes, so the quick ask stays up behind its own. */
  onDialog?: (open: boolean) => void;
}): Pick<Platform, 'pickModelFile' | 'pickPath'> {
  const { dialog } = options;
  const whileOpen = async <T>(show: () => Promise<T>): Promise<T> => {
    options.onDialog?.(true);
    try {
      return await show();
    } finally {
      options.onDialog?.(false);
    }
  };
  const showOpen = async (dialogOptions: OpenDialogOptions): Promise<string | null> => {
    const parent = options.parentWindow();
    const result = await whileOpen(() =>
      parent ? dialog.showOpenDialog(parent, dialogOptions) : dialog.showOpenDialog(dialogOptions),
    );
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  const showSave = async (dialogOptions: SaveDialogOptions): Promise<string | null> => {
    const parent = options.parentWindow();
    const result = await whileOpen(() =>
      parent ? dialog.showSaveDialog(parent, dialogOptions) : dialog.showSaveDialog(dialogOptions),
    );
    return result.canceled ? null : (result.filePath ?? null);
  };
  return {
    pickModelFile: () =>
      showOpen({
        title: 'Import a model',
        properties: ['openFile'],
        filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
      }),
    pickPath(request) {
      const common = { title: request.title, defaultPath: request.defaultPath };
      switch (request.kind) {
        case 'open-file':
          return showOpen({ ...common, properties: ['openFile'] });
        case 'folder':
          return showOpen({ ...common, properties: ['openDirectory', 'createDirectory'] });
        case 'save-file':
          return showSave({
            ...common,
            properties: ['createDirectory', 'showOverwriteConfirmation'],
          });
        default:
          return request satisfies never;
      }
    },
  };
}
