// `npm run lint:exports`: fails when an export is not used or a README's Exports list is wrong.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkExports } from './check';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Tracked and new (not ignored) files, so a file not yet committed is checked too; the checks'
// own fixtures are bad on purpose.
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter(
    (path) => path && !/^tools\/[^/]+\/fixtures\//.test(path) && existsSync(`${root}${path}`),
  );

const problems = checkExports({ files, read: (path) => readFileSync(`${root}${path}`, 'utf8') });
for (const problem of problems) console.error(problem);
if (problems.length > 0) {
  console.error(`\n${problems.length} export problem(s); see tools/exports/README.md.`);
  process.exitCode = 1;
}
