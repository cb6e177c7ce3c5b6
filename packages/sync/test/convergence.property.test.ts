import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { removeReplicaFolders } from './support/replicas';
import { World, scenarioArbitrary } from './support/simulation';

const world = new World();
afterAll(() => {
  world.close();
  removeReplicaFolders();
});

describe('sync convergence (property)', () => {
  it('leaves every replica identical and loses no acknowledged change, whatever happens', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, (scenario) =>
        world.run(scenario, (actual, expected, what) => expect(actual, what).toEqual(expected)),
      ),
      { numRuns: 1000 },
    );
  }, 600_000);
});
