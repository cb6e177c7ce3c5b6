import { describe, expect, it } from 'vitest';
import { checkExports } from './check';

/** A small repository: one package with an entry point and a README, one app that uses it. */
const fixture: Record<string, string> = {
  'package.json': JSON.stringify({ workspaces: ['packages/a', 'apps/app'] }),
  'packages/a/package.json': JSON.stringify({
    name: '@x/a',
    exports: { '.': './src/index.ts', './styles.css': './src/styles.css' },
  }),
  'packages/a/src/index.ts': [
    "export { used, unused, lazyOne, shared, onlyTests } from './lib';",
    "export type { Shape } from './lib';",
  ].join('\n'),
  'packages/a/src/lib.ts': [
    'export type Shape = { id: string };',
    'export function used(shape: Shape): string { return shared() + shape.id; }',
    "export function shared(): string { return 'a'; }",
    'export function unused(): void {}',
    'export function lazyOne(): void {}',
    'export function onlyTests(): void {}',
    '/** Nothing but its test imports this. */',
    'export const deadInside = 1;',
  ].join('\n'),
  'packages/a/src/lib.test.ts': "import { deadInside } from './lib';\nvoid deadInside;",
  'packages/a/src/styles.css': ':root {}',
  'packages/a/README.md': [
    '# @x/a',
    '',
    '## Exports',
    '',
    '### `@x/a`',
    '',
    '- `used`, `Shape` — what the app calls.',
    '- `lazyOne` — loaded when first needed.',
    '- `shared`, `onlyTests` (for tests) — what the',
    '  app tests call too.',
    '- `ghost` — was removed long ago.',
    '- `noPurpose`',
    '',
    '## Tests',
    '',
    '- `notAnExport` — lists after the section are not read.',
  ].join('\n'),
  'apps/app/package.json': JSON.stringify({ name: '@x/app' }),
  'apps/app/src/main.ts': [
    "import { used, type Shape } from '@x/a';",
    "const lazy = import('@x/a').then((module) => module.lazyOne);",
    'const shape: Shape = { id: used({ id: "b" }) };',
    'console.log(lazy, shape);',
  ].join('\n'),
  'apps/app/src/main.test.ts': "import { shared, onlyTests, unused } from '@x/a';",
};

/** A fixture file's text, changed by `edit`. */
function edited(path: string, edit: (text: string) => string): string {
  const text = fixture[path];
  if (text === undefined) throw new Error(`no such fixture file: ${path}`);
  return edit(text);
}

function check(files: Record<string, string>): string[] {
  return checkExports({
    files: Object.keys(files),
    read: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`no such fixture file: ${path}`);
      return text;
    },
  });
}

describe('the exports check (npm run lint:exports)', () => {
  it('fails on unused exports and on a README that drifted, saying what to do', () => {
    expect(check(fixture).sort()).toEqual(
      [
        // (a) Only a test outside the package imports it, and it is not marked.
        '`@x/a` (packages/a/src/index.ts) exports `unused`, but only tests outside packages/a ' +
          "import it: take it out of the entry point, or, if the package itself uses it and other packages' " +
          'tests need it, mark its line in the README\'s Exports section "(for tests)".',
        // (a) Marked for tests, but nothing in the package uses it: dead code.
        '`@x/a` (packages/a/src/index.ts) exports `onlyTests` for tests, but no code except tests ' +
          'uses it: delete it (and change the tests), or use it where it belongs.',
        // (b) The README and the entry point disagree.
        'packages/a/README.md does not list `unused`, which `@x/a` exports: add "- `unused` — what ' +
          'it is for" under its heading in the Exports section.',
        'packages/a/README.md lists `ghost` under `@x/a`, which does not export it: remove it from ' +
          'the Exports section (or export it, if code outside needs it).',
        'packages/a/README.md: the Exports item "- `noPurpose`" is not of the form "- `name` — what ' +
          'it is for" under a "### `<entry point>`" heading: write it so.',
        // (c) Inside the package, an export only a test uses.
        'packages/a/src/lib.ts exports `deadInside`, but no code except tests uses it: delete it ' +
          '(and its tests), or use it where it belongs.',
      ].sort(),
    );
  });

  it('passes once the dead code is gone and the README says what the entry point exports', () => {
    const fixed = {
      ...fixture,
      'packages/a/src/index.ts': edited('packages/a/src/index.ts', (text) =>
        text.replace('used, unused, lazyOne, shared, onlyTests', 'used, lazyOne, shared'),
      ),
      'packages/a/src/lib.ts': edited('packages/a/src/lib.ts', (text) =>
        text.replace(
          /export function unused[^\n]*\nexport function lazyOne[^\n]*\nexport function onlyTests[^\n]*\n[^\n]*\n[^\n]*/,
          'export function lazyOne(): void {}',
        ),
      ),
      'packages/a/src/lib.test.ts': "import { shared } from './lib';\nvoid shared;",
      'packages/a/README.md': edited('packages/a/README.md', (text) =>
        text.replace(
          /- `shared`, `onlyTests`[^]*?- `noPurpose`\n/,
          '- `shared` (for tests) — a part of `used` the app tests call too.\n',
        ),
      ),
      'apps/app/src/main.test.ts': "import { shared } from '@x/a';",
    };
    expect(check(fixed)).toEqual([]);
  });

  it('asks for an Exports section where a package has entry points and its README has none', () => {
    const problems = check({ ...fixture, 'packages/a/README.md': '# @x/a\n' });
    expect(problems).toContain(
      'packages/a/README.md has no "## Exports" section: add one with a "### `<entry point>`" ' +
        'heading per entry point and a line "- `name` — what it is for" per export.',
    );
  });
});
