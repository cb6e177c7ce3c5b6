/**
 * The dependency arrows of DESIGN.md, enforced. `npm run lint:deps` fails on any violation;
 * tools/dependency-rules proves that each family of rules fires.
 */
const leaf = (name, others) => ({
  name: `${name}-imports-nothing-of-ours`,
  comment: `packages/${name} may import nothing of ours (DESIGN.md: dependency direction).`,
  severity: 'error',
  from: { path: `^packages/${name}/` },
  to: { path: `^(apps/|packages/(${others})/)` },
});

module.exports = {
  forbidden: [
    leaf('ui', 'db|inference|sync'),
    leaf('inference', 'db|ui|sync'),
    leaf('db', 'inference|ui|sync'),
    {
      name: 'sync-imports-only-db',
      comment: 'packages/sync may import packages/db and nothing else of ours.',
      severity: 'error',
      from: { path: '^packages/sync/' },
      to: { path: '^(apps/|packages/(ui|inference)/)' },
    },
    {
      name: 'sync-server-imports-only-sync-protocol-and-crypto',
      comment:
        'apps/sync-server may import only the protocol and crypto of packages/sync: never the client engine, the store or the UI.',
      severity: 'error',
      from: { path: '^apps/sync-server/' },
      to: {
        path: '^(apps/desktop/|packages/)',
        pathNot: '^packages/sync/src/(protocol|crypto)/',
      },
    },
    {
      name: 'packages-never-import-apps',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'ui-no-node-builtins',
      comment:
        'packages/ui renders in a sandboxed renderer and a plain browser: no Node built-ins.',
      severity: 'error',
      from: { path: '^packages/ui/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'electron-only-in-main-and-preload',
      comment: "Only apps/desktop/src/main and apps/desktop/src/preload may import 'electron'.",
      severity: 'error',
      from: { pathNot: '^apps/desktop/src/(main|preload)/' },
      to: { path: '(^|/)node_modules/electron/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|out|coverage|\\.cache)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
