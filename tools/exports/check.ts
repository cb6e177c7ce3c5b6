import { posix } from 'node:path';
import { isSourceFile, readModuleFacts, type ModuleFacts } from './modules';
import { readExportsSection, type ExportsSection } from './readme';

export type ExportsCheckInput = {
  /** Paths relative to the repository root, `/`-separated: every file the check may read. */
  files: string[];
  read: (path: string) => string;
};

type Entry = { specifier: string; file: string; workspace: Workspace };
type Workspace = { name: string; dir: string; entries: Entry[] };
type Names = Set<string> | 'all';

/**
 * Finds every export that nothing uses and every README whose Exports section disagrees with its
 * package's entry points. Returns one sentence per problem, each saying what to do.
 */
export function checkExports(input: ExportsCheckInput): string[] {
  const files = new Set(input.files);
  const facts = new Map<string, ModuleFacts>();
  for (const path of input.files) {
    if (isSourceFile(path)) facts.set(path, readModuleFacts(path, input.read(path)));
  }
  const workspaces = readWorkspaces(input, files);
  const graph = new ModuleGraph(facts, workspaces);
  const problems: string[] = [];
  for (const workspace of workspaces) {
    if (workspace.entries.length === 0) continue;
    const readme = `${workspace.dir}/README.md`;
    const section = files.has(readme) ? readExportsSection(input.read(readme)) : undefined;
    if (!section) {
      problems.push(
        `${readme} has no "## Exports" section: add one with a "### \`<entry point>\`" heading ` +
          `per entry point and a line "- \`name\` — what it is for" per export.`,
      );
    }
    problems.push(...unusedEntryExports(graph, workspace, section));
    if (section) problems.push(...readmeDrift(graph, workspace, section));
  }
  problems.push(...deadModuleExports(graph, workspaces));
  return problems;
}

function readWorkspaces(input: ExportsCheckInput, files: Set<string>): Workspace[] {
  const root = JSON.parse(input.read('package.json')) as { workspaces?: string[] };
  return (root.workspaces ?? []).map((dir) => {
    const manifest = JSON.parse(input.read(`${dir}/package.json`)) as {
      name: string;
      exports?: string | Record<string, unknown>;
    };
    const map = typeof manifest.exports === 'string' ? { '.': manifest.exports } : manifest.exports;
    const workspace: Workspace = { name: manifest.name, dir, entries: [] };
    for (const [key, target] of Object.entries(map ?? {})) {
      const file = typeof target === 'string' ? posix.join(dir, target) : '';
      // Only code entry points have exports to check (not `./styles.css`).
      if (!files.has(file) || !isSourceFile(file)) continue;
      const specifier = key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`;
      workspace.entries.push({ specifier, file, workspace });
    }
    return workspace;
  });
}

export function isTestFile(path: string): boolean {
  const segments = path.split('/');
  return (
    segments.some((segment) => ['test', 'e2e', '__tests__'].includes(segment)) ||
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(path)
  );
}

/** Resolves imports to files and follows re-exports, the way the bundler and tsc do. */
class ModuleGraph {
  readonly entryBySpecifier = new Map<string, Entry>();
  /** For each file, the exported names that code other than tests imports, through any chain. */
  readonly usedByCode = new Map<string, Set<string>>();
  /** The same, counting each entry point's whole surface as used (the entry check covers it). */
  readonly used = new Map<string, Set<string>>();
  private readonly namesCache = new Map<string, Set<string>>();

  constructor(
    readonly facts: Map<string, ModuleFacts>,
    workspaces: Workspace[],
  ) {
    for (const entry of workspaces.flatMap((workspace) => workspace.entries)) {
      this.entryBySpecifier.set(entry.specifier, entry);
    }
    for (const used of [this.usedByCode, this.used]) {
      for (const [path, file] of facts) {
        if (isTestFile(path)) continue;
        for (const { spec, names } of file.imports) {
          const target = this.resolve(path, spec);
          if (target) this.use(used, target, names);
        }
      }
    }
    for (const entry of this.entryBySpecifier.values()) this.use(this.used, entry.file, 'all');
  }

  resolve(from: string, spec: string): string | undefined {
    if (spec.startsWith('.')) {
      const base = posix.join(posix.dirname(from), spec);
      const withoutJs = base.replace(/\.js$/, '');
      const candidates = [base, `${withoutJs}.ts`, `${withoutJs}.tsx`, `${base}.ts`, `${base}.tsx`];
      candidates.push(`${base}.mts`, `${base}.js`, `${base}.mjs`);
      candidates.push(`${base}/index.ts`, `${base}/index.tsx`, `${base}/index.js`);
      return candidates.find((candidate) => this.facts.has(candidate));
    }
    return this.entryBySpecifier.get(spec)?.file;
  }

  /** Every name a file exports, its own and those it passes on. */
  exportNames(path: string, seen = new Set<string>()): Set<string> {
    const cached = this.namesCache.get(path);
    if (cached) return cached;
    const names = new Set<string>();
    const file = this.facts.get(path);
    if (!file || seen.has(path)) return names;
    seen.add(path);
    for (const name of file.ownExports.keys()) names.add(name);
    for (const name of file.reexports.keys()) names.add(name);
    for (const spec of file.stars) {
      const target = this.resolve(path, spec);
      if (!target) continue;
      for (const name of this.exportNames(target, seen)) if (name !== 'default') names.add(name);
    }
    this.namesCache.set(path, names);
    return names;
  }

  /** Whether code other than tests uses the declaration behind an export, in its file or not. */
  isUsedByCode(path: string, name: string): boolean {
    const file = this.facts.get(path);
    if (!file) return false;
    const own = file.ownExports.get(name);
    if (own) return own.usedInFile || (this.usedByCode.get(path)?.has(name) ?? false);
    const reexport = file.reexports.get(name);
    if (reexport) {
      const target = this.resolve(path, reexport.spec);
      return !target || reexport.name === '*' || this.isUsedByCode(target, reexport.name);
    }
    return file.stars.some((spec) => {
      const target = this.resolve(path, spec);
      return target !== undefined && this.exportNames(target).has(name)
        ? this.isUsedByCode(target, name)
        : false;
    });
  }

  private use(used: Map<string, Set<string>>, path: string, names: Names): void {
    for (const name of names === 'all' ? this.exportNames(path) : names) {
      this.useName(used, path, name);
    }
  }

  private useName(used: Map<string, Set<string>>, path: string, name: string): void {
    const names = used.get(path) ?? new Set<string>();
    used.set(path, names);
    if (names.has(name)) return;
    names.add(name);
    const file = this.facts.get(path);
    if (!file || file.ownExports.has(name)) return;
    const reexport = file.reexports.get(name);
    if (reexport) {
      const target = this.resolve(path, reexport.spec);
      if (target) this.use(used, target, reexport.name === '*' ? 'all' : new Set([reexport.name]));
      return;
    }
    for (const spec of file.stars) {
      const target = this.resolve(path, spec);
      if (target && this.exportNames(target).has(name)) this.useName(used, target, name);
    }
  }
}

/**
 * (a) Each name an entry point exports is imported through it by code outside its package; one
 * marked "(for tests)" by other packages' tests, and it is still used by the package's own code.
 */
function unusedEntryExports(
  graph: ModuleGraph,
  workspace: Workspace,
  section: ExportsSection | undefined,
): string[] {
  const problems: string[] = [];
  for (const entry of workspace.entries) {
    const { code, tests } = importsFromOutside(graph, entry);
    const listed = section?.entries.get(entry.specifier);
    const where = `\`${entry.specifier}\` (${entry.file})`;
    const outside = `outside ${workspace.dir}`;
    for (const name of sorted(graph.exportNames(entry.file))) {
      const forTests = listed?.get(name)?.forTests ?? false;
      if (code.has(name)) {
        if (!forTests) continue;
        problems.push(
          `${where} exports \`${name}\` marked "(for tests)" in the README, but code ${outside} ` +
            `imports it too: drop the mark.`,
        );
      } else if (tests.has(name) && forTests) {
        if (graph.isUsedByCode(entry.file, name)) continue;
        problems.push(
          `${where} exports \`${name}\` for tests, but no code except tests uses it: delete it ` +
            `(and change the tests), or use it where it belongs.`,
        );
      } else if (tests.has(name)) {
        problems.push(
          `${where} exports \`${name}\`, but only tests ${outside} import it: take it out of the ` +
            `entry point, or, if the package itself uses it and other packages' tests need it, ` +
            `mark its line in the README's Exports section "(for tests)".`,
        );
      } else {
        problems.push(
          `${where} exports \`${name}\`, but no code ${outside} imports it: take it out of the ` +
            `entry point (and delete it if nothing in the package needs it), or use it where it ` +
            `belongs.`,
        );
      }
    }
  }
  return problems;
}

/** The names imported through an entry point from outside its package, by code and by tests. */
function importsFromOutside(
  graph: ModuleGraph,
  entry: Entry,
): { code: Set<string>; tests: Set<string> } {
  const code = new Set<string>();
  const tests = new Set<string>();
  for (const [path, file] of graph.facts) {
    if (path.startsWith(`${entry.workspace.dir}/`)) continue;
    for (const { spec, names } of file.imports) {
      if (spec !== entry.specifier) continue;
      const into = isTestFile(path) ? tests : code;
      // A test that takes a whole namespace enumerates it (every error class, say): that uses
      // no name in particular.
      if (names === 'all' && into === tests) continue;
      for (const name of names === 'all' ? graph.exportNames(entry.file) : names) into.add(name);
    }
  }
  return { code, tests };
}

/** (b) The README's Exports section lists exactly what each entry point exports. */
function readmeDrift(graph: ModuleGraph, workspace: Workspace, section: ExportsSection): string[] {
  const readme = `${workspace.dir}/README.md`;
  const problems = section.problems.map((problem) => `${readme}: ${problem}`);
  for (const entry of workspace.entries) {
    const listed = section.entries.get(entry.specifier);
    if (!listed) {
      problems.push(
        `${readme} has no "### \`${entry.specifier}\`" heading in its Exports section: add it ` +
          `with a line "- \`name\` — what it is for" per export of ${entry.file}.`,
      );
      continue;
    }
    const actual = graph.exportNames(entry.file);
    for (const name of sorted(actual)) {
      if (listed.has(name)) continue;
      problems.push(
        `${readme} does not list \`${name}\`, which \`${entry.specifier}\` exports: add ` +
          `"- \`${name}\` — what it is for" under its heading in the Exports section.`,
      );
    }
    for (const name of sorted(listed.keys())) {
      if (actual.has(name)) continue;
      problems.push(
        `${readme} lists \`${name}\` under \`${entry.specifier}\`, which does not export it: ` +
          `remove it from the Exports section (or export it, if code outside needs it).`,
      );
    }
  }
  const specifiers = new Set(workspace.entries.map((entry) => entry.specifier));
  for (const specifier of section.entries.keys()) {
    if (specifiers.has(specifier)) continue;
    problems.push(
      `${readme} has a heading for \`${specifier}\`, which is not an entry point of ` +
        `${workspace.name} (its package.json "exports"): remove it or fix its name.`,
    );
  }
  return problems;
}

/** (c) Inside the packages and apps, every exported name is used by code other than tests. */
function deadModuleExports(graph: ModuleGraph, workspaces: Workspace[]): string[] {
  const problems: string[] = [];
  const dirs = workspaces.map((workspace) => `${workspace.dir}/`);
  for (const [path, file] of graph.facts) {
    if (isTestFile(path) || !dirs.some((dir) => path.startsWith(dir))) continue;
    const used = graph.used.get(path) ?? new Set<string>();
    for (const [name, { usedInFile }] of file.ownExports) {
      // A default export is taken by tools (config files) and `React.lazy` by convention.
      if (name === 'default' || usedInFile || used.has(name)) continue;
      problems.push(
        `${path} exports \`${name}\`, but no code except tests uses it: delete it (and its ` +
          `tests), or use it where it belongs.`,
      );
    }
    for (const name of file.reexports.keys()) {
      if (used.has(name)) continue;
      problems.push(
        `${path} passes on \`${name}\`, but no code except tests imports it from there: take ` +
          `it out of the re-export (tests import it from the file that declares it).`,
      );
    }
    for (const spec of file.stars) {
      const target = graph.resolve(path, spec);
      if (!target || [...graph.exportNames(target)].some((name) => used.has(name))) continue;
      problems.push(
        `${path} passes on everything of '${spec}', but no code except tests imports any of it ` +
          `from there: remove that \`export *\`.`,
      );
    }
  }
  return problems;
}

function sorted(names: Iterable<string>): string[] {
  return [...names].sort();
}
