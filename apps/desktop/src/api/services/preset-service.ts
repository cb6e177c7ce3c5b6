import { z } from 'zod';
import { AppError } from '../errors';
import { presetSchema } from '../settings-schema';
import type { Preset } from '../settings-schema';
import type { ChatStore, DocumentStore } from './ports';

/** Where the person's presets lived before they moved into the store (decision 0505). */
const PRESETS_DOCUMENT = 'presets';

/**
 * The built-in presets come from the inference package; people add their own next to them. The
 * person's own are rows of the store, so each save is in the change log and syncs.
 */
export class PresetService {
  constructor(
    private readonly deps: {
      store: Pick<ChatStore, 'listPresets' | 'savePreset' | 'deletePreset'>;
      documents: DocumentStore;
      builtins: readonly { id: string; name: string; systemPrompt: string }[];
    },
  ) {}

  /**
   * Moves presets saved by an older CodeFace (a JSON document) into the store, keeping their
   * ids (chats name them), then deletes the document: this runs once per data folder.
   */
  importPresetsDocument(): void {
    const stored = this.deps.documents.read(PRESETS_DOCUMENT);
    if (stored === undefined) return;
    const parsed = z.array(presetSchema).safeParse(stored);
    const known = new Set(this.deps.store.listPresets().map((preset) => preset.id));
    for (const preset of parsed.success ? parsed.data : []) {
      if (preset.builtin || known.has(preset.id)) continue;
      this.deps.store.savePreset(preset);
    }
    this.deps.documents.remove(PRESETS_DOCUMENT);
  }

  list(): Preset[] {
    return [...this.builtins(), ...this.deps.store.listPresets()];
  }

  systemPromptOf(presetId: string | null): string | null {
    return this.find(presetId)?.systemPrompt ?? null;
  }

  /** The preset's own answer-length limit; null where it has none (the setting's applies). */
  maxAnswerTokensOf(presetId: string | null): number | null {
    return this.find(presetId)?.maxAnswerTokens ?? null;
  }

  save(input: {
    id?: string;
    name: string;
    systemPrompt: string;
    maxAnswerTokens?: number | null;
  }): Preset {
    if (input.id !== undefined && this.builtins().some((preset) => preset.id === input.id)) {
      throw new AppError(
        'builtin-preset',
        'Built-in presets cannot be changed; save a copy under a new name.',
      );
    }
    return this.deps.store.savePreset(input);
  }

  delete(presetId: string): void {
    if (this.builtins().some((preset) => preset.id === presetId)) {
      throw new AppError('builtin-preset', 'Built-in presets cannot be deleted.');
    }
    if (!this.deps.store.deletePreset(presetId)) {
      throw new AppError('preset-not-found', 'That preset no longer exists.', { presetId });
    }
  }

  private find(presetId: string | null): Preset | undefined {
    if (presetId === null) return undefined;
    return this.list().find((preset) => preset.id === presetId);
  }

  private builtins(): Preset[] {
    return this.deps.builtins.map((preset) => ({
      ...preset,
      maxAnswerTokens: null,
      builtin: true,
    }));
  }
}
