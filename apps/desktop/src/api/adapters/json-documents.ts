import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentStore } from '../services/ports';

/**
 * Small JSON documents in the data folder, for what the database has no table for. Writes go
 * to a temporary file that is renamed over the old one, so a crash never leaves half a file.
 */
export function createJsonDocuments(dir: string): DocumentStore {
  mkdirSync(dir, { recursive: true });
  const pathOf = (name: string) => join(dir, `${name}.json`);
  return {
    read(name) {
      try {
        return JSON.parse(readFileSync(pathOf(name), 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    write(name, value) {
      const temporary = `${pathOf(name)}.tmp`;
      writeFileSync(temporary, JSON.stringify(value, null, 2));
      renameSync(temporary, pathOf(name));
    },
    remove(name) {
      rmSync(pathOf(name), { force: true });
    },
  };
}
