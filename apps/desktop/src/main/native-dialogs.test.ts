import type { BrowserWindow, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { createPathPicker, type DialogModule } from './native-dialogs';

/** Electron's dialog module as the picker uses it: records each call, answers as told. */
function recordingDialog(answer: { canceled: boolean; path?: string }) {
  const calls: Array<{ kind: 'open' | 'save'; parent: boolean; options: unknown }> = [];
  const record = (kind: 'open' | 'save', args: unknown[]) => {
    const parent = args.length === 2;
    calls.push({ kind, parent, options: parent ? args[1] : args[0] });
  };
  const dialog = {
    showOpenDialog: (...args: [BrowserWindow, OpenDialogOptions] | [OpenDialogOptions]) => {
      record('open', args);
      return Promise.resolve({
        canceled: answer.canceled,
        filePaths: answer.path ? [answer.path] : [],
      });
    },
    showSaveDialog: (...args: [BrowserWindow, SaveDialogOptions] | [SaveDialogOptions]) => {
      record('save', args);
      return Promise.resolve({ canceled: answer.canceled, filePath: answer.path ?? '' });
    },
  } as DialogModule;
  return { dialog, calls };
}

describe('native dialogs for code to files and model import', () => {
  it('asks for a new file with a save dialog that confirms overwriting, modal to the window', async () => {
    const { dialog, calls } = recordingDialog({ canceled: false, path: '/home/me/p/src/a.ts' });
    const window = {} as BrowserWindow;
    const picker = createPathPicker({ dialog, parentWindow: () => window });
    const path = await picker.pickPath({
      kind: 'save-file',
      title: 'Save code as',
      defaultPath: '/home/me/p/src/a.ts',
    });
    expect(path).toBe('/home/me/p/src/a.ts');
    expect(calls).toEqual([
      {
        kind: 'save',
        parent: true,
        options: {
          title: 'Save code as',
          defaultPath: '/home/me/p/src/a.ts',
          properties: ['createDirectory', 'showOverwriteConfirmation'],
        },
      },
    ]);
  });

  it('asks for an existing file or a folder with an open dialog', async () => {
    const { dialog, calls } = recordingDialog({ canceled: false, path: '/home/me/p' });
    const picker = createPathPicker({ dialog, parentWindow: () => null });
    await picker.pickPath({ kind: 'open-file', title: 'Apply code to file' });
    await picker.pickPath({ kind: 'folder', title: 'Choose the folder' });
    await picker.pickModelFile();
    expect(calls.map((call) => [call.kind, call.parent, call.options])).toEqual([
      ['open', false, { title: 'Apply code to file', properties: ['openFile'] }],
      [
        'open',
        false,
        { title: 'Choose the folder', properties: ['openDirectory', 'createDirectory'] },
      ],
      [
        'open',
        false,
        {
          title: 'Import a model',
          properties: ['openFile'],
          filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
        },
      ],
    ]);
  });

  it('answers null when the person cancels', async () => {
    const { dialog } = recordingDialog({ canceled: true });
    const picker = createPathPicker({ dialog, parentWindow: () => null });
    expect(await picker.pickPath({ kind: 'open-file', title: 'x' })).toBeNull();
    expect(await picker.pickPath({ kind: 'save-file', title: 'x' })).toBeNull();
  });

  it('says when each dialog opens and closes, a failed one too', async () => {
    const told: boolean[] = [];
    const { dialog } = recordingDialog({ canceled: true });
    const picker = createPathPicker({
      dialog,
      parentWindow: () => null,
      onDialog: (open) => told.push(open),
    });
    await picker.pickPath({ kind: 'save-file', title: 'x' });
    expect(told).toEqual([true, false]);
    const failing = createPathPicker({
      dialog: { ...dialog, showOpenDialog: () => Promise.reject(new Error('no display')) },
      parentWindow: () => null,
      onDialog: (open) => told.push(open),
    });
    await expect(failing.pickModelFile()).rejects.toThrow('no display');
    expect(told).toEqual([true, false, true, false]);
  });
});
