import { type StoreContext, writeTransaction } from './context';
import { StoreError } from './errors';
import {
  type CreatePresetInput,
  type Preset,
  type PresetEdit,
  createPresetInputSchema,
  presetEditSchema,
} from './schemas';

type PresetRow = {
  id: string;
  name: string;
  system_prompt: string;
  max_answer_tokens: number | null;
  created_at: number;
  updated_at: number;
};

function toPreset(row: PresetRow): Preset {
  return {
    id: row.id,
    name: row.name,
    systemPrompt: row.system_prompt,
    maxAnswerTokens: row.max_answer_tokens,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const EDITABLE_COLUMNS = {
  name: 'name',
  systemPrompt: 'system_prompt',
  maxAnswerTokens: 'max_answer_tokens',
} as const;

export type PresetRepository = ReturnType<typeof createPresetRepository>;

/** The person's own presets (the built-in ones live in code, not here). */
export function createPresetRepository(ctx: StoreContext) {
  const { db } = ctx;
  const selectOne = db.prepare<[string], PresetRow>('SELECT * FROM presets WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO presets (id, name, system_prompt, max_answer_tokens, created_at, updated_at)
     VALUES (@id, @name, @systemPrompt, @maxAnswerTokens, @createdAt, @updatedAt)`,
  );

  function get(id: string): Preset | null {
    const row = selectOne.get(id);
    return row === undefined ? null : toPreset(row);
  }

  function require(id: string): Preset {
    const preset = get(id);
    if (preset === null)
      throw new StoreError('not-found', `No preset ${id}.`, { entity: 'preset', id });
    return preset;
  }

  const create = writeTransaction(db, (input: CreatePresetInput): Preset => {
    const parsed = createPresetInputSchema.parse(input);
    const now = ctx.now();
    const preset: Preset = {
      id: parsed.id ?? ctx.newId(),
      name: parsed.name,
      systemPrompt: parsed.systemPrompt,
      maxAnswerTokens: parsed.maxAnswerTokens,
      createdAt: now,
      updatedAt: now,
    };
    insert.run(preset);
    ctx.recordChange({ entity: 'preset', entityId: preset.id, op: 'put', fields: preset });
    return preset;
  });

  /** Writes the given fields and logs exactly those fields (plus updatedAt) as one change. */
  const update = writeTransaction(db, (id: string, input: PresetEdit): Preset => {
    const edit = presetEditSchema.parse(input);
    require(id);
    const fields: Record<string, unknown> = { ...edit, updatedAt: ctx.now() };
    const assignments = Object.keys(edit)
      .map((field) => `${EDITABLE_COLUMNS[field as keyof typeof EDITABLE_COLUMNS]} = @${field}`)
      .concat('updated_at = @updatedAt')
      .join(', ');
    db.prepare(`UPDATE presets SET ${assignments} WHERE id = @id`).run({ ...fields, id });
    ctx.recordChange({ entity: 'preset', entityId: id, op: 'put', fields });
    return require(id);
  });

  const remove = writeTransaction(db, (id: string): void => {
    require(id);
    db.prepare('DELETE FROM presets WHERE id = ?').run(id);
    ctx.recordChange({ entity: 'preset', entityId: id, op: 'delete', fields: {} });
  });

  return {
    get,
    /** Oldest first, the order they were made in (the same on every device). */
    list(): Preset[] {
      return db
        .prepare<[], PresetRow>('SELECT * FROM presets ORDER BY created_at, id')
        .all()
        .map(toPreset);
    },
    create,
    update,
    delete: remove,
  };
}
