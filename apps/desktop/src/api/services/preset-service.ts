import { z } from 'zod';
import { AppError } from '../errors';
import { presetSchema } from '../settings-schema';
import type { Preset } from '../settings-schema';
import type { DocumentStore } from './ports';

const USER_PRESETS_KEY = 'presets';

/** The built-in presets come from the inference package; people add their own next to them. */
export class PresetService {
  constructor(
    private readonly deps: {
      documents: DocumentStore;
      builtins: readonly { id: string; name: string; systemPrompt: string }[];
      newId: () => string;
    },
  ) {}

  list(): Preset[] {
    return [...this.builtins(), ...this.userPresets()];
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
    const preset: Preset = {
      id: input.id ?? this.deps.newId(),
      name: input.name,
      systemPrompt: input.systemPrompt,
      maxAnswerTokens: input.maxAnswerTokens ?? null,
      builtin: false,
    };
    const others = this.userPresets().filter((existing) => existing.id !== preset.id);
    this.deps.documents.write(USER_PRESETS_KEY, [...others, preset]);
    return preset;
  }

  delete(presetId: string): void {
    if (this.builtins().some((preset) => preset.id === presetId)) {
      throw new AppError('builtin-preset', 'Built-in presets cannot be deleted.');
    }
    const presets = this.userPresets();
    if (!presets.some((preset) => preset.id === presetId)) {
      throw new AppError('preset-not-found', 'That preset no longer exists.', { presetId });
    }
    this.deps.documents.write(
      USER_PRESETS_KEY,
      presets.filter((preset) => preset.id !== presetId),
    );
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

  private userPresets(): Preset[] {
    const stored = z
      .array(presetSchema)
      .safeParse(this.deps.documents.read(USER_PRESETS_KEY) ?? []);
    return stored.success ? stored.data : [];
  }
}
