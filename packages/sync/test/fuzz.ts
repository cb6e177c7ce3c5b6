/**
 * The convergence property of `convergence.property.test.ts`, run longer:
 * `npm run fuzz:sync -- --runs 10000 [--seed N]` from the repository root. Prints the runs, the
 * seed and the time; a failure prints fast-check's shrunk counterexample and exits non-zero.
 */
import { deepStrictEqual } from 'node:assert';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { removeReplicaFolders } from './support/replicas';
import { World, scenarioArbitrary } from './support/simulation';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' } },
});
const numRuns = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isInteger(numRuns) || numRuns < 1 || !Number.isInteger(seed)) {
  console.error('Usage: npm run fuzz:sync -- --runs <count ≥ 1> [--seed <integer>]');
  process.exit(2);
}

const world = new World();
const started = performance.now();
let done = 0;
try {
  await fc.assert(
    fc.asyncProperty(scenarioArbitrary, async (scenario) => {
      await world.run(scenario, (actual, expected, what) =>
        deepStrictEqual(actual, expected, what),
      );
      done += 1;
      if (done % 500 === 0) console.log(`${done} runs…`);
    }),
    { numRuns, seed },
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`sync convergence: ${numRuns} runs passed (seed ${seed}) in ${seconds.toFixed(0)} s`);
} finally {
  world.close();
  removeReplicaFolders();
}
