/**
 * The long crash-safety run: `npm run crash -w packages/db -- --kills 1000 [--seed N]`.
 * Kills a writing child at random moments and checks every acknowledged message after each kill.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildChild, runCrashCampaign } from '../test/crash/harness';

const { values } = parseArgs({
  options: { kills: { type: 'string', default: '1000' }, seed: { type: 'string' } },
});
const kills = Number(values.kills);
const seed = Number(values.seed ?? Date.now() % 1_000_000);
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'codeface-crash-'));
const childScript = await buildChild();
const started = Date.now();
try {
  const result = await runCrashCampaign({
    kills,
    seed,
    childScript,
    file: path.join(folder, 'crash.db'),
    onProgress: (done, acked) => {
      if (done % 100 === 0)
        console.log(`${done}/${kills} kills, ${acked} acknowledged messages ok`);
    },
  });
  console.log(
    `passed: ${result.kills} kills, ${result.ackedMessages} acknowledged messages, ${result.acks} acknowledgements, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} catch (error) {
  console.error(`FAILED with seed ${seed} (database kept in ${folder}):`, error);
  process.exitCode = 1;
} finally {
  fs.rmSync(childScript, { force: true });
  if (process.exitCode !== 1) fs.rmSync(folder, { recursive: true, force: true });
}
