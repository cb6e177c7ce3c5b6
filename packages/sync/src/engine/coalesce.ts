import type { OutgoingChange } from './scope';

type Entry = { change: OutgoingChange; fields: Map<string, unknown> };

/**
 * Keeps, of a run of local changes, only what a receiver needs to reach the same state: the
 * last write of each entity field, and a tombstone rather than anything written before it. A
 * message streamed in 100 ms steps thus sends its create and its final text, not every step.
 *
 * Each write keeps the id and HLC of the change that made it (a change whose every field was
 * written again later is dropped), so what is sent is always a true part of a real change:
 * re-sending after a crash, coalesced differently, is still idempotent by id and merges to the
 * same state. Order is kept, so a receiver still sees a chat before its messages.
 */
export function coalesce(changes: readonly OutgoingChange[]): OutgoingChange[] {
  const entries: Entry[] = changes.map((change) => ({ change, fields: new Map() }));
  /** For each entity: the entry holding the last write of each of its fields. */
  const lastWrites = new Map<string, Map<string, Entry>>();

  for (const entry of entries) {
    const { change } = entry;
    const key = `${change.entity}\u0000${change.entityId}`;
    const writes = lastWrites.get(key) ?? new Map<string, Entry>();
    lastWrites.set(key, writes);
    if (change.op === 'delete') {
      // Nothing written before a tombstone matters any more.
      for (const [field, writer] of writes) writer.fields.delete(field);
      writes.clear();
      continue;
    }
    for (const [field, value] of Object.entries(change.fields)) {
      writes.get(field)?.fields.delete(field);
      writes.set(field, entry);
      entry.fields.set(field, value);
    }
  }

  return entries
    .filter(({ change, fields }) => change.op === 'delete' || fields.size > 0)
    .map(({ change, fields }) => ({ ...change, fields: Object.fromEntries(fields) }));
}
