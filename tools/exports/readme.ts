/**
 * The names a README's "## Exports" section lists per entry point, each with whether its line
 * says "(for tests)", and what is malformed in the section.
 */
export type ExportsSection = {
  entries: Map<string, Map<string, { forTests: boolean }>>;
  problems: string[];
};

const FOR_TESTS = '(for tests)';

/**
 * Reads a section of this shape: one heading per entry point, one list item per export or per
 * group of exports that belong together. "(for tests)" before the dash marks a name the package uses
 * itself and exports for other packages' tests:
 *
 *     ## Exports
 *
 *     ### `@codeface/db`
 *
 *     - `openStore` — opens the store file, migrating it first.
 *     - `chatSchema`, `Chat` — a chat, as stored and as the API returns it.
 *     - `formatHlc` (for tests) — writes a clock reading as text, for tests that make changes.
 */
export function readExportsSection(markdown: string): ExportsSection | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^## Exports\s*$/.test(line));
  if (start === -1) return undefined;
  const section: ExportsSection = { entries: new Map(), problems: [] };
  let current: Map<string, { forTests: boolean }> | undefined;
  // A list item may go on over indented lines; it is read whole.
  let item: string | undefined;
  const endItem = (): void => {
    if (item !== undefined) readItem(item, current, section);
    item = undefined;
  };
  let inCode = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('```')) inCode = !inCode;
    if (inCode) continue;
    if (item !== undefined && /^\s+\S/.test(line)) {
      item += ` ${line.trim()}`;
      continue;
    }
    endItem();
    if (/^#{1,2} /.test(line)) break;
    const heading = /^### `([^`]+)`/.exec(line);
    if (heading?.[1]) {
      current = new Map();
      section.entries.set(heading[1], current);
    } else if (/^[-*] /.test(line)) {
      item = line.slice(2);
    }
  }
  endItem();
  return section;
}

function readItem(
  item: string,
  entry: Map<string, { forTests: boolean }> | undefined,
  section: ExportsSection,
): void {
  const [names = '', purpose] = item.split(' — ', 2);
  const listed = [...names.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
  if (!entry || listed.length === 0 || !purpose?.trim()) {
    section.problems.push(
      `the Exports item "- ${item}" is not of the form "- \`name\` — what it is for" under a ` +
        `"### \`<entry point>\`" heading: write it so.`,
    );
    return;
  }
  for (const name of listed) entry.set(name, { forTests: names.includes(FOR_TESTS) });
}
