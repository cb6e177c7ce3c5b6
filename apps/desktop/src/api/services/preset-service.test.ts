import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Store, openStore } from '@codeface/db';
import { afterEach, describe, expect, it } from 'vitest';
import { createDbChatStore } from '../adapters/db-chat-store';
import { createJsonDocuments } from '../adapters/json-documents';
import { AppError } from '../errors';
import { PresetService } from './preset-service';

const builtins = [{ id: 'explain', name: 'Explain', systemPrompt: 'Explain the code.' }];
const cleanup: (() => void)[] = [];

afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

/** A data folder as the app has it: the store's SQLite file and the documents folder. */
function dataFolder() {
  const dir = mkdtempSync(join(tmpdir(), 'codeface-presets-'));
  const documentsDir = join(dir, 'documents');
  let store: Store | null = null;
  const open = () => {
    store?.close();
    store = openStore({ path: join(dir, 'codeface.db') });
    const presets = new PresetService({
      store: createDbChatStore(store),
      documents: createJsonDocuments(documentsDir),
      builtins,
    });
    presets.importPresetsDocument();
    return { store, presets };
  };
  cleanup.push(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { documentsDir, open };
}

const presetChanges = (store: Store) =>
  store.changes.since(0, 100).changes.filter((change) => change.entity === 'preset');

describe('PresetService', () => {
  it('keeps the person’s presets in the store, where each save is a change that syncs', () => {
    const { presets, store } = dataFolder().open();
    const saved = presets.save({ name: 'Terse', systemPrompt: 'Answer in one line.' });
    expect(saved.maxAnswerTokens).toBeNull();
    presets.save({
      id: saved.id,
      name: 'Terser',
      systemPrompt: 'Answer in one word.',
      maxAnswerTokens: 64,
    });
    expect(presets.list()).toEqual([
      { ...builtins[0], maxAnswerTokens: null, builtin: true },
      {
        id: saved.id,
        name: 'Terser',
        systemPrompt: 'Answer in one word.',
        maxAnswerTokens: 64,
        builtin: false,
      },
    ]);
    expect(presets.systemPromptOf(saved.id)).toBe('Answer in one word.');
    expect(presets.maxAnswerTokensOf(saved.id)).toBe(64);
    expect(store.presets.get(saved.id)?.name).toBe('Terser');
    // The limit is a preset field of the change log, so it reaches the other devices.
    expect(
      presetChanges(store).map((change) => [change.op, change.fields.maxAnswerTokens]),
    ).toEqual([
      ['put', null],
      ['put', 64],
    ]);

    presets.delete(saved.id);
    expect(presets.list().map((preset) => preset.id)).toEqual(['explain']);
    expect(presetChanges(store).map((change) => change.op)).toEqual(['put', 'put', 'delete']);
  });

  it('refuses to change or delete a built-in preset, and to delete one that is gone', () => {
    const { presets } = dataFolder().open();
    expect(() => presets.save({ id: 'explain', name: 'Mine', systemPrompt: '' })).toThrow(AppError);
    expect(() => presets.delete('explain')).toThrow(/Built-in presets cannot be deleted/);
    expect(() => presets.delete('no-such-preset')).toThrow(/no longer exists/);
  });

  it('moves presets from the old JSON document into the store once, keeping their ids', () => {
    const folder = dataFolder();
    const file = join(folder.documentsDir, 'presets.json');
    folder.open().store.close();
    writeFileSync(
      file,
      JSON.stringify([
        { id: 'old-1', name: 'Reviewer', systemPrompt: 'Review strictly.', builtin: false },
        {
          id: 'old-2',
          name: 'Tester',
          systemPrompt: 'Write tests.',
          maxAnswerTokens: 512,
          builtin: false,
        },
      ]),
    );
    const { presets, store } = folder.open();
    expect(
      presets.list().map((preset) => [preset.id, preset.name, preset.maxAnswerTokens]),
    ).toEqual([
      ['explain', 'Explain', null],
      ['old-1', 'Reviewer', null],
      ['old-2', 'Tester', 512],
    ]);
    expect(presetChanges(store).map((change) => change.entityId)).toEqual(['old-1', 'old-2']);
    expect(existsSync(file)).toBe(false);

    // A second start finds no document and changes nothing.
    const again = folder.open();
    expect(again.presets.list()).toHaveLength(3);
    expect(presetChanges(again.store)).toHaveLength(2);
  });

  it('drops an old document it cannot read, rather than failing to start', () => {
    const folder = dataFolder();
    folder.open().store.close();
    writeFileSync(join(folder.documentsDir, 'presets.json'), JSON.stringify({ not: 'a list' }));
    const { presets } = folder.open();
    expect(presets.list().map((preset) => preset.id)).toEqual(['explain']);
    expect(existsSync(join(folder.documentsDir, 'presets.json'))).toBe(false);
  });
});
