import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce';
import type { OutgoingChange } from './scope';

let counter = 0;
function change(
  entityId: string,
  fields: Record<string, unknown>,
  op: 'put' | 'delete' = 'put',
): OutgoingChange {
  counter += 1;
  return {
    id: `c${counter}`,
    entity: 'message',
    entityId,
    op,
    hlc: `hlc-${String(counter).padStart(4, '0')}`,
    deviceId: 'device-a',
    fields,
  };
}

describe('coalesce', () => {
  it('sends a streamed message as its create and its last text, not every step', () => {
    const create = change('m1', { chatId: 'chat', content: '', status: 'streaming' });
    const steps = ['Wa', 'Walk', 'Walk it', 'Walk it once.'].map((content) =>
      change('m1', { content, updatedAt: content.length }),
    );
    const done = change('m1', { status: 'done', updatedAt: 99 });
    expect(coalesce([create, ...steps, done])).toEqual([
      { ...create, fields: { chatId: 'chat' } },
      { ...steps[3], fields: { content: 'Walk it once.' } },
      done,
    ]);
  });

  it('keeps nothing written before a tombstone, and what came after it', () => {
    const before = change('m1', { content: 'old' });
    const tombstone = change('m1', {}, 'delete');
    const after = change('m1', { content: 'after' });
    const other = change('m2', { content: 'kept' });
    expect(coalesce([before, other, tombstone, after])).toEqual([other, tombstone, after]);
  });

  it('keeps every change when no field is written twice', () => {
    const changes = [change('m1', { a: 1 }), change('m1', { b: 2 }), change('m2', { a: 3 })];
    expect(coalesce(changes)).toEqual(changes);
  });
});
